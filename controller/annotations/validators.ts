/** Parsers shared by the annotation modules: each accepts exactly its grammar and says what it expected otherwise. */
import { accept, type Checked, isDnsSubdomain, reject } from '../model/validate.js';

/** The booleans Go's strconv.ParseBool (hence ingress-nginx) accepts. */
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export function parseBoolean(raw: string): Checked<boolean> {
  if (TRUE.has(raw)) return accept(true);
  if (FALSE.has(raw)) return accept(false);
  return reject('expected true or false');
}

/** An integer in [min, max], decimal digits only. */
export function integerIn(min: number, max: number): (raw: string) => Checked<number> {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d{1,9}$/.test(raw) || value < min || value > max) return reject(`expected an integer from ${min} to ${max}`);
    return accept(value);
  };
}

/** One of a fixed set of words, compared exactly. */
export function oneOf<const T extends string>(words: readonly T[]): (raw: string) => Checked<T> {
  return (raw) => ((words as readonly string[]).includes(raw) ? accept(raw as T) : reject(`expected one of ${words.join(', ')}`));
}

const TIME_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration, in milliseconds: bare seconds (`60`, as ingress-nginx's timeout annotations are written) or
 * nginx time syntax with one unit (`500ms`, `30s`, `5m`, `1h`); at most a day.
 */
export function parseDuration(raw: string): Checked<number> {
  const match = /^(\d{1,6})(ms|s|m|h)?$/.exec(raw);
  const millis = match ? Number(match[1]) * (TIME_UNITS_MS[match[2] ?? 's'] ?? 1000) : NaN;
  if (!(millis <= 86_400_000)) return reject('expected seconds (such as 60) or an nginx time (such as 500ms, 30s, 5m)');
  return accept(millis);
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };

/**
 * A buffer size as nginx's size directives read it: bytes, or a number with k or m (nginx refuses g there), from
 * 1 byte to 1024m (proxy_max_temp_file_size's default, which nginx -t requires to be no smaller). Anything else
 * would fail nginx -t and hold back every other change.
 */
export function parseBufferSize(raw: string): Checked<string> {
  const bytes = bufferBytes(raw);
  if (bytes < 1 || bytes > 1024 * SIZE_UNITS.m!) return reject('expected an nginx buffer size from 1 to 1024m such as 512, 8k or 1m');
  return accept(raw.toLowerCase());
}

/** The bytes a buffer size (see parseBufferSize) stands for; 0 when it is not one. */
export function bufferBytes(raw: string): number {
  const match = /^(\d{1,10})([kKmM]?)$/.exec(raw);
  return match ? Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 0) : 0;
}

/** An nginx size: bytes, or a number with k, m or g (either case); `0` where nginx reads it as "no limit". */
export function parseSize(raw: string): Checked<string> {
  if (!/^\d{1,9}[kKmMgG]?$/.test(raw)) return reject('expected an nginx size such as 0, 512, 8k, 1m or 1g');
  return accept(raw.toLowerCase());
}

/** Comma-separated HTTP status codes 100-599, in the order given, without repeats. */
export function parseStatusCodes(raw: string): Checked<number[]> {
  const codes = raw.split(',').map((code) => code.trim());
  if (!codes.every((code) => /^[1-5]\d\d$/.test(code))) return reject('expected comma-separated HTTP status codes such as 404,503');
  return accept([...new Set(codes.map(Number))]);
}

/** An HTTP field name (RFC 9110 token). */
export function parseHeaderName(raw: string): Checked<string> {
  return /^[!#%&'*+.^_`|~0-9A-Za-z-]{1,128}$/.test(raw) ? accept(raw) : reject('expected an HTTP header name');
}

/** A host name, optionally with `:port` (the Host header an upstream gets). */
export function parseHostPort(raw: string): Checked<string> {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(raw);
  const port = match?.[2] === undefined ? 1 : Number(match[2]);
  if (!match || !isDnsSubdomain(match[1]!.toLowerCase()) || port < 1 || port > 65535) return reject('expected a host name, optionally with :port');
  return accept(raw.toLowerCase());
}

/** Variables an annotation's URL or rewrite target may read: request coordinates only, never headers, cookies or secrets. */
export const URL_VARIABLES = ['scheme', 'host', 'http_host', 'server_port', 'request_uri', 'uri', 'args', 'is_args', 'query_string'] as const;

// URL characters (RFC 3986) without quotes, backslash, spaces, `;`, `{`/`}`, and `$` except as below.
const URL_TEXT = /^[A-Za-z0-9\-._~:/?#[\]@!&()*+,=%]*$/;
const VARIABLE = /\$(\{[a-z_]+\}|[a-z_]+|[1-9])/g;

/**
 * Text that nginx will expand: literal URL characters plus `$name`/`${name}` for the allowed variables
 * and, where `captures` is set, `$1`-`$9` regex captures. A `$` in any other position is refused.
 */
export function parseExpression(raw: string, options: { captures: boolean }): Checked<string> {
  if (raw.length > 2048) return reject('longer than 2048 characters');
  let problem: string | null = null;
  const literal = raw.replace(VARIABLE, (whole, name: string) => {
    const bare = name.replace(/[{}]/g, '');
    const allowed = /^\d$/.test(bare) ? options.captures : (URL_VARIABLES as readonly string[]).includes(bare);
    if (!allowed) problem ??= `variable ${whole} is not allowed (allowed: ${options.captures ? '$1-$9, ' : ''}${URL_VARIABLES.map((v) => `$${v}`).join(' ')})`;
    return '';
  });
  if (problem) return reject(problem);
  if (!URL_TEXT.test(literal)) return reject('expected URL characters (no spaces, quotes, backslashes, ; { } or stray $)');
  return accept(raw);
}

/** An absolute http(s) URL, possibly with allowed variables (see parseExpression). */
export function parseRedirectUrl(raw: string): Checked<string> {
  if (!/^https?:\/\/[^/$]/i.test(raw)) return reject('expected an absolute http:// or https:// URL');
  return parseExpression(raw, { captures: false });
}

/** A URL path: `/` then path characters, no variables. */
export function parseUrlPath(raw: string): Checked<string> {
  return /^\/([A-Za-z0-9/._~+:@,=-]|%[0-9A-Fa-f]{2})*$/.test(raw) && raw.length <= 1024
    ? accept(raw)
    : reject('expected a path starting with / using A-Z a-z 0-9 / . _ ~ + : @ , = - and %XX');
}

/** A comma-separated list of DNS names (wildcards allowed as `*.` prefix), lower-cased and de-duplicated. */
export function parseHostList(raw: string): Checked<string[]> {
  const hosts = raw.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean);
  const bad = hosts.find((host) => !isDnsSubdomain(host.startsWith('*.') ? host.slice(2) : host));
  if (bad !== undefined || hosts.length === 0) return reject('expected comma-separated DNS names');
  return accept([...new Set(hosts)]);
}
