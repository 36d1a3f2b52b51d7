// The access policy in the model: what annotations and the Secrets and ConfigMaps they name become, and the
// Ingresses refused (not served, with a reason) when those cannot be used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { buildModel } from './build.js';
import { httpPath, ingress, OPTIONS, rule, service, snapshot } from './testdata/fixtures.js';
import { parseCaBundle, parseHtpasswd } from './secret-data.js';

const A = 'nginx.ingress.kubernetes.io';
const HASH = '$apr1$x1$y2';

function secret(name: string, data: Record<string, string>, namespace = 'default'): V1Secret {
  return { metadata: { name, namespace }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
}

function configMap(name: string, data: Record<string, string>, namespace = 'default'): V1ConfigMap {
  return { metadata: { name, namespace }, data };
}

function build(annotations: Record<string, string>, extra: { secrets?: V1Secret[]; configMaps?: V1ConfigMap[] } = {}) {
  return buildModel(
    snapshot({
      ingresses: [ingress('web', { rules: [rule('foo.com', httpPath('Prefix', '/', 'web'))] }, { annotations })],
      services: [service('web', [{ port: 80 }])],
      ...extra,
    }),
    OPTIONS,
  );
}

const location = (result: ReturnType<typeof build>) => result.model.servers.find((server) => server.host === 'foo.com')?.locations[0];

test('basic auth: the htpasswd Secret becomes a SecretFile the location names', () => {
  const result = build({ [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'users' }, { secrets: [secret('users', { auth: `# staff\nalice:${HASH}\n\n` })] });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(location(result)?.policy.basicAuth, { realm: 'Authentication Required', file: 'htpasswd.default.users' });
  assert.deepEqual(result.model.secretFiles, [{ name: 'htpasswd.default.users', secret: { kind: 'Secret', namespace: 'default', name: 'users' }, content: `alice:${HASH}\n` }]);
});

test('an unusable Secret or ConfigMap refuses the Ingress with a reason naming it', () => {
  const cases: Array<[Record<string, string>, { secrets?: V1Secret[]; configMaps?: V1ConfigMap[] }, RegExp]> = [
    [{ [`${A}/auth-type`]: 'basic' }, {}, /auth-type: basic needs auth-secret/],
    [{ [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'missing' }, {}, /Secret "default\/missing" not found/],
    [{ [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'other/users' }, { secrets: [secret('users', { auth: `a:${HASH}` }, 'other')] }, /not in the Ingress's namespace/],
    [{ [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'users' }, { secrets: [secret('users', { auth: 'alice:has space' })] }, /not a valid htpasswd hash/],
    [{ [`${A}/auth-tls-secret`]: 'default/ca' }, { secrets: [secret('ca', { 'ca.crt': 'not a certificate' })] }, /PEM certificates and nothing else/],
    [{ [`${A}/custom-headers`]: 'default/h' }, { configMaps: [configMap('h', { 'X-A': 'costs $5' })] }, /without \$/],
    [{ [`${A}/custom-headers`]: 'default/h' }, { configMaps: [configMap('h', { 'X A': 'b' })] }, /not an HTTP header name/],
    [{ [`${A}/custom-headers`]: 'other/h' }, { configMaps: [configMap('h', { 'X-A': 'b' }, 'other')] }, /not in the Ingress's namespace/],
  ];
  for (const [annotations, extra, reason] of cases) {
    const result = build(annotations, extra);
    assert.equal(location(result), undefined, `${JSON.stringify(annotations)} was served`);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!.reason, reason);
    assert.match(result.problems[0]!.reason, /the Ingress is not served$/);
  }
});

test('limits are named after the Ingress; the older whitelist names apply when the new ones are absent', () => {
  const policy = location(build({ [`${A}/limit-rpm`]: '60', [`${A}/limit-whitelist`]: '10.0.0.1', [`${A}/whitelist-source-range`]: '10.0.0.0/8' }))?.policy;
  assert.deepEqual(policy?.limits, { zone: 'default.web', rps: null, rpm: 60, connections: null, burstMultiplier: 5, allowlist: ['10.0.0.1/32'] });
  assert.deepEqual(policy?.allow, ['10.0.0.0/8']);
});

test('auth-signin gets rd= with the original URL unless it has one', () => {
  const auth = (signin: string) => location(build({ [`${A}/auth-url`]: 'http://auth/check', [`${A}/auth-signin`]: signin }))?.policy.externalAuth?.signin;
  assert.equal(auth('https://login/start'), 'https://login/start?rd=$scheme://$http_host$escaped_request_uri');
  assert.equal(auth('https://login/start?a=b'), 'https://login/start?a=b&rd=$scheme://$http_host$escaped_request_uri');
  assert.equal(auth('https://login/start?rd=https://x'), 'https://login/start?rd=https://x');
});

test('Secret data parsers accept their formats only', () => {
  assert.deepEqual(parseHtpasswd('a:x\nb:y'), { ok: true, value: 'a:x\nb:y\n' });
  for (const bad of [undefined, '', 'a', 'a:', 'a b:x', 'a:x:y']) assert.equal(parseHtpasswd(bad).ok, false, String(bad));
  for (const bad of [undefined, '', 'x\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']) assert.equal(parseCaBundle(bad).ok, false, String(bad));
});
