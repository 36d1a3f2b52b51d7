import { annotation } from './types.js';
import { oneOf } from './validators.js';

/** HTTP version spoken to HTTP(S) upstreams; 1.0 gives up upstream keepalive. */
export const proxyHttpVersion = annotation<'1.0' | '1.1' | null>({
  key: 'proxy-http-version',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: '1.1',
  doc: 'HTTP version to the upstream: `1.0` or `1.1`',
  parse: oneOf(['1.0', '1.1'] as const),
});
