/** Per-client request and connection limits, shared by all paths of an Ingress, and the clients they spare. */
import { annotation } from './types.js';
import { parseCidrList } from './cidr.js';
import { integerIn } from './validators.js';

const limit = (key: string, doc: string) =>
  annotation<number | null>({ key, scope: 'location', risk: 'Low', default: null, doc, parse: integerIn(1, 1_000_000) });

export const limitRps = limit('limit-rps', 'requests per second one client address may make to the Ingress; beyond the rate and its burst, `limit-req-status-code` (503)');
export const limitRpm = limit('limit-rpm', 'requests per minute one client address may make to the Ingress; beyond the rate and its burst, `limit-req-status-code` (503)');
export const limitConnections = limit('limit-connections', 'concurrent connections one client address may hold to the Ingress; beyond, `limit-conn-status-code` (503)');

export const limitBurstMultiplier = annotation<number>({
  key: 'limit-burst-multiplier',
  scope: 'location',
  risk: 'Low',
  default: 5,
  doc: 'burst allowed above `limit-rps`/`limit-rpm`, as a multiple of the rate',
  parse: integerIn(1, 1000),
});

const allowlist = (key: string, doc: string) =>
  annotation<string[]>({ key, scope: 'location', risk: 'Low', default: [], doc, parse: parseCidrList });

export const limitAllowlist = allowlist('limit-allowlist', 'comma-separated client addresses or CIDR ranges (IPv4, IPv6) the limits do not apply to');
export const limitWhitelist = allowlist('limit-whitelist', 'older name of `limit-allowlist`, read when that is absent');
