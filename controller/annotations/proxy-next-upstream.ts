/** When a failed upstream attempt is retried on another endpoint, how often and for how long. */
import { accept, type Checked, reject } from '../model/validate.js';
import { annotation } from './types.js';
import { integerIn, parseDuration } from './validators.js';

const CONDITIONS = ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent', 'off'];

/** Space-separated conditions of nginx's proxy_next_upstream; `off` only alone. */
function parseConditions(raw: string): Checked<string[]> {
  const words = raw.split(/ +/).filter(Boolean);
  if (words.length === 0 || !words.every((word) => CONDITIONS.includes(word))) return reject(`expected space-separated conditions from: ${CONDITIONS.join(' ')}`);
  if (words.includes('off') && words.length > 1) return reject('off cannot be combined with other conditions');
  return accept([...new Set(words)]);
}

export const proxyNextUpstream = annotation<string[] | null>({
  key: 'proxy-next-upstream',
  scope: 'location',
  risk: 'Medium',
  default: null,
  defaultDoc: 'global value (error timeout)',
  doc: 'failures after which the request is passed to the next endpoint, e.g. `error timeout http_502`',
  parse: parseConditions,
});

export const proxyNextUpstreamTries = annotation<number | null>({
  key: 'proxy-next-upstream-tries',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (3)',
  doc: 'most attempts per request, the first included; `0` means no limit',
  parse: integerIn(0, 100),
});

export const proxyNextUpstreamTimeout = annotation<number | null>({
  key: 'proxy-next-upstream-timeout',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (0: no limit)',
  doc: 'time after which no further endpoint is tried; seconds or an nginx time',
  parse: parseDuration,
});
