import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Location, Model, Server } from '../model/types.js';
import type { RenderSettings } from './settings.js';
import { buildView } from './view.js';
import { PLAIN_SERVER, plainLocation } from '../model/annotated.js';
import { DEFAULT_SETTINGS } from '../config/read.js';
import { TEST_SETTINGS } from './testdata/settings.js';

const settings: RenderSettings = TEST_SETTINGS;

const root: Location = plainLocation('/', 'prefix', null);
const catchAll: Server = { host: '', match: 'catch-all', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [root] };

function modelWith(servers: Server[], extra: Partial<Model> = {}): Model {
  return { servers: [catchAll, ...servers], backends: [], certificates: [], defaultCertificate: null, secretFiles: [], settings: DEFAULT_SETTINGS, ...extra };
}

function host(name: string, extra: Partial<Server> = {}): Server {
  return { host: name, match: name.startsWith('*.') ? 'wildcard' : 'exact', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [root], ...extra };
}

const view = (model: Model, overrides: Partial<RenderSettings> = {}) => buildView(model, { ...settings, ...overrides }, 'hash');

test('prefix paths match whole elements; an exact rule owns its path', () => {
  const loc = (path: string, match: Location['match'], backend: string): Location => plainLocation(path, match, backend);
  const [, server] = view(modelWith([host('foo.com', {
    locations: [loc('/', 'prefix', 'r'), loc('/aaa', 'exact', 'e'), loc('/aaa', 'prefix', 'p'), loc('/bbb', 'prefix', 'b')],
  })])).servers;
  assert.deepEqual(server?.locations.map(({ exact, path, backend, metricKey }) => ({ exact, path, backend, metricKey })), [
    { exact: false, path: '/', backend: 'r', metricKey: '|||foo.com' },
    { exact: true, path: '/aaa', backend: 'e', metricKey: '|||foo.com' },
    { exact: false, path: '/aaa/', backend: 'p', metricKey: '|||foo.com' },
    { exact: true, path: '/bbb', backend: 'b', metricKey: '|||foo.com' },
    { exact: false, path: '/bbb/', backend: 'b', metricKey: '|||foo.com' },
  ]);
});

test('each location and server carries its metric labels: namespace, ingress, service and host', () => {
  const ingress = { kind: 'Ingress', namespace: 'shop', name: 'web' };
  const model = modelWith([host('foo.com', { locations: [plainLocation('/', 'prefix', 'shop.api.80', ingress)] })]);
  const [, server] = view({ ...model, backends: [{ name: 'shop.api.80', service: { kind: 'Service', namespace: 'shop', name: 'api' }, endpoints: [], balancing: { strategy: 'round_robin' }, routes: [] }] }).servers;
  assert.equal(server?.locations[0]?.metricKey, 'shop|web|api|foo.com');
  assert.equal(server?.metricKey, '|||foo.com');
});

test('server names: catch-all, exact host, one-label wildcard regex', () => {
  const names = view(modelWith([host('*.foo.com'), host('foo.com')])).servers.map((s) => [s.serverName, s.serverNameIsRegex]);
  assert.deepEqual(names, [['_', false], ['~^[^.]+\\.foo\\.com$', true], ['foo.com', false]]);
});

test('listen addresses follow the bind address; only the catch-all is default_server', () => {
  const cases: [bindAddress: string | null, listens: string[]][] = [
    [null, ['80 default_server', '443 ssl http2 default_server']],
    ['127.0.0.1', ['127.0.0.1:80 default_server', '127.0.0.1:443 ssl http2 default_server']],
    ['::1', ['[::1]:80 default_server', '[::1]:443 ssl http2 default_server']],
  ];
  for (const [bindAddress, listens] of cases) {
    assert.deepEqual(view(modelWith([]), { bindAddress }).servers[0]?.listens, listens);
  }
  // A host without TLS settings of its own shares the catch-all's TLS context: no `ssl` of its own.
  assert.deepEqual(view(modelWith([host('foo.com')])).servers[1]?.listens, ['80', '443 http2']);
  assert.throws(() => view(modelWith([]), { bindAddress: 'localhost' }), { code: 'FLAG' });
  assert.throws(() => view(modelWith([]), { httpPort: 0 }), { code: 'FLAG' });
});

