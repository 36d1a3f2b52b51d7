/** HTTP basic authentication against users from a Secret (an htpasswd file, or one key per user). */
import { accept, type Checked, isDnsLabel, isDnsSubdomain, reject } from '../model/validate.js';
import { annotation } from './types.js';
import { oneOf } from './validators.js';

/** A Secret named by an annotation: `name`, or `namespace/name` (the model decides which namespaces may be read). */
export interface SecretRef {
  namespace: string | null;
  name: string;
}

export function parseSecretRef(raw: string): Checked<SecretRef> {
  const [first = '', second, ...rest] = raw.split('/');
  const [namespace, name] = second === undefined ? [null, first] : [first, second];
  if (rest.length > 0 || (namespace !== null && !isDnsLabel(namespace)) || !isDnsSubdomain(name) || name === '') {
    return reject('expected a Secret as name or namespace/name');
  }
  return accept({ namespace, name });
}

export const authType = annotation<'basic' | null>({
  key: 'auth-type',
  scope: 'location',
  risk: 'Low',
  default: null,
  doc: '`basic`: requests need a user and password from `auth-secret` (401 otherwise); digest is not supported',
  parse: oneOf(['basic'] as const),
});

export const authSecret = annotation<SecretRef | null>({
  key: 'auth-secret',
  scope: 'location',
  risk: 'Medium',
  default: null,
  doc: 'Secret (in the Ingress\'s namespace) holding the users of `auth-type: basic`',
  parse: parseSecretRef,
});

export const authSecretType = annotation<'auth-file' | 'auth-map'>({
  key: 'auth-secret-type',
  scope: 'location',
  risk: 'Low',
  default: 'auth-file',
  doc: '`auth-file`: the Secret\'s `auth` key is an htpasswd file; `auth-map`: each key is a user, its value the password hash',
  parse: oneOf(['auth-file', 'auth-map'] as const),
});

export const authRealm = annotation<string>({
  key: 'auth-realm',
  scope: 'location',
  risk: 'Medium',
  default: 'Authentication Required',
  doc: 'realm named in the 401 answer\'s `WWW-Authenticate` header',
  // The realm becomes a quoted string in a response header: words and plain punctuation only.
  parse: (raw) => (/^[A-Za-z0-9 _.,:/()@!?'+-]{1,128}$/.test(raw) ? accept(raw) : reject("expected up to 128 letters, digits, spaces and _ . , : / ( ) @ ! ? ' + -")),
});

export const satisfy = annotation<'all' | 'any'>({
  key: 'satisfy',
  scope: 'location',
  risk: 'Low',
  default: 'all',
  doc: '`all`: a request must pass every access check (source ranges, basic and external auth); `any`: one suffices',
  parse: oneOf(['all', 'any'] as const),
});
