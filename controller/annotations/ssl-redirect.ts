/** Plain-HTTP requests redirected to https: when the host has TLS, or always (force), and the URI kept exactly or not. */
import { annotation } from './types.js';
import { parseBoolean } from './validators.js';

export const sslRedirect = annotation<boolean>({
  key: 'ssl-redirect',
  scope: 'location',
  risk: 'Low',
  default: true,
  doc: 'on a host with TLS, redirect (308) plain-HTTP requests to https; `false` serves them over HTTP',
  parse: parseBoolean,
});

export const forceSslRedirect = annotation<boolean>({
  key: 'force-ssl-redirect',
  scope: 'location',
  risk: 'Medium',
  default: false,
  doc: 'redirect (308) plain-HTTP requests to https even when the host has no TLS section (TLS ends in front of Portico)',
  parse: parseBoolean,
});

export const preserveTrailingSlash = annotation<boolean>({
  key: 'preserve-trailing-slash',
  scope: 'location',
  risk: 'Low',
  default: false,
  doc: 'keep a trailing slash in the https redirect (by default `/foo/` redirects to `https://host/foo`)',
  parse: parseBoolean,
});
