import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trimObject } from './trim.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const metadata = { name: 'x', namespace: 'ns', managedFields: [{ manager: 'kubectl' }], annotations: { [LAST_APPLIED]: '{"data":"secret"}', keep: 'me' } };

test('managedFields and the last-applied annotation are dropped, other annotations kept', () => {
  const { obj } = trimObject({ kind: 'Ingress', obj: { metadata, spec: { ingressClassName: 'portico' } } });
  assert.deepEqual(obj, { metadata: { name: 'x', namespace: 'ns', annotations: { keep: 'me' } }, spec: { ingressClassName: 'portico' } });
});

test('a TLS Secret keeps its certificate keys only', () => {
  const data = { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5', extra: 'eA==' };
  const { obj } = trimObject({ kind: 'Secret', obj: { metadata, type: 'kubernetes.io/tls', data } });
  assert.deepEqual(obj, { metadata: { name: 'x', namespace: 'ns', annotations: { keep: 'me' } }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' } });
});

test('an Opaque Secret with tls.crt keeps it; one without certificate keys keeps no data', () => {
  const withCert = trimObject({ kind: 'Secret', obj: { metadata: { name: 'a' }, type: 'Opaque', data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==', password: 'cA==' } } });
  assert.deepEqual(withCert.obj, { metadata: { name: 'a' }, type: 'Opaque', data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==' } });
  const token = trimObject({ kind: 'Secret', obj: { metadata: { name: 'b' }, type: 'kubernetes.io/service-account-token', data: { token: 'dA==' }, stringData: { more: 'x' } } });
  assert.deepEqual(token.obj, { metadata: { name: 'b' }, type: 'kubernetes.io/service-account-token' });
});
