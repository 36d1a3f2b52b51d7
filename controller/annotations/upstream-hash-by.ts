/**
 * `upstream-hash-by`: consistent hashing on an nginx variable expression. The expression never reaches
 * nginx.conf: it is parsed here into literal text and allow-listed variable names, pushed to Lua with the
 * backend, and evaluated there per request (lua/portico/balancer/chash.lua).
 */
import type { HashKeyPart } from '../model/types.js';
import { accept, type Checked, reject } from '../model/validate.js';
import { locationSetting } from './setting.js';
import { annotation } from './types.js';
import { integerIn, parseBoolean } from './validators.js';

/** Request coordinates a key may use whole. */
const VARIABLES = new Set([
  'request_uri', 'uri', 'document_uri', 'args', 'query_string', 'host', 'http_host', 'server_name', 'scheme',
  'request_method', 'remote_addr', 'binary_remote_addr', 'remote_user', 'server_port',
]);
/** Families of variables named after a request header, cookie or query argument. */
const FAMILIES = /^(http|cookie|arg)_[A-Za-z0-9_]{1,64}$/;
const PART = /\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)|([A-Za-z0-9._~:/@,=+|-]+)/y;

export function parseHashKey(raw: string): Checked<HashKeyPart[]> {
  if (raw.length > 256) return reject('longer than 256 characters');
  const parts: HashKeyPart[] = [];
  PART.lastIndex = 0;
  while (PART.lastIndex < raw.length) {
    const start = PART.lastIndex;
    const match = PART.exec(raw);
    if (!match) return reject(`unexpected ${JSON.stringify(raw.slice(start, start + 1))}; expected $variables and the characters A-Z a-z 0-9 . _ ~ : / @ , = + | -`);
    const variable = match[1] ?? match[2];
    if (variable === undefined) parts.push({ text: match[3] ?? '' });
    else if (VARIABLES.has(variable) || FAMILIES.test(variable)) parts.push({ variable });
    else return reject(`variable $${variable} is not allowed (allowed: ${[...VARIABLES].map((name) => `$${name}`).join(' ')}, $http_*, $cookie_*, $arg_*)`);
  }
  if (!parts.some((part) => 'variable' in part)) return reject('expected at least one $variable, such as $request_uri');
  return accept(parts);
}

export const upstreamHashBy = annotation<HashKeyPart[] | null>({
  key: 'upstream-hash-by',
  scope: 'location',
  risk: 'High',
  default: null,
  doc: 'consistent hashing of requests onto endpoints by this key, e.g. `$request_uri`, `$remote_addr`, `$http_x_user` or `$host$request_uri`; adding or removing an endpoint moves about 1/N of keys',
  parse: parseHashKey,
});

export const upstreamHashBySubset = locationSetting(
  'upstream-hash-by-subset',
  false,
  'hash keys onto groups of `upstream-hash-by-subset-size` endpoints instead of single ones, and pick at random within the group',
  parseBoolean,
);

export const upstreamHashBySubsetSize = locationSetting('upstream-hash-by-subset-size', 3, 'endpoints per group of `upstream-hash-by-subset`', integerIn(1, 100));
