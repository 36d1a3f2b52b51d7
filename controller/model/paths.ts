/** Ingress paths: validation, normalisation, canonical order, and the location a request path selects. */
import type { Location, PathMatch, Server } from './types.js';
import { parseRegexPath } from './regex.js';
import { accept, type Checked, quote, reject } from './validate.js';

export interface RulePath {
  path: string;
  match: PathMatch;
}

/**
 * RFC 3986 path characters without those that mean something to nginx or Lua (`$ ; ' ( ) * !`),
 * and `%` only as a complete escape.
 */
const SAFE_PATH = /^\/([A-Za-z0-9/._~+:@,=-]|%[0-9A-Fa-f]{2})*$/;

const MATCH_BY_PATH_TYPE: Record<string, PathMatch> = {
  Exact: 'exact',
  Prefix: 'prefix',
  // ingress-nginx reads ImplementationSpecific as a regex when use-regex is set; without it, as a prefix.
  ImplementationSpecific: 'prefix',
};

/** `useRegex`: the Ingress has `use-regex`, so its ImplementationSpecific paths are regexes. */
export function parsePath(raw: string | undefined, pathType: string | undefined, useRegex = false): Checked<RulePath> {
  const match = pathType === undefined ? undefined : MATCH_BY_PATH_TYPE[pathType];
  if (!match) return reject(`pathType ${quote(pathType ?? '')} is not Exact, Prefix or ImplementationSpecific`);
  // An omitted path means everything, as in ingress-nginx.
  const path = raw || '/';
  if (useRegex && pathType === 'ImplementationSpecific') {
    const regex = parseRegexPath(path);
    return regex.ok ? accept({ path: regex.value, match: 'regex' }) : regex;
  }
  // nginx reads a configuration token into a 4 KiB buffer; a longer path would fail the whole configuration.
  if (path.length > 1024) return reject(`path ${quote(path)} is longer than 1024 characters`);
  if (!SAFE_PATH.test(path)) return reject(`path ${quote(path)} must start with / and use only A-Z a-z 0-9 / . _ ~ + : @ , = - and %XX`);
  if (path.split('/').some((segment) => segment.replace(/%2e/gi, '.') === '..')) {
    return reject(`path ${quote(path)} contains a .. segment`);
  }
  // Prefix matching is per path element, so a trailing slash changes nothing: /aaa/bbb/ is /aaa/bbb.
  return accept({ path: match === 'prefix' ? path.replace(/\/+$/, '') || '/' : path, match });
}

/**
 * Canonical location order: longer paths first, then by path, then exact before prefix. nginx picks the
 * longest match itself; this order only makes the model (and the rendered file) deterministic.
 */
export function compareLocations(a: RulePath, b: RulePath): number {
  if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.match === b.match) return 0;
  return a.match === 'exact' ? -1 : 1;
}

/** Prefix `/foo` matches `/foo` and `/foo/...` but not `/foobar`: prefixes compare whole path elements. */
function prefixMatches(prefix: string, requestPath: string): boolean {
  if (prefix === '/') return true;
  return requestPath === prefix || requestPath.startsWith(`${prefix}/`);
}

/**
 * The location that serves `requestPath` under Ingress semantics, as the rendered nginx config must:
 * an exact location equal to the path wins, else the longest element-wise matching prefix.
 */
export function matchLocation(server: Server, requestPath: string): Location | null {
  const exact = server.locations.find((location) => location.match === 'exact' && location.path === requestPath);
  if (exact) return exact;
  let best: Location | null = null;
  for (const location of server.locations) {
    if (location.match !== 'prefix' || !prefixMatches(location.path, requestPath)) continue;
    if (!best || location.path.length > best.path.length) best = location;
  }
  return best;
}
