import { annotation } from './types.js';
import { parseExpression } from './validators.js';

/** The URI the upstream sees; `$1`… name capture groups of the (regex) path. Setting it makes the host's paths regexes. */
export const rewriteTarget = annotation<string | null>({
  key: 'rewrite-target',
  scope: 'location',
  risk: 'Medium',
  default: null,
  doc: 'URI sent upstream instead of the request\'s, e.g. `/$2` with captures of a `use-regex` path; makes the host\'s paths regexes',
  parse: (raw) => (raw.startsWith('/') || raw.startsWith('$') ? parseExpression(raw, { captures: true }) : { ok: false, reason: 'expected a URI starting with / (or a capture such as $1)' }),
});
