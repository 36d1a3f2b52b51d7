/**
 * What an Ingress's access-policy annotations make of its locations and servers, with the Secrets and
 * ConfigMaps they name resolved and checked (htpasswd users, CA bundles, response headers).
 */
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { AnnotationValues } from '../annotations/registry.js';
import type { SecretRef } from '../annotations/auth-basic.js';
import { parseHeaderName } from '../annotations/validators.js';
import type { Snapshot } from '../store/types.js';
import type { AccessPolicy, ExternalAuth, ObjectRef, RateLimits, SecretFile, ServerPolicy } from './types.js';
import { compareText, namespaceOf } from './objects.js';
import { parseCaBundle, parseHtpasswd, parseUserMap } from './secret-data.js';
import { type Checked, accept, isDnsSubdomain, quote, quoteRef, reject } from './validate.js';

/** A location no access-policy annotation touches. */
export const OPEN_POLICY: AccessPolicy = {
  limits: null,
  allow: [],
  deny: [],
  satisfy: 'all',
  basicAuth: null,
  externalAuth: null,
  cors: null,
  responseHeaders: [],
  passClientCertificate: false,
  accessLog: true,
  snippet: null,
};

export const OPEN_SERVER_POLICY: ServerPolicy = { clientCertificate: null, snippet: null };

export interface IngressPolicy {
  location: AccessPolicy;
  server: ServerPolicy;
}

const byKey = <T extends { metadata?: { name?: string; namespace?: string } }>(objects: readonly T[]) =>
  new Map(objects.map((object) => [`${namespaceOf(object)}/${object.metadata?.name}`, object]));

