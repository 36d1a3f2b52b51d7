import { annotation } from './types.js';
import { parseUrlPath } from './validators.js';

/** Tells the upstream the path prefix it is mounted under (commonly with rewrite-target). */
export const xForwardedPrefix = annotation<string | null>({
  key: 'x-forwarded-prefix',
  scope: 'location',
  risk: 'Low',
  default: null,
  doc: 'send `X-Forwarded-Prefix` with this path to the upstream',
  parse: parseUrlPath,
});
