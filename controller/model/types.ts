/**
 * The typed configuration Portico serves: a pure function of the store (see build.ts).
 * Plain data only, arrays in canonical order, so two models compare by their JSON.
 */
import type { Settings } from '../config/registry.js';

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
  /** Files from Secret data the configuration reads (see SecretFile), sorted by name. */
  secretFiles: SecretFile[];
  /** The controller's ConfigMap, parsed (see controller/config/); a change reloads. */
  settings: Settings;
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
  /** The host is listed under an Ingress's spec.tls (its locations redirect plain HTTP unless `ssl-redirect: false`). */
  sslRedirect: boolean;
  /** `server-alias`: more names this server answers for (validated DNS names no other server claims), sorted. */
  aliases: string[];
  /** `from-to-www-redirect`: the other name (`www.` added or removed) whose requests get a 308 to this host; null for none. */
  redirectFrom: string | null;
  /** Locations become case-insensitive regex locations (`use-regex` or `rewrite-target` on any Ingress of the host). */
  regex: boolean;
  /** Locations in canonical order (see model/paths.ts); never empty: a `/` fallback is always added. */
  locations: Location[];
  policy: ServerPolicy;
}

/** `regex`: an ImplementationSpecific path under `use-regex`, validated as a safe PCRE subset (model/regex.ts). */
export type PathMatch = 'exact' | 'prefix' | 'regex';

export interface Location {
  /** Validated path: starts with `/`, safe characters only; for prefix, no trailing slash except `/` itself. */
  path: string;
  match: PathMatch;
  /** Backend name (see Backend.name), or null for the built-in 404. */
  backend: string | null;
  /** The Ingress the rule came from; null for the generated `/` fallback. */
  ingress: ObjectRef | null;
  /** Plain-HTTP requests get a 308 to https (`ssl-redirect` on a TLS host, or `force-ssl-redirect`); null: served. */
  httpsRedirect: { preserveTrailingSlash: boolean } | null;
  /** `temporal-redirect`/`permanent-redirect`: every request is answered with this redirect instead of proxied. */
  redirect: { url: string; code: number } | null;
  /** `app-root`: a request for exactly `/` gets a 302 to this path. */
  appRoot: string | null;
  /** `rewrite-target`: the URI sent upstream, an nginx expression (`$1`… are captures of the location regex). */
  rewriteTarget: string | null;
  upstream: UpstreamSettings;
  proxy: ProxySettings;
  errors: ErrorSettings;
  /** Who may reach the location, how often, and what the edge adds to its answers (see model/policy.ts). */
  policy: AccessPolicy;
}

/** How requests reach the endpoints (annotations under "Upstream"). */
export interface UpstreamSettings {
  protocol: 'HTTP' | 'HTTPS' | 'GRPC' | 'GRPCS';
  /** `upstream-vhost`: Host header sent upstream; null keeps the client's. */
  vhost: string | null;
  /** `x-forwarded-prefix`: X-Forwarded-Prefix header value; null sends none. */
  forwardedPrefix: string | null;
  /** `connection-proxy-header`: fixed Connection header; null passes WebSocket upgrades and keeps connections alive. */
  connectionHeader: string | null;
}

/**
 * nginx proxy directives set per location; null inherits the http-level (global) value. Durations are in
 * milliseconds; sizes are validated nginx sizes (`8k`, `1m`, `0`).
 */
export interface ProxySettings {
  connectTimeoutMs: number | null;
  sendTimeoutMs: number | null;
  readTimeoutMs: number | null;
  bodySize: string | null;
  buffering: boolean | null;
  bufferSize: string | null;
  requestBuffering: boolean | null;
  clientBodyBufferSize: string | null;
  nextUpstream: string[] | null;
  nextUpstreamTries: number | null;
  nextUpstreamTimeoutMs: number | null;
  httpVersion: '1.0' | '1.1' | null;
}

/** A location's access policy: limits, address ranges, authentication, CORS, response headers, logging, snippet. */
export interface AccessPolicy {
  /** `limit-*`: per client address, counted per Ingress; null for no limit. */
  limits: RateLimits | null;
  /** `allowlist-source-range` (else `whitelist-source-range`): canonical CIDRs; empty allows every address. */
  allow: string[];
  /** `denylist-source-range`: canonical CIDRs answered 403. */
  deny: string[];
  /** `satisfy`: whether one passed access check (address ranges, basic, external auth) suffices. */
  satisfy: 'all' | 'any';
  /** `auth-type: basic`: the realm and the SecretFile name of the htpasswd file. */
  basicAuth: { realm: string; file: string } | null;
  externalAuth: ExternalAuth | null;
  cors: Cors | null;
  /** `custom-headers`: validated header names and values from the ConfigMap, sorted by name. */
  responseHeaders: Array<{ name: string; value: string }>;
  /** `auth-tls-pass-certificate-to-upstream` (on a host with `auth-tls-secret`). */
  passClientCertificate: boolean;
  /** `enable-access-log`. */
  accessLog: boolean;
  /** `configuration-snippet`, when the ConfigMap allows snippets: whole directives with balanced blocks. */
  snippet: string | null;
}