function decoded(secret: V1Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** ingress-nginx adds where to come back to, unless the sign-in URL already says it. */
function signinWithReturn(signin: string): string {
  if (/[?&]rd=/.test(signin)) return signin;
  return `${signin}${signin.includes('?') ? '&' : '?'}rd=$scheme://$http_host$escaped_request_uri`;
}

function limitsOf(ref: ObjectRef, values: AnnotationValues): Checked<RateLimits | null> {
  const { limitRps: rps, limitRpm: rpm, limitConnections: connections } = values;
  if (rps === null && rpm === null && connections === null) return accept(null);
  // Zones are named after the Ingress; its name must be one nginx.conf can carry.
  if (!isDnsSubdomain(ref.name)) return reject(`limits: Ingress name ${quote(ref.name)} is not a valid DNS-1123 subdomain`);
  const allowlist = values.limitAllowlist.length > 0 ? values.limitAllowlist : values.limitWhitelist;
  return accept({ zone: `${ref.namespace}.${ref.name}`, rps, rpm, connections, burstMultiplier: values.limitBurstMultiplier, allowlist });
}

function externalAuthOf(values: AnnotationValues): ExternalAuth | null {
  if (values.authUrl === null) return null;
  const signin = values.authSignin === null ? null : signinWithReturn(values.authSignin);
  return { url: values.authUrl, method: values.authMethod, signin, responseHeaders: values.authResponseHeaders };
}

/** Reads Secrets and ConfigMaps of one snapshot for the policies of its Ingresses, and keeps the files they produce. */
export class PolicyTable {
  readonly #secrets: Map<string, V1Secret>;
  readonly #configMaps: Map<string, V1ConfigMap>;
  readonly #files = new Map<string, SecretFile>();

  constructor(snapshot: Snapshot) {
    this.#secrets = byKey(snapshot.secrets);
    this.#configMaps = byKey(snapshot.configMaps);
  }

  /** The Ingress's policies, or every reason they cannot be honoured (the Ingress is then not served). */
  resolve(ref: ObjectRef, values: AnnotationValues): Checked<IngressPolicy> {
    const problems: string[] = [];
    const take = <T>(checked: Checked<T>, fallback: T): T => {
      if (checked.ok) return checked.value;
      problems.push(checked.reason);
      return fallback;
    };
    const location: AccessPolicy = {
      limits: take(limitsOf(ref, values), null),
      allow: values.allowlistSourceRange.length > 0 ? values.allowlistSourceRange : values.whitelistSourceRange,
      deny: values.denylistSourceRange,
      satisfy: values.satisfy,
      basicAuth: take(this.#basicAuth(ref, values), null),
      externalAuth: externalAuthOf(values),
      cors: values.enableCors
        ? {
            origins: values.corsAllowOrigin,
            methods: values.corsAllowMethods,
            headers: values.corsAllowHeaders,
            exposeHeaders: values.corsExposeHeaders,
            credentials: values.corsAllowCredentials,
            maxAge: values.corsMaxAge,
          }
        : null,
      responseHeaders: take(this.#responseHeaders(ref, values), []),
      passClientCertificate: values.authTlsPassCertificateToUpstream,
      accessLog: values.enableAccessLog,
      snippet: values.configurationSnippet,
    };
    const server: ServerPolicy = { clientCertificate: take(this.#clientCertificate(ref, values), null), snippet: values.serverSnippet };
    return problems.length > 0 ? { ok: false, reason: problems.join('; ') } : accept({ location, server });
  }

  /** The files with these names (all produced by `resolve`), sorted by name. */
  files(names: Iterable<string>): SecretFile[] {
    return [...new Set(names)].sort(compareText).flatMap((name) => this.#files.get(name) ?? []);
  }

  #secret(ref: SecretRef, fallbackNamespace: string): { secret: V1Secret; object: ObjectRef } | string {
    const object = { kind: 'Secret', namespace: ref.namespace ?? fallbackNamespace, name: ref.name };
    const secret = this.#secrets.get(`${object.namespace}/${object.name}`);
    return secret ? { secret, object } : `Secret ${quoteRef(object)} not found`;
  }

  #keep(kind: string, object: ObjectRef, content: string): string {
    const name = `${kind}.${object.namespace}.${object.name}`;
    this.#files.set(name, { name, secret: object, content });
    return name;
  }

  #basicAuth(ref: ObjectRef, values: AnnotationValues): Checked<AccessPolicy['basicAuth']> {
    if (values.authType === null) return accept(null);
    if (values.authSecret === null) return reject('auth-type: basic needs auth-secret');
    // Users of one namespace never authenticate against another namespace's Secret.
    if (values.authSecret.namespace !== null && values.authSecret.namespace !== ref.namespace) {
      return reject(`auth-secret: Secret ${quote(`${values.authSecret.namespace}/${values.authSecret.name}`)} is not in the Ingress's namespace`);
    }
    const found = this.#secret(values.authSecret, ref.namespace);
    if (typeof found === 'string') return reject(`auth-secret: ${found}`);
    const users =
      values.authSecretType === 'auth-map'
        ? parseUserMap(Object.fromEntries(Object.keys(found.secret.data ?? {}).map((key) => [key, decoded(found.secret, key) ?? ''])))
        : parseHtpasswd(decoded(found.secret, 'auth'));
    if (!users.ok) return reject(`auth-secret: Secret ${quoteRef(found.object)}: ${users.reason}`);
    // Named by form too: two Ingresses may read one Secret as a file and as a map, giving different users.
    const kind = values.authSecretType === 'auth-map' ? 'htpasswd-map' : 'htpasswd';
    return accept({ realm: values.authRealm, file: this.#keep(kind, found.object, users.value) });
  }

  #clientCertificate(ref: ObjectRef, values: AnnotationValues): Checked<ServerPolicy['clientCertificate']> {
    if (values.authTlsSecret === null) return accept(null);
    const found = this.#secret(values.authTlsSecret, ref.namespace);
    if (typeof found === 'string') return reject(`auth-tls-secret: ${found}`);
    const bundle = parseCaBundle(decoded(found.secret, 'ca.crt'));
    if (!bundle.ok) return reject(`auth-tls-secret: Secret ${quoteRef(found.object)}: ${bundle.reason}`);
    const caFile = this.#keep('ca', found.object, bundle.value);
    return accept({ caFile, verify: values.authTlsVerifyClient, depth: values.authTlsVerifyDepth, errorPage: values.authTlsErrorPage });
  }

  /** `custom-headers`: a ConfigMap of the Ingress's own namespace, so no Ingress can publish another namespace's data. */
  #responseHeaders(ref: ObjectRef, values: AnnotationValues): Checked<AccessPolicy['responseHeaders']> {
    if (values.customHeaders === null) return accept([]);
    const { namespace, name } = values.customHeaders;
    const label = `ConfigMap ${quote(`${namespace}/${name}`)}`;
    if (namespace !== ref.namespace) return reject(`custom-headers: ${label} is not in the Ingress's namespace`);
    const configMap = this.#configMaps.get(`${namespace}/${name}`);
    if (!configMap) return reject(`custom-headers: ${label} not found`);
    const headers: AccessPolicy['responseHeaders'] = [];
    for (const [header, value] of Object.entries(configMap.data ?? {}).sort(([a], [b]) => compareText(a, b))) {
      if (!parseHeaderName(header).ok) return reject(`custom-headers: ${label}: key ${quote(header)} is not an HTTP header name`);
      // Printable text only (a tab is a control character to the quoting helper); `$` would be expanded by nginx
      // as a variable; nginx reads one token into a 4 KiB buffer, name and value together.
      if (!/^[\x20-\x23\x25-\x7e]{0,2048}$/.test(value)) {
        return reject(`custom-headers: ${label}: value of ${quote(header)} must be printable ASCII without $ (at most 2048 characters)`);
      }
      headers.push({ name: header, value: value.trim() });
    }
    return accept(headers);
  }
}

/** Each server-wide setting from the first Ingress (oldest) of the host that sets it. */
export function mergeServerPolicy(current: ServerPolicy, next: ServerPolicy): ServerPolicy {
  return { clientCertificate: current.clientCertificate ?? next.clientCertificate, snippet: current.snippet ?? next.snippet };
}

/** The SecretFiles the servers and their locations read. */
export function secretFileNames(servers: ReadonlyArray<{ policy: ServerPolicy; locations: ReadonlyArray<{ policy: AccessPolicy }> }>): string[] {
  return servers.flatMap((server) => [
    ...(server.policy.clientCertificate ? [server.policy.clientCertificate.caFile] : []),
    ...server.locations.flatMap((location) => (location.policy.basicAuth ? [location.policy.basicAuth.file] : [])),
  ]);
}
