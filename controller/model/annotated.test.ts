// What annotations make of the model: typed location and server fields, the host-wide regex rule, aliases,
// https redirect policy, error backends, service-upstream, and an invalid value dropping only its Ingress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from './build.js';
import { parseRegexPath } from './regex.js';
import { endpointSlice, httpPath, ingress, OPTIONS, rule, service, snapshot } from './testdata/fixtures.js';
import type { V1Ingress } from '@kubernetes/client-node';

const A = 'nginx.ingress.kubernetes.io';
const SERVICES = {
  services: [service('web', [{ port: 80 }]), service('errors', [{ port: 8080 }])],
  endpointSlices: [endpointSlice('web', [{ port: 80 }], [{ addresses: ['10.0.0.1'] }])],
};

function build(ingresses: V1Ingress[], options = OPTIONS) {
  return buildModel(snapshot({ ingresses, ...SERVICES }), options);
}

const web = (name: string, host: string, path: string, annotations: Record<string, string>, pathType = 'Prefix') =>
  ingress(name, { rules: [rule(host, httpPath(pathType, path, 'web'))] }, { annotations });

test('annotation values become typed location fields', () => {
  const { model, problems } = build([web('a', 'foo.com', '/api', {
    [`${A}/proxy-read-timeout`]: '5', [`${A}/proxy-body-size`]: '8M', [`${A}/backend-protocol`]: 'GRPC', [`${A}/permanent-redirect`]: 'https://x.com',
  })]);
  assert.deepEqual(problems, []);
  const location = model.servers[1]?.locations[0];
  assert.equal(location?.proxy.readTimeoutMs, 5000);
  assert.equal(location?.proxy.bodySize, '8m');
  assert.equal(location?.upstream.protocol, 'GRPC');
  assert.deepEqual(location?.redirect, { url: 'https://x.com', code: 301 });
  // The generated fallback keeps every default.
  assert.equal(model.servers[1]?.locations[1]?.proxy.readTimeoutMs, null);
});

test('an invalid value drops that Ingress only, with one reason per annotation naming key and value', () => {
  const { model, problems } = build([
    web('bad', 'foo.com', '/bad', { [`${A}/proxy-read-timeout`]: 'soon', [`${A}/ssl-redirect`]: 'yes' }),
    web('good', 'foo.com', '/good', {}),
  ]);
  assert.deepEqual(model.servers[1]?.locations.map((l) => l.path), ['/good', '/']);
  assert.deepEqual(problems.map((p) => [p.object.name, p.reason]), [
    ['bad', `annotation ${A}/ssl-redirect value "yes": expected true or false; the Ingress is not served`],
    ['bad', `annotation ${A}/proxy-read-timeout value "soon": expected seconds (such as 60) or an nginx time (such as 500ms, 30s, 5m); the Ingress is not served`],
  ]);
});

test('--annotations-prefix: only keys under it are read', () => {
  const ingresses = [web('a', 'foo.com', '/', { 'example.org/proxy-body-size': '2m', [`${A}/proxy-body-size`]: '3m' })];
  assert.equal(build(ingresses, { ...OPTIONS, annotationsPrefix: 'example.org' }).model.servers[1]?.locations[0]?.proxy.bodySize, '2m');
});

test('use-regex on one Ingress makes its ImplementationSpecific paths regexes and the whole host regex', () => {
  const { model, problems } = build([
    web('re', 'foo.com', '/api/(v1|v2)/.*', { [`${A}/use-regex`]: 'true' }, 'ImplementationSpecific'),
    web('plain', 'foo.com', '/static', {}),
    web('other', 'bar.com', '/x', {}),
  ]);
  assert.deepEqual(problems, []);
  const [, bar, foo] = model.servers;
  assert.equal(foo?.regex, true);
  assert.equal(bar?.regex, false);
  assert.deepEqual(foo?.locations.map((l) => [l.path, l.match]), [['/api/(v1|v2)/.*', 'regex'], ['/static', 'prefix'], ['/', 'prefix']]);
});

test('rewrite-target alone also makes the host regex', () => {
  assert.equal(build([web('a', 'foo.com', '/x', { [`${A}/rewrite-target`]: '/' })]).model.servers[1]?.regex, true);
});

