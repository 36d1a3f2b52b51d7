/**
 * The typed configuration Portico serves: a pure function of the store (see build.ts).
 * Plain data only, arrays in canonical order, so two models compare by their JSON.
 */

/** Identifies the Kubernetes object a piece of configuration (or a problem) comes from. */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface Model {
  /** Servers sorted by host; the catch-all server (host '') is always present and first. */
  servers: Server[];
  /** Every backend a location or server refers to, sorted by name. */
  backends: Backend[];
  /** TLS certificates taken from Secrets, sorted by name. */
  certificates: Certificate[];
  /** Name of the certificate served where a host has none (`--default-ssl-certificate`); null means the generated self-signed one. */
  defaultCertificate: string | null;
}

export type HostMatch =
  /** Matches the Host header exactly (case-insensitively, as DNS). */
  | 'exact'
  /** `*.foo.com`: exactly one extra label in front of `foo.com`. */
  | 'wildcard'
  /** The default server: any host no other server claims (host is ''). */
  | 'catch-all';

export interface Server {
  /** `foo.com`, `*.foo.com`, or '' for the catch-all server. Validated as a DNS name. */
  host: string;
  match: HostMatch;
  /** Name of the Certificate for this host; null means the default certificate. */
  certificate: string | null;
  /** Plain-HTTP requests get a 308 to https (true when the host is listed under an Ingress's spec.tls). */
  sslRedirect: boolean;
  /** Locations in canonical order (see model/paths.ts); never empty: a `/` fallback is always added. */
  locations: Location[];
}

export type PathMatch = 'exact' | 'prefix';

export interface Location {
  /** Validated path: starts with `/`, safe characters only; for prefix, no trailing slash except `/` itself. */
  path: string;
  match: PathMatch;
  /** Backend name (see Backend.name), or null for the built-in 404. */
  backend: string | null;
  /** The Ingress the rule came from; null for the generated `/` fallback. */
  ingress: ObjectRef | null;
}

export interface Endpoint {
  /** IPv4 or IPv6 literal (validated). */
  address: string;
  port: number;
}

export interface Backend {
  /**
   * `namespace.service.port` (port is the Service port number or name). Dots cannot occur in namespace
   * or Service names, so the name is unique and safe to place in nginx.conf and Lua.
   */
  name: string;
  service: ObjectRef;
  /** Ready endpoints, sorted by address then port. Empty means the backend answers 503. */
  endpoints: Endpoint[];
  /**
   * For an ExternalName Service: the DNS name and port to proxy to. The model stays pure, so `endpoints`
   * is empty here; apply resolves the name and pushes the addresses as endpoints.
   */
  externalName?: { host: string; port: number };
}

export interface Certificate {
  /** `namespace.secretName`; also the file name under the work dir's certs/. */
  name: string;
  secret: ObjectRef;
  /** PEM certificate chain and key, already parsed and checked to belong together. */
  certPem: string;
  keyPem: string;
}

/** Something in the store that could not be used; logged (and sent as an Event) with the object it names. */
export interface Problem {
  object: ObjectRef;
  reason: string;
}

export interface ModelOptions {
  /** IngressClass spec.controller value that selects us (`--controller-class`). */
  controllerClass: string;
  /** Legacy `kubernetes.io/ingress.class` annotation value that selects us (`--ingress-class`). */
  ingressClass: string;
  /** Serve Ingresses that name no class at all (`--watch-ingress-without-class`). */
  watchIngressWithoutClass: boolean;
  /** `namespace/name` of the TLS Secret used where a host has none (`--default-ssl-certificate`). */
  defaultSslCertificate: string | null;
}

export interface BuildResult {
  model: Model;
  problems: Problem[];
}
