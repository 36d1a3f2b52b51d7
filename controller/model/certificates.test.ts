import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { CertificateTable } from './certificates.js';
import { generateKeyPair, snapshot, tlsSecret } from './testdata/fixtures.js';

const pair = generateKeyPair('foo.com');
const other = generateKeyPair('bar.com');
const EC_PARAMETERS = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
const encryptedKey = createPrivateKey(pair.keyPem)
  .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' })
  .toString();

const cases: { name: string; secret?: V1Secret; secretName?: string; expected: { certPem: string; keyPem: string } | RegExp }[] = [
  { name: 'a matching pair', secret: tlsSecret('tls', pair.certPem, pair.keyPem), expected: pair },
  {
    name: 'CRLF line ends, indentation and blank lines are normalised',
    secret: tlsSecret('tls', `\r\n  ${pair.certPem.replaceAll('\n', '\r\n')}\r\n\r\n`, `${pair.keyPem}\n\n`),
    expected: pair,
  },
  { name: 'an Opaque Secret with tls.crt and tls.key', secret: tlsSecret('tls', pair.certPem, pair.keyPem, 'Opaque'), expected: pair },
  {
    name: 'a chain keeps every certificate, leaf first',
    secret: tlsSecret('tls', pair.certPem + other.certPem, pair.keyPem),
    expected: { certPem: pair.certPem + other.certPem, keyPem: pair.keyPem },
  },
  { name: 'EC parameters before the key are dropped', secret: tlsSecret('tls', pair.certPem, EC_PARAMETERS + pair.keyPem), expected: pair },
  { name: 'a missing Secret', expected: /^Secret "default\/tls" not found$/ },
  { name: 'an invalid secret name', secretName: 'TLS/../x', expected: /secret name "TLS\/..\/x" is not a valid DNS-1123 subdomain/ },
  { name: 'a Secret of another type', secret: tlsSecret('tls', pair.certPem, pair.keyPem, 'kubernetes.io/basic-auth'), expected: /has type "kubernetes.io\/basic-auth", not kubernetes.io\/tls/ },
  { name: 'a Secret without tls.key', secret: { metadata: { name: 'tls', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '' } }, expected: /lacks tls.crt or tls.key/ },
  { name: 'text around the certificate', secret: tlsSecret('tls', `Bag Attributes\n${pair.certPem}`, pair.keyPem), expected: /tls.crt must hold PEM certificates and nothing else/ },
  { name: 'a key in tls.crt', secret: tlsSecret('tls', pair.certPem + pair.keyPem, pair.keyPem), expected: /tls.crt must hold PEM certificates/ },
  { name: 'an empty tls.crt', secret: tlsSecret('tls', '', pair.keyPem), expected: /tls.crt must hold PEM certificates/ },
  { name: 'two keys in tls.key', secret: tlsSecret('tls', pair.certPem, pair.keyPem + other.keyPem), expected: /tls.key must hold one unencrypted PEM private key/ },
  { name: 'an encrypted key', secret: tlsSecret('tls', pair.certPem, encryptedKey), expected: /tls.key must hold one unencrypted PEM private key/ },
  { name: 'a key of another certificate', secret: tlsSecret('tls', pair.certPem, other.keyPem), expected: /tls.key does not belong to the first certificate/ },
  {
    name: 'a certificate that does not parse',
    secret: tlsSecret('tls', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', pair.keyPem),
    expected: /tls.crt or tls.key cannot be parsed: "/,
  },
];

for (const { name, secret, secretName, expected } of cases) {
  test(`certificate: ${name}`, () => {
    const table = new CertificateTable(snapshot({ secrets: secret ? [secret] : [] }));
    const use = table.use('default', secretName ?? 'tls');
    if (expected instanceof RegExp) {
      assert.equal(use.name, null);
      assert.match(use.problem ?? '', expected);
      return;
    }
    assert.deepEqual(use, { name: 'default.tls', problem: null });
    assert.deepEqual(table.certificates(['default.tls']), [
      { name: 'default.tls', secret: { kind: 'Secret', namespace: 'default', name: 'tls' }, ...expected },
    ]);
  });
}

test('certificates() returns each usable certificate once, sorted by name', () => {
  const table = new CertificateTable(
    snapshot({ secrets: [tlsSecret('b', pair.certPem, pair.keyPem), tlsSecret('a', other.certPem, other.keyPem)] }),
  );
  const names = ['b', 'a', 'b', 'missing'].map((secretName) => table.use('default', secretName).name ?? '');
  assert.deepEqual(table.certificates(names).map((certificate) => certificate.name), ['default.a', 'default.b']);
});
