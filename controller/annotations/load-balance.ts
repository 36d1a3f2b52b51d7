import { locationSetting } from './setting.js';
import { oneOf } from './validators.js';

/** How a backend's endpoints share requests when neither affinity nor upstream-hash-by applies. */
export const loadBalance = locationSetting<'round_robin' | 'ewma'>(
  'load-balance',
  'round_robin',
  'balancing of the backend: `round_robin`, or `ewma` (of two endpoints picked at random, the one with the lower recent response time); changes apply without a reload',
  oneOf(['round_robin', 'ewma'] as const),
);
