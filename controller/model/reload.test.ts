import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainLocation, PLAIN_SERVER } from './annotated.js';
import { needsReload } from './reload.js';
import type { Backend, Model } from './types.js';
import { DEFAULT_SETTINGS } from '../config/read.js';

function backendNamed(name: string, endpoints: Backend['endpoints'] = []): Backend {
  const [namespace = '', service = ''] = name.split('.');
  return { name, service: { kind: 'Service', namespace, name: service }, endpoints, balancing: { strategy: 'round_robin' }, routes: [] };
}

const base: Model = {
  servers: [
    { host: '', match: 'catch-all', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [plainLocation('/', 'prefix', null)] },
    {
      host: 'foo.com',
      match: 'exact',
      certificate: 'default.tls',
      sslRedirect: true,
      ...PLAIN_SERVER,
      locations: [plainLocation('/api', 'prefix', 'default.api.80', { kind: 'Ingress', namespace: 'default', name: 'web' }), plainLocation('/', 'prefix', null)],
    },
  ],
  backends: [backendNamed('default.api.80', [{ address: '10.0.0.1', port: 8080 }])],
  certificates: [{ name: 'default.tls', secret: { kind: 'Secret', namespace: 'default', name: 'tls' }, certPem: 'CERT', keyPem: 'KEY' }],
  defaultCertificate: null,
  secretFiles: [],
  settings: DEFAULT_SETTINGS,
};

/** A deep copy of the base model, changed by `edit`. */
function changed(edit: (model: Model) => void): Model {
  const model = structuredClone(base);
  edit(model);
  return model;
}

const addBackend = (model: Model) => model.backends.push(backendNamed('default.web.80'));

/** default.api.80 gets a lane to default.canary.80 (a backend only the lane uses). */
function addLane(model: Model, weight = 10): void {
  const lane = { backend: 'default.canary.80', ingress: { kind: 'Ingress', namespace: 'default', name: 'canary' }, header: null, cookie: null, weight, weightTotal: 100 };
  model.backends[0]!.routes = [{ route: '0123456789abcdef', lanes: [lane] }];
  model.backends.push(backendNamed('default.canary.80', [{ address: '10.0.0.9', port: 8080 }]));
}

const cases: { name: string; prev: Model | null; next: Model; reload: boolean }[] = [
  { name: 'first model', prev: null, next: base, reload: true },
  { name: 'identical model', prev: base, next: structuredClone(base), reload: false },
  {
    name: 'same model with object keys in another order',
    prev: base,
    next: changed((model) => {
      model.servers[0] = { locations: model.servers[0]!.locations, sslRedirect: false, certificate: null, regex: false, redirectFrom: null, aliases: [], policy: PLAIN_SERVER.policy, match: 'catch-all', host: '' };
    }),
    reload: false,
  },
  { name: 'endpoint added', prev: base, next: changed((m) => m.backends[0]!.endpoints.push({ address: '10.0.0.2', port: 8080 })), reload: false },
  { name: 'endpoint port changed', prev: base, next: changed((m) => (m.backends[0]!.endpoints[0]!.port = 9090)), reload: false },
  { name: 'all endpoints gone', prev: base, next: changed((m) => (m.backends[0]!.endpoints = [])), reload: false },
  {
    name: 'new host',
    prev: base,
    next: changed((m) => m.servers.push({ host: 'new.com', match: 'exact', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [] })),
    reload: true,
  },
  {
    name: 'new path',
    prev: base,
    next: changed((m) => m.servers[1]!.locations.unshift(plainLocation('/new/path', 'exact', null))),
    reload: true,
  },
  { name: 'location points to another backend', prev: base, next: changed((m) => (m.servers[1]!.locations[0]!.backend = 'default.web.80')), reload: true },
  { name: 'new backend', prev: base, next: changed(addBackend), reload: true },
  { name: 'certificate renewed', prev: base, next: changed((m) => (m.certificates[0]!.certPem = 'CERT2')), reload: true },
  { name: 'certificate assigned to a host', prev: base, next: changed((m) => (m.servers[1]!.certificate = null)), reload: true },
  { name: 'default certificate set', prev: base, next: changed((m) => (m.defaultCertificate = 'default.tls')), reload: true },
  { name: 'balancing changed', prev: base, next: changed((m) => (m.backends[0]!.balancing = { strategy: 'ewma' })), reload: false },
  { name: 'canary added (a lane and its backend)', prev: base, next: changed((m) => addLane(m)), reload: false },
  { name: 'canary weight changed', prev: changed((m) => addLane(m)), next: changed((m) => addLane(m, 50)), reload: false },
  { name: 'canary removed', prev: changed((m) => addLane(m)), next: base, reload: false },
  {
    name: 'a lane backend that a location also uses',
    prev: changed((m) => addLane(m)),
    next: changed((m) => {
      addLane(m);
      m.servers[1]!.locations[1]!.backend = 'default.canary.80';
    }),
    reload: true,
  },
  { name: 'sslRedirect turned off', prev: base, next: changed((m) => (m.servers[1]!.sslRedirect = false)), reload: true },
  { name: 'a ConfigMap setting changed', prev: base, next: changed((m) => (m.settings = { ...m.settings, keepAliveRequests: 10 })), reload: true },
];

for (const { name, prev, next, reload } of cases) {
  test(`${name}: needsReload ${reload}`, () => {
    assert.equal(needsReload(prev, next), reload);
  });
}
