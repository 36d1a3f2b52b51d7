import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1IngressTLS } from '@kubernetes/client-node';
import { buildModel } from './build.js';
import { generateKeyPair, httpPath, ingress, OPTIONS, rule, snapshot, tlsSecret } from './testdata/fixtures.js';

const pair = generateKeyPair('foo.com');
const other = generateKeyPair('bar.com');
const secrets = [
  tlsSecret('good', pair.certPem, pair.keyPem),
  tlsSecret('also-good', other.certPem, other.keyPem),
  tlsSecret('mismatched', pair.certPem, other.keyPem),
];

/** One Ingress per entry (oldest first) serving foo.com, each with the given spec.tls. */
function build(tlsPerIngress: V1IngressTLS[][], defaultSslCertificate: string | null = null) {
  const ingresses = tlsPerIngress.map((tls, index) =>
    ingress(`ing-${index}`, { tls, rules: [rule('foo.com', httpPath('Prefix', `/${index}`, 'web'))] }, { created: `2024-01-0${index + 1}T00:00:00Z` }),
  );
  const { model, problems } = buildModel(snapshot({ ingresses, secrets }), { ...OPTIONS, defaultSslCertificate });
  const foo = model.servers.find((server) => server.host === 'foo.com');
  return {
    model,
    foo: { certificate: foo?.certificate, sslRedirect: foo?.sslRedirect },
    problems: problems.filter((p) => !/Service .* not found/.test(p.reason)).map((p) => `${p.object.name}: ${p.reason}`),
  };
}

const cases: { name: string; tls: V1IngressTLS[][]; certificate: string | null; sslRedirect: boolean; problems: string[] }[] = [
  { name: 'no TLS', tls: [[]], certificate: null, sslRedirect: false, problems: [] },
  { name: 'a good Secret', tls: [[{ hosts: ['foo.com'], secretName: 'good' }]], certificate: 'default.good', sslRedirect: true, problems: [] },
  { name: 'hosts compare case-insensitively', tls: [[{ hosts: ['FOO.com'], secretName: 'good' }]], certificate: 'default.good', sslRedirect: true, problems: [] },
  {
    name: 'a missing Secret: default certificate, still redirected',
    tls: [[{ hosts: ['foo.com'], secretName: 'absent' }]],
    certificate: null,
    sslRedirect: true,
    problems: ['ing-0: spec.tls[0].secretName: Secret "default/absent" not found'],
  },
  {
    name: 'a mismatched key: default certificate, still redirected',
    tls: [[{ hosts: ['foo.com'], secretName: 'mismatched' }]],
    certificate: null,
    sslRedirect: true,
    problems: ['ing-0: spec.tls[0].secretName: Secret "default/mismatched": tls.key does not belong to the first certificate in tls.crt'],
  },
  { name: 'no secretName: default certificate, redirected, no problem', tls: [[{ hosts: ['foo.com'] }]], certificate: null, sslRedirect: true, problems: [] },
  {
    name: 'conflicting certificates: the oldest Ingress wins',
    tls: [[{ hosts: ['foo.com'], secretName: 'good' }], [{ hosts: ['foo.com'], secretName: 'also-good' }]],
    certificate: 'default.good',
    sslRedirect: true,
    problems: ['ing-1: spec.tls[0]: host "foo.com" already uses certificate "default.good" from "default/ing-0"'],
  },
  {
    name: 'the same certificate from two Ingresses is no conflict',
    tls: [[{ hosts: ['foo.com'], secretName: 'good' }], [{ hosts: ['foo.com'], secretName: 'good' }]],
    certificate: 'default.good',
    sslRedirect: true,
    problems: [],
  },
  {
    name: 'an older unusable Secret gives way to a younger usable one',
    tls: [[{ hosts: ['foo.com'], secretName: 'absent' }], [{ hosts: ['foo.com'], secretName: 'good' }]],
    certificate: 'default.good',
    sslRedirect: true,
    problems: ['ing-0: spec.tls[0].secretName: Secret "default/absent" not found'],
  },
  {
    name: 'an invalid TLS host is reported; the others are kept',
    tls: [[{ hosts: ['bad host', 'foo.com'], secretName: 'good' }]],
    certificate: 'default.good',
    sslRedirect: true,
    problems: ['ing-0: spec.tls[0].hosts[0]: host "bad host" is not a valid DNS name'],
  },
];

for (const { name, tls, certificate, sslRedirect, problems } of cases) {
  test(`TLS: ${name}`, () => {
    const result = build(tls);
    assert.deepEqual(result.foo, { certificate, sslRedirect });
    assert.deepEqual(result.problems, problems);
    assert.deepEqual(result.model.certificates.map((c) => c.name), certificate ? [certificate] : []);
  });
}

test('TLS hosts without rules create no servers and add no certificates', () => {
  const { model } = build([[{ hosts: ['nothing-here.com'], secretName: 'also-good' }]]);
  assert.deepEqual(model.servers.map((server) => server.host), ['', 'foo.com']);
  assert.deepEqual(model.certificates, []);
});

test('--default-ssl-certificate names a usable Secret: it becomes the default certificate', () => {
  const { model, problems } = build([[]], 'default/also-good');
  assert.equal(model.defaultCertificate, 'default.also-good');
  assert.deepEqual(model.certificates.map((c) => c.name), ['default.also-good']);
  assert.deepEqual(problems, []);
});

for (const [option, reason] of [
  ['default/absent', '--default-ssl-certificate: Secret "default/absent" not found'],
  ['no-slash', '--default-ssl-certificate "no-slash" is not namespace/name'],
  ['a/b/c', '--default-ssl-certificate "a/b/c" is not namespace/name'],
] as const) {
  test(`--default-ssl-certificate ${option} is unusable: reported, generated certificate used`, () => {
    const { model } = build([[]], option);
    const { problems } = buildModel(snapshot({ secrets }), { ...OPTIONS, defaultSslCertificate: option });
    assert.equal(model.defaultCertificate, null);
    assert.equal(problems[0]?.object.kind, 'Secret');
    assert.deepEqual(problems.map((p) => p.reason), [reason]);
  });
}