test('the https redirect names the port unless it is 443, and drops a trailing slash unless told not to', () => {
  const redirecting = (preserveTrailingSlash: boolean) => ({ ...root, httpsRedirect: { preserveTrailingSlash } });
  const model = modelWith([host('foo.com', { locations: [redirecting(false)] }), host('keep.com', { locations: [redirecting(true)] })]);
  const target = (overrides: Partial<RenderSettings>, server: number) => view(model, overrides).servers[server]?.locations[0]?.httpsRedirect;
  assert.equal(target({}, 1), 'https://$host$portico_uri_without_trailing_slash');
  assert.equal(target({ httpsPort: 8443 }, 1), 'https://$host:8443$portico_uri_without_trailing_slash');
  assert.equal(target({}, 2), 'https://$host$request_uri');
  assert.equal(target({}, 0), null);
});

test('certificates: the host own, else the catch-all context with the model default, else the settings default', () => {
  const certificate = (name: string) => ({ name, secret: { kind: 'Secret', namespace: 'ns', name }, certPem: '', keyPem: '' });
  const model = modelWith([host('own.com', { certificate: 'ns.own' }), host('other.com'), host('fallback.com', { certificate: 'ns.fallback' })], {
    certificates: [certificate('ns.fallback'), certificate('ns.own')],
  });
  const files = (m: Model) => view(m).servers.map((s) => s.tls?.certFile ?? null);
  assert.deepEqual(files(model), ['/etc/default.crt', '/run/portico/certs/ns.own.crt', null, '/run/portico/certs/ns.fallback.crt']);
  // A host whose certificate is the default one needs no context of its own either.
  assert.deepEqual(files({ ...model, defaultCertificate: 'ns.fallback' }), ['/run/portico/certs/ns.fallback.crt', '/run/portico/certs/ns.own.crt', null, null]);
  assert.throws(() => view(modelWith([host('foo.com', { certificate: 'ns.missing' })])), { code: 'TEMPLATE' });
});

test('a host verifying client certificates or with a server-snippet keeps a TLS context of its own', () => {
  const clientCertificate = { caFile: 'ns.ca', verify: 'on' as const, depth: 1, errorPage: null };
  const servers = view(modelWith([
    host('verify.com', { policy: { ...PLAIN_SERVER.policy, clientCertificate } }),
    host('snippet.com', { policy: { ...PLAIN_SERVER.policy, snippet: 'ssl_protocols TLSv1.3;' } }),
  ])).servers;
  assert.deepEqual(servers.map((s) => [s.tls?.certFile ?? null, s.listens[1]]), [
    ['/etc/default.crt', '443 ssl http2 default_server'], ['/etc/default.crt', '443 ssl http2'], ['/etc/default.crt', '443 ssl http2'],
  ]);
});

test('a model without exactly one catch-all server is refused', () => {
  assert.throws(() => view({ ...modelWith([]), servers: [] }), { code: 'TEMPLATE' });
  assert.throws(() => view({ ...modelWith([]), servers: [catchAll, catchAll] }), { code: 'TEMPLATE' });
});

test('hash buckets fit the longest exact host', () => {
  assert.equal(view(modelWith([host('foo.com')])).serverNamesHashBucketSize, 128);
  const longHost = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.com`;
  assert.equal(view(modelWith([host(longHost)])).serverNamesHashBucketSize, 512);
});

test('a location sending only the standard request headers inherits them; a different set or a snippet sets all its own', () => {
  const plain = plainLocation('/', 'prefix', 'b');
  const at = (path: string, extra: Partial<Location> = {}): Location => ({ ...plainLocation(path, 'exact', 'b'), ...extra });
  const [, server, snippetServer] = view(modelWith([
    host('foo.com', {
      locations: [
        at('/plain'),
        at('/vhost', { upstream: { ...plain.upstream, vhost: 'internal.example.com' } }),
        at('/grpc', { upstream: { ...plain.upstream, protocol: 'GRPC' } }),
        at('/snippet', { policy: { ...plain.policy, snippet: 'proxy_set_header X-Extra 1;' } }),
      ],
    }),
    host('bar.com', { policy: { ...PLAIN_SERVER.policy, snippet: 'proxy_set_header X-Extra 1;' }, locations: [at('/plain')] }),
  ])).servers;
  assert.deepEqual(server?.locations.map((l) => [l.path, l.inheritsHeaders]), [['/plain', true], ['/vhost', false], ['/grpc', false], ['/snippet', false]]);
  assert.deepEqual(snippetServer?.locations.map((l) => [l.path, l.inheritsHeaders]), [['/plain', false]]);
});
