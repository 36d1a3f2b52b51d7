/** Session affinity by cookie: the sticky endpoint is named by a cookie Portico sets (lua/portico/balancer/sticky.lua). */
import { accept, type Checked, reject } from '../model/validate.js';
import { locationSetting } from './setting.js';
import { integerIn, oneOf, parseBoolean, parseUrlPath } from './validators.js';

/** A cookie name: an RFC 6265 token. */
export function parseCookieName(raw: string): Checked<string> {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/.test(raw) ? accept(raw) : reject('expected a cookie name (letters, digits and ! # $ % & \' * + . ^ _ ` | ~ -)');
}

export const affinity = locationSetting<'cookie' | null>('affinity', null, '`cookie` keeps each client on one endpoint of the backend with a cookie; wins over `upstream-hash-by` and `load-balance`', oneOf(['cookie'] as const));
export const affinityMode = locationSetting<'balanced' | 'persistent'>(
  'affinity-mode',
  'balanced',
  '`balanced`: the cookie holds a random key hashed onto the endpoints, so scaling up moves about 1/N of sessions; `persistent`: the cookie names its endpoint for as long as that endpoint exists',
  oneOf(['balanced', 'persistent'] as const),
);
export const sessionCookieName = locationSetting('session-cookie-name', 'INGRESSCOOKIE', 'name of the affinity cookie', parseCookieName);
export const sessionCookiePath = locationSetting<string | null>(
  'session-cookie-path',
  null,
  'Path attribute of the affinity cookie',
  parseUrlPath,
  'the rule\'s path (`/` for regex paths)',
);
export const sessionCookieMaxAge = locationSetting<number | null>('session-cookie-max-age', null, 'Max-Age attribute of the affinity cookie, in seconds; without it and `-expires` the cookie lasts the browser session', integerIn(0, 999_999_999));
export const sessionCookieExpires = locationSetting<number | null>('session-cookie-expires', null, 'the affinity cookie expires this many seconds after it is set (Expires attribute)', integerIn(0, 999_999_999));
export const sessionCookieSamesite = locationSetting<'None' | 'Lax' | 'Strict' | null>('session-cookie-samesite', null, 'SameSite attribute of the affinity cookie: `None`, `Lax` or `Strict`', oneOf(['None', 'Lax', 'Strict'] as const));
export const sessionCookieConditionalSamesiteNone = locationSetting(
  'session-cookie-conditional-samesite-none',
  false,
  'leave out `SameSite=None` for browsers known to reject it (Chrome 51-66, iOS 12, Safari on macOS 10.14)',
  parseBoolean,
);
export const sessionCookieSecure = locationSetting('session-cookie-secure', false, 'always mark the affinity cookie Secure (it is on HTTPS requests anyway)', parseBoolean);
export const sessionCookieChangeOnFailure = locationSetting(
  'session-cookie-change-on-failure',
  false,
  'when the sticky endpoint fails and the request is retried on another, point the cookie at that one; otherwise the cookie is kept',
  parseBoolean,
);
