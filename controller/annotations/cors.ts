/** Cross-origin resource sharing answered at the edge: which origins, methods and headers, and the preflight cache time. */
import { accept, type Checked, isDnsSubdomain, reject } from '../model/validate.js';
import { annotation } from './types.js';
import { integerIn, parseBoolean } from './validators.js';

/** `scheme://host[:port]`, where the host may start with `*.` for any one label in front of it. */
const ORIGIN = /^(https?):\/\/(\*\.)?([^:/]+)(?::(\d{1,5}))?$/i;

/** `*` alone, or comma-separated origins such as `https://foo.com`, `http://foo.com:8080`, `https://*.foo.com`. */
function parseOrigins(raw: string): Checked<string[]> {
  const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 1 && items[0] === '*') return accept(['*']);
  const origins: string[] = [];
  for (const item of items) {
    const match = ORIGIN.exec(item);
    const port = match?.[4] === undefined ? 1 : Number(match[4]);
    if (!match || !isDnsSubdomain(match[3]!.toLowerCase()) || port < 1 || port > 65535) {
      return reject('expected * or comma-separated origins such as https://foo.com, http://foo.com:8080 or https://*.foo.com');
    }
    origins.push(item.toLowerCase());
  }
  if (origins.length === 0) return reject('expected at least one origin');
  return accept([...new Set(origins)]);
}

/** Comma-separated tokens matching `item`, re-joined as `A, B`; `star` admits `*` alone. */
function tokenList(item: (raw: string) => Checked<string>, what: string, star: boolean): (raw: string) => Checked<string> {
  return (raw) => {
    if (star && raw === '*') return accept('*');
    const items = raw.split(',').map((token) => token.trim());
    if (items.length > 64 || !items.every((token) => item(token).ok)) return reject(`expected comma-separated ${what}`);
    return accept(items.join(', '));
  };
}

// Header names end up in an nginx expression (`expr`), which refuses quotes; real header names never need them.
const headerName = (raw: string): Checked<string> => (/^[A-Za-z0-9_.-]{1,128}$/.test(raw) ? accept(raw) : reject('expected a header name'));

const method = (raw: string): Checked<string> => (/^[A-Za-z]{1,32}$/.test(raw) ? accept(raw) : reject('expected a method'));

export const enableCors = annotation<boolean>({
  key: 'enable-cors',
  scope: 'location',
  risk: 'Low',
  default: false,
  doc: 'answer CORS: preflight `OPTIONS` requests get 204 from Portico, other responses get the `Access-Control-*` headers',
  parse: parseBoolean,
});

export const corsAllowOrigin = annotation<string[]>({
  key: 'cors-allow-origin',
  scope: 'location',
  risk: 'Medium',
  default: ['*'],
  doc: '`*`, or comma-separated origins (`https://foo.com`, `https://*.foo.com` for one label, a port if not the default); a request from another origin gets no CORS headers',
  parse: parseOrigins,
});

export const corsAllowMethods = annotation<string>({
  key: 'cors-allow-methods',
  scope: 'location',
  risk: 'Medium',
  default: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  doc: 'comma-separated methods for `Access-Control-Allow-Methods`',
  parse: tokenList(method, 'methods such as GET, POST', false),
});

export const corsAllowHeaders = annotation<string>({
  key: 'cors-allow-headers',
  scope: 'location',
  risk: 'Medium',
  default: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  doc: 'comma-separated header names (or `*`) for `Access-Control-Allow-Headers`',
  parse: tokenList(headerName, 'header names (letters, digits, - _ .)', true),
});

export const corsExposeHeaders = annotation<string | null>({
  key: 'cors-expose-headers',
  scope: 'location',
  risk: 'Medium',
  default: null,
  doc: 'comma-separated header names (or `*`) for `Access-Control-Expose-Headers`',
  parse: tokenList(headerName, 'header names (letters, digits, - _ .)', true),
});

export const corsAllowCredentials = annotation<boolean>({
  key: 'cors-allow-credentials',
  scope: 'location',
  risk: 'Low',
  default: true,
  doc: 'send `Access-Control-Allow-Credentials: true`',
  parse: parseBoolean,
});

export const corsMaxAge = annotation<number>({
  key: 'cors-max-age',
  scope: 'location',
  risk: 'Low',
  default: 1728000,
  doc: 'seconds a browser may cache a preflight answer (`Access-Control-Max-Age`)',
  parse: integerIn(0, 100_000_000),
});
