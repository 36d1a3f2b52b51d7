import { annotation } from './types.js';
import { parseBoolean } from './validators.js';

/** `www.foo.com` redirects to `foo.com` (or the reverse when the rule's host is the www one), unless a rule serves it. */
export const fromToWwwRedirect = annotation<boolean>({
  key: 'from-to-www-redirect',
  scope: 'server',
  risk: 'Low',
  default: false,
  doc: 'redirect (308) `www.` + host to host, or host to `www.` + host when the rule names the www one',
  parse: parseBoolean,
});
