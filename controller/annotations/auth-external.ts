/** External authentication: each request is first checked by a subrequest to an auth service (nginx's auth_request). */
import { accept, type Checked, isDnsSubdomain, isIpAddress, reject } from '../model/validate.js';
import { annotation } from './types.js';
import { oneOf, parseHeaderName, parseRedirectUrl } from './validators.js';

// scheme, host (DNS name, IPv4 or [IPv6]), port, then path and query in URL characters without `$`, quotes, spaces, `;`, braces or `#`.
const SERVICE_URL = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[A-Za-z0-9\-._~:/?@!&*+,=%]*)?$/;

/** An absolute http(s) URL with no nginx variables: the auth service is called exactly there. */
export function parseServiceUrl(raw: string): Checked<string> {
  const match = SERVICE_URL.exec(raw);
  const host = match?.[1]?.replace(/^\[|\]$/g, '') ?? '';
  const port = match?.[2] === undefined ? 1 : Number(match[2]);
  if (!match || raw.length > 2048 || !(isIpAddress(host) || isDnsSubdomain(host.toLowerCase())) || port < 1 || port > 65535) {
    return reject('expected an absolute http:// or https:// URL (host, optional port, path and query; no spaces, quotes, ; { } or $)');
  }
  return accept(raw);
}

/** Comma-separated header names, de-duplicated case-insensitively. */
function parseHeaderNames(raw: string): Checked<string[]> {
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  // Letters, digits and `-` only: each is read from the auth answer as $upstream_http_<name>, which has no other characters.
  if (names.length === 0 || names.length > 32 || !names.every((name) => parseHeaderName(name).ok && /^[A-Za-z0-9-]+$/.test(name))) {
    return reject('expected comma-separated header names of letters, digits and -');
  }
  const seen = new Set<string>();
  return accept(names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase())));
}

export const authUrl = annotation<string | null>({
  key: 'auth-url',
  scope: 'location',
  risk: 'High',
  default: null,
  doc: 'auth service asked first for every request (with `X-Original-URL`, `X-Original-Method`, the client\'s headers, no body): 2xx lets the request through, 401 and 403 are answered to the client',
  parse: parseServiceUrl,
});

export const authMethod = annotation<string | null>({
  key: 'auth-method',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: '`GET`',
  doc: 'HTTP method of the request to `auth-url` (the original method is in `X-Original-Method`)',
  parse: oneOf(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'] as const),
});

export const authSignin = annotation<string | null>({
  key: 'auth-signin',
  scope: 'location',
  risk: 'High',
  default: null,
  doc: 'where a client the auth service answers 401 is redirected (302); `rd=` with the original URL is added unless present; may use `$escaped_request_uri`',
  // $escaped_request_uri (ingress-nginx's name) is the only variable beyond the redirect ones; it is URL-safe by construction.
  parse: (raw) => {
    const checked = parseRedirectUrl(raw.replaceAll('$escaped_request_uri', '$request_uri'));
    return checked.ok ? accept(raw) : checked;
  },
});

export const authResponseHeaders = annotation<string[]>({
  key: 'auth-response-headers',
  scope: 'location',
  risk: 'Medium',
  default: [],
  doc: 'comma-separated headers of the auth service\'s answer passed on to the upstream, e.g. `X-User, X-Email`',
  parse: parseHeaderNames,
});

export const authSnippet = annotation<null>({
  key: 'auth-snippet',
  scope: 'location',
  risk: 'Critical',
  default: null,
  doc: 'refused: raw configuration in the auth location is not supported (an Ingress carrying it is not served)',
  parse: () => reject('auth-snippet is not supported: raw nginx configuration could reach every secret the controller reads'),
});
