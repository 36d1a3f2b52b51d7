/** Redirects answered by nginx instead of the backend: permanent and temporal, each with its code. */
import { annotation } from './types.js';
import { integerIn, parseRedirectUrl } from './validators.js';

const url = (key: string, doc: string) =>
  annotation<string | null>({ key, scope: 'location', risk: 'Medium', default: null, doc, parse: parseRedirectUrl });

export const permanentRedirect = url('permanent-redirect', 'answer every request with a redirect to this URL (may use `$request_uri` and similar)');
export const temporalRedirect = url('temporal-redirect', 'answer every request with a temporary redirect to this URL; wins over `permanent-redirect`');

export const permanentRedirectCode = annotation<number>({
  key: 'permanent-redirect-code',
  scope: 'location',
  risk: 'Low',
  default: 301,
  doc: 'status code of `permanent-redirect`, 300-308',
  parse: integerIn(300, 308),
});

export const temporalRedirectCode = annotation<number>({
  key: 'temporal-redirect-code',
  scope: 'location',
  risk: 'Low',
  default: 302,
  doc: 'status code of `temporal-redirect`, 300-308',
  parse: integerIn(300, 308),
});
