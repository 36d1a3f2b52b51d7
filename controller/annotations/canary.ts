/**
 * Canary Ingresses: instead of routes of their own, their paths add an alternative backend ("lane") to the
 * main Ingress's location for the same host and path (controller/model/canary.ts). Which requests a lane
 * gets is decided per request in Lua (lua/portico/lanes.lua): header, then cookie, then weight.
 */
import { accept, type Checked, reject } from '../model/validate.js';
import { parseCookieName } from './affinity.js';
import { locationSetting } from './setting.js';
import { integerIn, parseBoolean, parseHeaderName } from './validators.js';

/** A header value compared exactly (lane names such as `feature-a`, `v2`, `true`). */
function parseHeaderValue(raw: string): Checked<string> {
  return /^[A-Za-z0-9._~:/@,=+*-]{1,256}$/.test(raw) ? accept(raw) : reject('expected at most 256 of A-Z a-z 0-9 . _ ~ : / @ , = + * -');
}

// Escapes PCRE and JavaScript read alike: character classes and escaped punctuation; never backreferences.
const PATTERN_ESCAPES = new Set([...'dDwWsSbB', ...'./-+*?()[]{}|^$\\']);

/**
 * A PCRE pattern matched against a header value in Lua. Backreferences, letter escapes and special groups
 * are refused: they are where PCRE and JavaScript (which checks the syntax here, in unicode mode) disagree.
 */
export function parseHeaderPattern(raw: string): Checked<string> {
  if (!/^[A-Za-z0-9._~:/@,=+*?^$|()[\]{}\\-]{1,256}$/.test(raw)) return reject('expected at most 256 of letters, digits and . _ ~ : / @ , = + * ? ^ $ | ( ) [ ] { } \\ -');
  const escape = [...raw.matchAll(/\\(.)/g)].find(([, escaped]) => !PATTERN_ESCAPES.has(escaped ?? ''));
  if (escape) return reject(`escape ${escape[0]} is not allowed (allowed: \\d \\w \\s \\b, their capitals, and escaped punctuation)`);
  if (/\(\?(?!:)/.test(raw.replace(/\\./g, ''))) return reject('groups other than ( ) and (?: ) are not allowed');
  try {
    new RegExp(raw, 'u');
  } catch (error) {
    return reject(`not a valid regular expression: ${(error as Error).message}`);
  }
  return accept(raw);
}

export const canary = locationSetting(
  'canary',
  false,
  'this Ingress is a canary (a lane): its paths add their backend as an alternative to the main Ingress\'s same host and path; several canaries on one path are lanes',
  parseBoolean,
);
export const canaryByHeader = locationSetting<string | null>(
  'canary-by-header',
  null,
  'requests with this header set to `always` go to the canary, `never` keep away from it; with `-value`/`-pattern` only matching values select it',
  parseHeaderName,
);
export const canaryByHeaderValue = locationSetting<string | null>('canary-by-header-value', null, 'the `canary-by-header` value that selects this canary (exact match); other values fall through to cookie and weight', parseHeaderValue);
export const canaryByHeaderPattern = locationSetting<string | null>('canary-by-header-pattern', null, 'PCRE regex on the `canary-by-header` value that selects this canary; ignored when `-value` is set', parseHeaderPattern);
export const canaryByCookie = locationSetting<string | null>('canary-by-cookie', null, 'requests with this cookie set to `always` go to the canary, `never` keep away from it', parseCookieName);
export const canaryWeight = locationSetting('canary-weight', 0, 'share of the remaining requests (no header or cookie decided) sent to the canary, out of `canary-weight-total`', integerIn(0, 1_000_000));
export const canaryWeightTotal = locationSetting('canary-weight-total', 100, 'the total `canary-weight` is a share of', integerIn(1, 1_000_000));