test('regex paths: a safe PCRE subset', () => {
  for (const ok of ['/api(/|$)(.*)', '/v[0-9]+/items', '/a\\.b', '/(?:x|y)?$', '/\\d{2,3}']) assert.equal(parseRegexPath(ok).ok, true, ok);
  for (const bad of ['api', '/(?=x)', '/(?<n>x)', '/(?i)x', '/a\\1', '/a\\x41', '/a b', '/a"b', "/a'b", '/a;b', '/a#b', '/(unclosed']) {
    assert.equal(parseRegexPath(bad).ok, false, bad);
  }
});

test('server-alias: names other servers own stay theirs; from-to-www-redirect names the partner host', () => {
  const { model } = build([
    web('a', 'foo.com', '/', { [`${A}/server-alias`]: 'alias.com,bar.com', [`${A}/from-to-www-redirect`]: 'true' }),
    web('b', 'bar.com', '/', {}),
  ]);
  const foo = model.servers.find((s) => s.host === 'foo.com');
  assert.deepEqual(foo?.aliases, ['alias.com']);
  assert.equal(foo?.redirectFrom, 'www.foo.com');
});

test('https redirects: per Ingress on a TLS host, or forced; fallbacks follow the host', () => {
  const tls = (name: string, annotations: Record<string, string>, path: string) =>
    ingress(name, { rules: [rule('foo.com', httpPath('Prefix', path, 'web'))], tls: [{ hosts: ['foo.com'], secretName: 'none' }] }, { annotations });
  const { model } = build([
    tls('on', {}, '/on'),
    web('off', 'foo.com', '/off', { [`${A}/ssl-redirect`]: 'false' }),
    web('forced', 'plain.com', '/', { [`${A}/force-ssl-redirect`]: 'true', [`${A}/preserve-trailing-slash`]: 'true' }),
  ]);
  const redirects = (host: string) => Object.fromEntries(model.servers.find((s) => s.host === host)?.locations.map((l) => [l.path, l.httpsRedirect]) ?? []);
  assert.deepEqual(redirects('foo.com'), { '/off': null, '/on': { preserveTrailingSlash: false }, '/': { preserveTrailingSlash: false } });
  assert.deepEqual(redirects('plain.com'), { '/': { preserveTrailingSlash: true } });
});

test('error backends: default-backend names a Service of the namespace, else --default-backend-service', () => {
  const options = { ...OPTIONS, defaultBackendService: 'default/errors' };
  const { model, problems } = build([
    web('own', 'a.com', '/', { [`${A}/default-backend`]: 'web', [`${A}/custom-http-errors`]: '503,404' }),
    web('global', 'b.com', '/', {}),
    web('missing', 'c.com', '/', { [`${A}/default-backend`]: 'nope' }),
  ], options);
  const errors = (host: string) => model.servers.find((s) => s.host === host)?.locations[0]?.errors;
  assert.deepEqual(errors('a.com'), { codes: [404, 503], backend: 'default.web.80' });
  assert.deepEqual(errors('b.com'), { codes: [], backend: 'default.errors.8080' });
  assert.deepEqual(errors('c.com'), { codes: [], backend: 'default.errors.8080' });
  assert.match(problems.map((p) => p.reason).join('\n'), /annotation default-backend: Service "default\/nope" not found/);
  // The catch-all server answers with the global default backend, which is in the model's backends.
  assert.equal(model.servers[0]?.locations[0]?.backend, 'default.errors.8080');
  assert.ok(model.backends.some((b) => b.name === 'default.errors.8080'));
});

test('service-upstream: one endpoint, the Service cluster IP and port', () => {
  const withIp = { ...SERVICES, services: [{ ...service('web', [{ port: 80 }]), spec: { clusterIP: '10.96.0.7', ports: [{ port: 80 }] } }] };
  const { model } = buildModel(snapshot({ ingresses: [web('a', 'foo.com', '/', { [`${A}/service-upstream`]: 'true' })], ...withIp }), OPTIONS);
  assert.deepEqual(model.backends.find((b) => b.name === 'default.web.80.cluster-ip')?.endpoints, [{ address: '10.96.0.7', port: 80 }]);
});
