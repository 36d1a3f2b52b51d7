import { annotation } from './types.js';
import { parseBoolean } from './validators.js';

/**
 * ImplementationSpecific paths are PCRE regexes (case-insensitive, anchored at the start). As in ingress-nginx,
 * one such Ingress makes every path on its hosts a regex location, so nginx's first-match order applies.
 */
export const useRegex = annotation<boolean>({
  key: 'use-regex',
  scope: 'location',
  risk: 'Low',
  default: false,
  doc: 'treat ImplementationSpecific paths as case-insensitive regular expressions; turns every path of the host into a regex location',
  parse: parseBoolean,
});
