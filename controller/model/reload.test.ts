import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsReload } from './reload.js';
import type { Model } from './types.js';

const base: Model = {
  servers: [
    { host: '', match: 'catch-all', certificate: null, sslRedirect: false, locations: [{ path: '/', match: 'prefix', backend: null, ingress: null }] },
    {
      host: 'foo.com',
      match: 'exact',
      certificate: 'default.tls',
      sslRedirect: true,
      locations: [
        { path: '/api', match: 'prefix', backend: 'default.api.80', ingress: { kind: 'Ingress', namespace: 'default', name: 'web' } },
        { path: '/', match: 'prefix', backend: null, ingress: null },
      ],
    },
  ],
  backends: [
    { name: 'default.api.80', service: { kind: 'Service', namespace: 'default', name: 'api' }, endpoints: [{ address: '10.0.0.1', port: 8080 }] },
  ],
  certificates: [{ name: 'default.tls', secret: { kind: 'Secret', namespace: 'default', name: 'tls' }, certPem: 'CERT', keyPem: 'KEY' }],
  defaultCertificate: null,
};

/** A deep copy of the base model, changed by `edit`. */
function changed(edit: (model: Model) => void): Model {
  const model = structuredClone(base);
  edit(model);
  return model;
}

const addBackend = (model: Model) =>
  model.backends.push({ name: 'default.web.80', service: { kind: 'Service', namespace: 'default', name: 'web' }, endpoints: [] });

const cases: { name: string; prev: Model | null; next: Model; reload: boolean }[] = [
  { name: 'first model', prev: null, next: base, reload: true },
  { name: 'identical model', prev: base, next: structuredClone(base), reload: false },
  {
    name: 'same model with object keys in another order',
    prev: base,
    next: changed((model) => {
      model.servers[0] = { locations: model.servers[0]!.locations, sslRedirect: false, certificate: null, match: 'catch-all', host: '' };
    }),
    reload: false,
  },
  { name: 'endpoint added', prev: base, next: changed((m) => m.backends[0]!.endpoints.push({ address: '10.0.0.2', port: 8080 })), reload: false },
  { name: 'endpoint port changed', prev: base, next: changed((m) => (m.backends[0]!.endpoints[0]!.port = 9090)), reload: false },
  { name: 'all endpoints gone', prev: base, next: changed((m) => (m.backends[0]!.endpoints = [])), reload: false },
  {
    name: 'new host',
    prev: base,
    next: changed((m) => m.servers.push({ host: 'new.com', match: 'exact', certificate: null, sslRedirect: false, locations: [] })),
    reload: true,
  },
  {
    name: 'new path',
    prev: base,
    next: changed((m) => m.servers[1]!.locations.unshift({ path: '/new/path', match: 'exact', backend: null, ingress: null })),
    reload: true,
  },
  { name: 'location points to another backend', prev: base, next: changed((m) => (m.servers[1]!.locations[0]!.backend = 'default.web.80')), reload: true },
  { name: 'new backend', prev: base, next: changed(addBackend), reload: true },
  { name: 'certificate renewed', prev: base, next: changed((m) => (m.certificates[0]!.certPem = 'CERT2')), reload: true },
  { name: 'certificate assigned to a host', prev: base, next: changed((m) => (m.servers[1]!.certificate = null)), reload: true },
  { name: 'default certificate set', prev: base, next: changed((m) => (m.defaultCertificate = 'default.tls')), reload: true },
  { name: 'sslRedirect turned off', prev: base, next: changed((m) => (m.servers[1]!.sslRedirect = false)), reload: true },
];

for (const { name, prev, next, reload } of cases) {
  test(`${name}: needsReload ${reload}`, () => {
    assert.equal(needsReload(prev, next), reload);
  });
}
