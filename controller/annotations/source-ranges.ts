/** Which client addresses may reach an Ingress's paths at all; others get 403. */
import { annotation } from './types.js';
import { parseCidrList } from './cidr.js';

const ranges = (key: string, doc: string) =>
  annotation<string[]>({ key, scope: 'location', risk: 'Medium', default: [], doc, parse: parseCidrList });

export const allowlistSourceRange = ranges(
  'allowlist-source-range',
  'comma-separated client addresses or CIDR ranges (IPv4, IPv6) allowed in; every other client gets 403',
);
export const whitelistSourceRange = ranges('whitelist-source-range', 'older name of `allowlist-source-range`, read when that is absent');
export const denylistSourceRange = ranges('denylist-source-range', 'comma-separated client addresses or CIDR ranges refused with 403; checked before the allowlist');
