import { annotation } from './types.js';
import { parseBoolean } from './validators.js';

/** Proxy to the Service's cluster IP and port (kube-proxy balances) instead of to each endpoint. */
export const serviceUpstream = annotation<boolean>({
  key: 'service-upstream',
  scope: 'location',
  risk: 'Low',
  default: false,
  doc: 'proxy to the Service\'s ClusterIP:port instead of its endpoints (no balancing or retries by Portico)',
  parse: parseBoolean,
});
