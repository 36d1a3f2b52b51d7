import { accept, reject } from '../model/validate.js';
import { annotation } from './types.js';

/** A fixed Connection header to the upstream; absent, WebSocket upgrades pass and other requests keep the connection alive. */
export const connectionProxyHeader = annotation<string | null>({
  key: 'connection-proxy-header',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: '`upgrade` for WebSocket requests, empty otherwise',
  doc: 'the Connection header sent to the upstream, e.g. `keep-alive` or `close`',
  // Connection carries comma-separated tokens.
  parse: (raw) => (/^[A-Za-z0-9-]{1,64}(, ?[A-Za-z0-9-]{1,64}){0,7}$/.test(raw) ? accept(raw) : reject('expected comma-separated tokens such as keep-alive')),
});
