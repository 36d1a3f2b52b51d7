import { annotation } from './types.js';
import { parseHostPort } from './validators.js';

/** The Host header the upstream gets instead of the client's. */
export const upstreamVhost = annotation<string | null>({
  key: 'upstream-vhost',
  scope: 'location',
  risk: 'Low',
  default: null,
  doc: 'Host header sent to the upstream, e.g. `internal.example.com`',
  parse: parseHostPort,
});
