/** Client certificates: TLS connections to the Ingress's hosts present one signed by a CA from a Secret. */
import { annotation } from './types.js';
import { parseSecretRef, type SecretRef } from './auth-basic.js';
import { parseServiceUrl } from './auth-external.js';
import { integerIn, oneOf, parseBoolean } from './validators.js';

export const authTlsSecret = annotation<SecretRef | null>({
  key: 'auth-tls-secret',
  scope: 'server',
  risk: 'Medium',
  default: null,
  doc: 'Secret (`namespace/name`) whose `ca.crt` holds the CA certificates client certificates must chain to; without a valid one, 400',
  parse: parseSecretRef,
});

export const authTlsVerifyClient = annotation<'on' | 'off' | 'optional' | 'optional_no_ca'>({
  key: 'auth-tls-verify-client',
  scope: 'server',
  risk: 'Medium',
  default: 'on',
  doc: '`on` requires a valid client certificate, `optional` checks one if sent, `optional_no_ca` asks for one without checking it, `off` does not ask',
  parse: oneOf(['on', 'off', 'optional', 'optional_no_ca'] as const),
});

export const authTlsVerifyDepth = annotation<number>({
  key: 'auth-tls-verify-depth',
  scope: 'server',
  risk: 'Low',
  default: 1,
  doc: 'longest chain from the client certificate to a CA of `auth-tls-secret`',
  parse: integerIn(1, 16),
});

export const authTlsPassCertificateToUpstream = annotation<boolean>({
  key: 'auth-tls-pass-certificate-to-upstream',
  scope: 'location',
  risk: 'Low',
  default: false,
  doc: 'send the client certificate (URL-encoded PEM) to the upstream in the `ssl-client-cert` header',
  parse: parseBoolean,
});

export const authTlsErrorPage = annotation<string | null>({
  key: 'auth-tls-error-page',
  scope: 'server',
  risk: 'High',
  default: null,
  doc: 'URL a client without a valid certificate is redirected to (302) instead of getting 400',
  parse: parseServiceUrl,
});
