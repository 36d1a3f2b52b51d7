import { annotation } from './types.js';
import { parseSize } from './validators.js';

/** Larger request bodies are answered 413 (`client_max_body_size`). */
export const proxyBodySize = annotation<string | null>({
  key: 'proxy-body-size',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (1m)',
  doc: 'largest request body accepted, larger ones get 413; `0` means no limit',
  parse: parseSize,
});