export interface RateLimits {
  /** `namespace.name` of the Ingress: the zones it shares across its locations are named after it. */
  zone: string;
  rps: number | null;
  rpm: number | null;
  connections: number | null;
  burstMultiplier: number;
  /** `limit-allowlist` (else `limit-whitelist`): canonical CIDRs the limits spare. */
  allowlist: string[];
}

/** `auth-url` and its companions. */
export interface ExternalAuth {
  /** Absolute http(s) URL without variables. */
  url: string;
  /** null: the request's own method. */
  method: string | null;
  /** Redirect target for 401, an expression over allowed variables (with `rd=` already added). */
  signin: string | null;
  /** Headers of the auth answer copied to the upstream request. */
  responseHeaders: string[];
}

/** `enable-cors` and the `cors-*` annotations. */
export interface Cors {
  /** `*`, or origins such as `https://a.com` and `https://*.a.com` (one label). */
  origins: string[];
  methods: string;
  headers: string;
  exposeHeaders: string | null;
  credentials: boolean;
  maxAge: number;
}

/** What annotations set on a whole server (host), taken from its oldest Ingress that sets it. */
export interface ServerPolicy {
  /** `auth-tls-*`: client certificates checked against a CA bundle (a SecretFile name). */
  clientCertificate: { caFile: string; verify: 'on' | 'off' | 'optional' | 'optional_no_ca'; depth: number; errorPage: string | null } | null;
  /** `server-snippet`, when the ConfigMap allows snippets. */
  snippet: string | null;
}

/** A file apply writes from Secret data (htpasswd files, CA bundles): under the work dir's secrets/, readable by the workers. */
export interface SecretFile {
  /** `<kind>.<namespace>.<secret>`: safe as a file name, unique per Secret and use. */
  name: string;
  secret: ObjectRef;
  content: string;
}

/** `custom-http-errors` + `default-backend` (or `--default-backend-service`). */
export interface ErrorSettings {
  /** Upstream responses with these codes are replaced by the error backend's answer (sorted). */
  codes: number[];
  /** Backend that serves those errors and stands in when the location's backend has no endpoint; null for none. */
  backend: string | null;
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
  /** How requests are spread over the endpoints. Pushed to Lua with the endpoints: a change needs no reload. */
  balancing: Balancing;
  /**
   * The lanes (canary backends) of each location whose main backend this is, by route (see model/canary.ts).
   * Pushed to Lua with the endpoints: adding, removing or re-weighting a lane needs no reload.
   */
  routes: RouteLanes[];
}

/** One piece of an `upstream-hash-by` key: literal text, or the value of an allow-listed request variable. */
export type HashKeyPart = { text: string } | { variable: string };

/** Which strategy (a module of lua/portico/balancer/) picks an endpoint; affinity wins over hashing, hashing over load-balance. */
export type Balancing =
  | { strategy: 'round_robin' }
  | { strategy: 'ewma' }
  /** `subsetSize`: keys map onto groups of this many endpoints, picked from at random (`upstream-hash-by-subset`). */
  | { strategy: 'chash'; hashBy: HashKeyPart[]; subsetSize: number | null }
  | { strategy: 'sticky'; cookie: StickyCookie };

/** Session affinity by cookie (`affinity: cookie` and the `session-cookie-*` annotations). */
export interface StickyCookie {
  mode: 'balanced' | 'persistent';
  name: string;
  path: string;
  maxAge: number | null;
  /** Seconds from the moment the cookie is set to its Expires date. */
  expires: number | null;
  sameSite: 'None' | 'Lax' | 'Strict' | null;
  conditionalSameSiteNone: boolean;
  secure: boolean;
  changeOnFailure: boolean;
}

/** The lanes of one location (a route), in the order they are tried: oldest canary Ingress first. */
export interface RouteLanes {
  /** The location's route id, as its `$portico_route` (see model/canary.ts). */
  route: string;
  lanes: Lane[];
}

/** A canary Ingress's backend as an alternative for one location, and which requests select it. */
export interface Lane {
  backend: string;
  /** The canary Ingress, for logs. */
  ingress: ObjectRef;
  /** `canary-by-header`: a header name and, optionally, the exact value or PCRE pattern that selects the lane. */
  header: { name: string; value: string | null; pattern: string | null } | null;
  /** `canary-by-cookie`. */
  cookie: string | null;
  /** `canary-weight` out of `canary-weight-total`. */
  weight: number;
  weightTotal: number;
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
  /** Annotation keys are read as `<prefix>/<name>` (`--annotations-prefix`). */
  annotationsPrefix: string;
  /** `namespace/name` of the Service that answers what no rule matches, and custom errors (`--default-backend-service`). */
  defaultBackendService: string | null;
  /** `namespace/name` of the controller's ConfigMap (`--configmap`); null reads one named `portico-controller` in any namespace. */
  configMap: string | null;
}

export interface BuildResult {
  model: Model;
  problems: Problem[];
}
