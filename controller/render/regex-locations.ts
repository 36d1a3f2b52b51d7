/** Locations of a regex server (`use-regex`/`rewrite-target`): every path becomes a case-insensitive `~*` regex. */
import type { PathMatch } from '../model/types.js';

/** Escapes a validated literal path for use inside a regex. */
function literal(path: string): string {
  return path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The regex of one location, anchored at the start as ingress-nginx anchors it. Exact and Prefix rules keep
 * their meaning (a whole path; whole path elements); nginx tries regexes in order, and the model's order puts
 * longer paths first.
 */
export function locationRegex(path: string, match: PathMatch): string {
  switch (match) {
    case 'regex':
      return `^${path}`;
    case 'exact':
      return `^${literal(path)}$`;
    case 'prefix':
      return path === '/' ? '^/' : `^${literal(path)}(?:/|$)`;
  }
}
