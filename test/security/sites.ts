/**
 * Every place a value from the cluster reaches the configuration: each annotation in the registry, each
 * ConfigMap key, and the Ingress, Service, EndpointSlice and Secret fields the model reads. A site puts a
 * value into a healthy world and knows a benign value it must accept.
 */
import { ANNOTATIONS } from '../../controller/annotations/registry.js';
import { SETTINGS } from '../../controller/config/registry.js';
import type { Checked } from '../../controller/model/validate.js';
import { PREFIX, type World } from '../helpers/render-world.js';

export interface Site {
  name: string;
  /** A value the site accepts, whose configuration is the structure a hostile accepted value must keep; null: it accepts none. */
  benign: string | null;
  put(world: World, value: string): void;
}

/** Tried in order until a parser accepts one: one of them fits each annotation and key. */
const CANDIDATES = [
  'true', '5', '1', '404,503', '10s', '/fuzz', 'fuzz.example.com', 'http://auth.example.com/check', 'https://example.com/',
  'GET', 'on', 'HTTP', 'cookie', 'basic', 'htpasswd', 'default/ca', 'X-Fuzz', '10.0.0.0/8', 'TLSv1.3', 'HIGH:!aNULL',
  'text/css', 'Low', 'warn', 'auth-file', 'fuzz', 'Lax', 'round_robin', '$request_uri', 'keep-alive', '8 16k', '1m',
  'balanced', 'all', 'always', '301', '302', '300', '429', 'https://example.com', 'add_header X-Fuzz "yes";', 'X-Fuzz: yes', 'default/headers', '$remote_addr fuzz', 'BadBot', '/var/log/fuzz.log', 'error timeout', '1.1',
];

function benignFor(parse: (raw: string) => Checked<unknown>): string | null {
  return CANDIDATES.find((candidate) => parse(candidate).ok) ?? null;
}

/** Annotations that only reach the configuration next to another one. */
const COMPANIONS: Array<[RegExp, Record<string, string>]> = [
  [/^cors-/, { 'enable-cors': 'true' }],
  [/^(session-cookie-|affinity-mode)/, { affinity: 'cookie' }],
  [/^(auth-type|auth-realm|auth-secret-type)$/, { 'auth-type': 'basic', 'auth-secret': 'htpasswd' }],
  [/^auth-secret$/, { 'auth-type': 'basic' }],
  [/^auth-(method|signin|response-headers)$/, { 'auth-url': 'http://auth.example.com/check' }],
  [/^auth-tls-(verify|pass|error)/, { 'auth-tls-secret': 'default/ca' }],
  [/^limit-(burst|allowlist|whitelist)/, { 'limit-rps': '5' }],
];

/** Benign values that name objects of the world, or keep the Ingress a main (not canary) one. */
const BENIGN: Record<string, string> = {
  'default-backend': 'echo',
  'auth-secret': 'htpasswd',
  'auth-tls-secret': 'default/ca',
  'custom-headers': 'default/headers',
  canary: 'false',
  'service-upstream': 'false',
};

function annotationSites(): Site[] {
  return Object.values(ANNOTATIONS).map((spec) => ({
    name: `annotation ${spec.key}`,
    benign: BENIGN[spec.key] ?? benignFor((raw) => spec.parse(raw)),
    put(world, value) {
      const companions = COMPANIONS.find(([pattern]) => pattern.test(spec.key))?.[1] ?? {};
      const annotations = world.ingress.metadata!.annotations!;
      for (const [key, companion] of Object.entries(companions)) annotations[`${PREFIX}/${key}`] = companion;
      annotations[`${PREFIX}/${spec.key}`] = value;
    },
  }));
}

function configMapSites(): Site[] {
  return Object.values(SETTINGS).map((spec) => ({
    name: `ConfigMap ${spec.key}`,
    benign: benignFor((raw) => spec.parse(raw)),
    put(world, value) {
      world.configMap.data![spec.key] = value;
    },
  }));
}

