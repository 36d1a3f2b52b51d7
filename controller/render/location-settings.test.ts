import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLAIN_SERVER, plainLocation } from '../model/annotated.js';
import type { Location } from '../model/types.js';
import { quoteExpression } from './helpers.js';
import { errorLocations, locationSettings } from './location-settings.js';
import type { RenderSettings } from './settings.js';

const settings = { httpsPort: 443 } as RenderSettings;
const base = plainLocation('/', 'prefix', 'ns.web.80', { kind: 'Ingress', namespace: 'ns', name: 'web' });
const proxy = { ...base.proxy, connectTimeoutMs: 1500, readTimeoutMs: 60_000, buffering: false, nextUpstream: ['error', 'http_502'] };

test('proxy settings become proxy_* directives, and grpc_* ones (where nginx has them) for gRPC', () => {
  const http = locationSettings({ ...base, proxy }, null, settings, new Map());
  assert.deepEqual(http.directives, [
    { name: 'proxy_connect_timeout', values: ['1500ms'] },
    { name: 'proxy_read_timeout', values: ['60s'] },
    { name: 'proxy_buffering', values: ['off'] },
    { name: 'proxy_next_upstream', values: ['error', 'http_502'] },
  ]);
  const grpc = locationSettings({ ...base, proxy, upstream: { ...base.upstream, protocol: 'GRPCS' } }, null, settings, new Map());
  assert.equal(grpc.module, 'grpc');
  assert.equal(grpc.pass, 'grpcs://upstream_balancer_checked');
  assert.equal(grpc.upgrade, false);
  assert.deepEqual(grpc.directives.map((d) => d.name), ['grpc_connect_timeout', 'grpc_read_timeout', 'grpc_next_upstream']);
});

test('a proxy_buffer_size comes with four proxy_buffers of its size (nginx -t refuses it from 14k up with its own); gRPC has none', () => {
  const sized = { ...base.proxy, bufferSize: '16k' };
  assert.deepEqual(locationSettings({ ...base, proxy: sized }, null, settings, new Map()).directives, [
    { name: 'proxy_buffer_size', values: ['16k'] },
    { name: 'proxy_buffers', values: ['4', '16k'] },
  ]);
  const grpc = locationSettings({ ...base, proxy: sized, upstream: { ...base.upstream, protocol: 'GRPC' } }, null, settings, new Map());
  assert.deepEqual(grpc.directives, [{ name: 'grpc_buffer_size', values: ['16k'] }]);
});

test('error pages: the listed codes plus 503 (no endpoint) go to named locations of the error backend', () => {
  const location: Location = { ...base, errors: { codes: [404], backend: 'ns.errors.80' } };
  const view = locationSettings(location, null, settings, new Map([['ns.web.80', 'web']]));
  assert.equal(view.intercept, true);
  assert.deepEqual(view.errorPages, [{ code: 404, target: '@custom_ns.errors.80_404' }, { code: 503, target: '@custom_ns.errors.80_503' }]);
  assert.deepEqual(view.names, { namespace: 'ns', ingress: 'web', service: 'web', port: '80' });
  const server = { host: 'a.com', match: 'exact' as const, certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [location, location] };
  assert.deepEqual(errorLocations(server).map((e) => e.name), ['@custom_ns.errors.80_404', '@custom_ns.errors.80_503']);
});

test('only error pages, gRPC and HTTPS upstreams check for endpoints in the rewrite phase; plain HTTP leaves it to the balancer', () => {
  const view = (location: Location) => locationSettings(location, null, settings, new Map()).earlyBackendCheck;
  assert.equal(view(base), false);
  assert.equal(view({ ...base, errors: { codes: [], backend: 'ns.errors.80' } }), true);
  for (const protocol of ['HTTPS', 'GRPC', 'GRPCS'] as const) assert.equal(view({ ...base, upstream: { ...base.upstream, protocol } }), true, protocol);
});

test('rewrite reuses the location regex, case-insensitively; it needs a regex location', () => {
  const view = locationSettings({ ...base, rewriteTarget: '/$1' }, '^/api(/.*)', settings, new Map());
  assert.deepEqual(view.rewrite, { regex: '(?i)^/api(/.*)', target: '/$1' });
  assert.throws(() => locationSettings({ ...base, rewriteTarget: '/' }, null, settings, new Map()), { code: 'TEMPLATE' });
});

test('expr quotes expressions and refuses what could leave the quotes or name a non-variable', () => {
  assert.equal(quoteExpression('https://x.com$request_uri'), '"https://x.com$request_uri"');
  assert.equal(quoteExpression('/${uri}/$1'), '"/${uri}/$1"');
  for (const bad of ['a"b', 'a\\b', "a'b", 'a\nb', 'a$', 'a$ b', 'a${x']) assert.throws(() => quoteExpression(bad), { code: 'TEMPLATE' }, bad);
});
