/** Error responses served by another Service: which codes, and which Service (else the global default backend). */
import { accept, isDnsLabel, reject } from '../model/validate.js';
import { annotation } from './types.js';
import { parseStatusCodes } from './validators.js';

export const customHttpErrors = annotation<number[]>({
  key: 'custom-http-errors',
  scope: 'location',
  risk: 'Low',
  default: [],
  doc: 'comma-separated status codes (e.g. `404,503`) whose responses are replaced by the `default-backend` Service\'s answer',
  parse: (raw) => {
    const codes = parseStatusCodes(raw);
    if (codes.ok && codes.value.some((code) => code < 400)) return reject('expected error status codes (400-599)');
    return codes;
  },
});

export const defaultBackend = annotation<string | null>({
  key: 'default-backend',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: '`--default-backend-service`',
  doc: 'Service (same namespace, first port) that serves `custom-http-errors`, and the paths whose backend has no ready endpoint',
  parse: (raw) => (isDnsLabel(raw) ? accept(raw) : reject('expected a Service name in the Ingress\'s namespace')),
});