const spec = (world: World) => world.ingress.spec!;
const firstPath = (world: World) => spec(world).rules![0]!.http!.paths[0]!;
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Ingress, Service, EndpointSlice and Secret fields the model turns into configuration. (ingressClassName is
 * only compared with IngressClass names: another value makes the Ingress someone else's, ignored by design.)
 */
const FIELD_SITES: Site[] = [
  {
    // The rule's and the TLS section's host together: a TLS host no rule names is valid, and means something else.
    name: 'Ingress host',
    benign: 'fuzz.example.com',
    put: (w, v) => {
      spec(w).rules![0]!.host = v;
      spec(w).tls![0]!.hosts = [v];
    },
  },
  { name: 'Ingress TLS secretName', benign: 'app-tls', put: (w, v) => void (spec(w).tls![0]!.secretName = v) },
  { name: 'Prefix path', benign: '/fuzz', put: (w, v) => void (firstPath(w).path = v) },
  { name: 'Exact path', benign: '/fuzz', put: (w, v) => Object.assign(firstPath(w), { path: v, pathType: 'Exact' }) },
  {
    name: 'regex path (use-regex)',
    benign: '/fuzz/[0-9]+',
    put: (w, v) => {
      w.ingress.metadata!.annotations![`${PREFIX}/use-regex`] = 'true';
      Object.assign(firstPath(w), { path: v, pathType: 'ImplementationSpecific' });
    },
  },
  { name: 'backend service name', benign: 'echo', put: (w, v) => void (firstPath(w).backend.service!.name = v) },
  { name: 'backend port name', benign: 'http', put: (w, v) => void (firstPath(w).backend.service!.port = { name: v }) },
  { name: 'Service and EndpointSlice port name', benign: 'http', put: (w, v) => void (w.servicePortName = v) },
  { name: 'EndpointSlice address', benign: '10.0.0.2', put: (w, v) => void (w.endpointAddress = v) },
  { name: 'Ingress name', benign: 'fuzz', put: (w, v) => void (w.ingress.metadata!.name = v) },
  { name: 'Ingress namespace', benign: 'default', put: (w, v) => void (w.ingress.metadata!.namespace = v) },
  { name: 'TLS Secret tls.crt', benign: 'KEEP', put: (w, v) => mutateSecret(w, 'app-tls', 'tls.crt', v) },
  {
    name: 'CA Secret ca.crt',
    benign: 'KEEP',
    put: (w, v) => {
      w.ingress.metadata!.annotations![`${PREFIX}/auth-tls-secret`] = 'default/ca';
      mutateSecret(w, 'ca', 'ca.crt', v);
    },
  },
  {
    name: 'custom-headers ConfigMap: header name',
    benign: 'X-Fuzz',
    put: (w, v) => {
      w.ingress.metadata!.annotations![`${PREFIX}/custom-headers`] = 'default/headers';
      w.headers = { [v]: 'yes' };
    },
  },
  {
    name: 'custom-headers ConfigMap: header value',
    benign: 'yes',
    put: (w, v) => {
      w.ingress.metadata!.annotations![`${PREFIX}/custom-headers`] = 'default/headers';
      w.headers = { 'X-Fuzz': v };
    },
  },
  { name: 'TLS Secret tls.key', benign: 'KEEP', put: (w, v) => mutateSecret(w, 'app-tls', 'tls.key', v) },
  {
    name: 'htpasswd Secret auth',
    benign: 'user:$apr1$8TjmW1Bd$Mwgm9WJ.8uT9Wf2Z0rH0l/',
    put: (w, v) => {
      Object.assign(w.ingress.metadata!.annotations!, { [`${PREFIX}/auth-type`]: 'basic', [`${PREFIX}/auth-secret`]: 'htpasswd' });
      w.secrets.find((secret) => secret.metadata!.name === 'htpasswd')!.data!.auth = base64(v);
    },
  },
];

/** `KEEP` leaves the Secret's PEM; anything else is spliced into it, so hostile text sits inside otherwise valid data. */
function mutateSecret(world: World, name: string, key: string, value: string): void {
  const secret = world.secrets.find((candidate) => candidate.metadata!.name === name)!;
  if (value === 'KEEP') return;
  const pem = Buffer.from(secret.data![key]!, 'base64').toString('utf8');
  const at = pem.indexOf('\n') + 1;
  secret.data![key] = base64(pem.slice(0, at) + value + pem.slice(at));
}

export function allSites(): Site[] {
  return [...annotationSites(), ...configMapSites(), ...FIELD_SITES];
}
