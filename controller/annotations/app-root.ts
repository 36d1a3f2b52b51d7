import { annotation } from './types.js';
import { parseUrlPath } from './validators.js';

/** Requests for exactly `/` are redirected (302) to the application's root path. */
export const appRoot = annotation<string | null>({
  key: 'app-root',
  scope: 'server',
  risk: 'Low',
  default: null,
  doc: 'redirect (302) requests for `/` to this path, e.g. `/app`',
  parse: parseUrlPath,
});
