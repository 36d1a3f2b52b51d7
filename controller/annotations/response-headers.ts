/** What the edge adds to responses and records of them: custom headers from a ConfigMap, and the access log. */
import { accept, type Checked, isDnsLabel, isDnsSubdomain, reject } from '../model/validate.js';
import { annotation } from './types.js';
import { parseBoolean } from './validators.js';

/** `namespace/name` of a ConfigMap. */
function parseConfigMapRef(raw: string): Checked<{ namespace: string; name: string }> {
  const [namespace = '', name = '', ...rest] = raw.split('/');
  if (rest.length > 0 || !isDnsLabel(namespace) || !isDnsSubdomain(name) || name === '') return reject('expected a ConfigMap as namespace/name');
  return accept({ namespace, name });
}

export const customHeaders = annotation<{ namespace: string; name: string } | null>({
  key: 'custom-headers',
  scope: 'location',
  risk: 'Medium',
  default: null,
  doc: 'ConfigMap (`namespace/name`) whose keys are header names and values header values, set on every response (a header or value that is not plain text refuses the Ingress)',
  parse: parseConfigMapRef,
});

export const enableAccessLog = annotation<boolean>({
  key: 'enable-access-log',
  scope: 'location',
  risk: 'Low',
  default: true,
  doc: '`false`: requests to the Ingress\'s paths are not written to the access log',
  parse: parseBoolean,
});
