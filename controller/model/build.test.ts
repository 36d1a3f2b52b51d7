import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Ingress } from '@kubernetes/client-node';
import { buildModel } from './build.js';
import { annotatedFields } from './annotated.js';
import { DEFAULT_VALUES } from '../annotations/read.js';
import type { Snapshot } from '../store/types.js';
import { backend, endpointSlice, httpPath, ingress, OPTIONS, rule, service, snapshot } from './testdata/fixtures.js';
import { DEFAULT_SETTINGS } from '../config/read.js';
import { OPEN_POLICY, OPEN_SERVER_POLICY } from './policy.js';

const ref = (name: string, namespace = 'default') => ({ kind: 'Ingress', namespace, name });
/** What a location without annotations carries besides its path, match, backend and Ingress. */
const UNANNOTATED = { httpsRedirect: null, ...annotatedFields(DEFAULT_VALUES, null), policy: OPEN_POLICY };
/** What no rule serves: not in the access log (enable-access-log-for-default-backend is false by default). */
const fallback = (backendName: string | null) => ({ path: '/', match: 'prefix', backend: backendName, ingress: null, ...UNANNOTATED, policy: { ...OPEN_POLICY, accessLog: false } });
const NO_ALIASES = { aliases: [], redirectFrom: null, regex: false, policy: OPEN_SERVER_POLICY };

/** Every server's locations as `match path → backend (ingress)`, keyed by host. */
function routes(input: Snapshot) {
  const { model } = buildModel(input, OPTIONS);
  return Object.fromEntries(
    model.servers.map((server) => [
      server.host,
      server.locations.map((l) => `${l.match} ${l.path} → ${l.backend} (${l.ingress ? l.ingress.name : 'fallback'})`),
    ]),
  );
}

test('one Ingress gives the catch-all server, its host, and the backend it uses', () => {
  const input = snapshot({
    ingresses: [ingress('web', { rules: [rule('foo.com', httpPath('Prefix', '/api', 'web', 'http'))] })],
    services: [service('web', [{ name: 'http', port: 80 }])],
    endpointSlices: [endpointSlice('web', [{ name: 'http', port: 8080 }], [{ addresses: ['10.0.0.1'] }])],
  });
  assert.deepEqual(buildModel(input, OPTIONS), {
    model: {
      servers: [
        { host: '', match: 'catch-all', certificate: null, sslRedirect: false, ...NO_ALIASES, locations: [fallback(null)] },
        {
          host: 'foo.com',
          match: 'exact',
          certificate: null,
          sslRedirect: false,
          ...NO_ALIASES,
          locations: [{ path: '/api', match: 'prefix', backend: 'default.web.http', ingress: ref('web'), ...UNANNOTATED }, fallback(null)],
        },
      ],
      backends: [
        { name: 'default.web.http', service: { kind: 'Service', namespace: 'default', name: 'web' }, endpoints: [{ address: '10.0.0.1', port: 8080 }], balancing: { strategy: 'round_robin' }, routes: [] },
      ],
      certificates: [],
      defaultCertificate: null,
      secretFiles: [],
      settings: DEFAULT_SETTINGS,
    },
    problems: [],
  });
});

test('Ingresses of other classes are ignored completely, problems included', () => {
  const theirs = ingress('theirs', { ingressClassName: 'nginx', rules: [rule('bad_host', httpPath('Prefix', '/', 'x'))] });
  const result = buildModel(snapshot({ ingresses: [theirs] }), OPTIONS);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.model.servers.map((server) => server.host), ['']);
});

test('rules for one host from several Ingresses merge into one server', () => {
  const input = snapshot({
    ingresses: [
      ingress('api', { rules: [rule('foo.com', httpPath('Prefix', '/api', 'api'))] }),
      ingress('web', { rules: [rule('FOO.com', httpPath('Exact', '/api', 'web'), httpPath('Prefix', '/', 'web'))] }),
    ],
  });
  assert.deepEqual(routes(input)['foo.com'], [
    'exact /api → default.web.80 (web)',
    'prefix /api → default.api.80 (api)',
    'prefix / → default.web.80 (web)',
  ]);
});

const conflicts: { name: string; first: { name: string; namespace?: string; created: string }; second: { name: string; namespace?: string; created: string }; winner: string }[] = [
  { name: 'the older Ingress wins', first: { name: 'a', created: '2024-02-01T00:00:00Z' }, second: { name: 'b', created: '2024-01-01T00:00:00Z' }, winner: 'b' },
  { name: 'same age: namespace/name order decides', first: { name: 'b', created: '2024-01-01T00:00:00Z' }, second: { name: 'a', created: '2024-01-01T00:00:00Z' }, winner: 'a' },
  { name: 'same age: namespace before name', first: { name: 'a', namespace: 'zz', created: '2024-01-01T00:00:00Z' }, second: { name: 'z', namespace: 'aa', created: '2024-01-01T00:00:00Z' }, winner: 'z' },
];

for (const { name, first, second, winner } of conflicts) {
  test(`same host, path and match from two Ingresses: ${name}, whatever the input order`, () => {
    const make = ({ name: ingressName, namespace, created }: typeof first) =>
      ingress(ingressName, { rules: [rule('foo.com', httpPath('Prefix', '/x/', ingressName))] }, { namespace, created });
    const loser = winner === first.name ? second : first;
    const winnerNamespace = (winner === first.name ? first : second).namespace ?? 'default';
    for (const ingresses of [[make(first), make(second)], [make(second), make(first)]]) {
      const result = buildModel(snapshot({ ingresses }), OPTIONS);
      const location = result.model.servers[1]?.locations.find((l) => l.path === '/x');
      assert.equal(location?.ingress?.name, winner);
      assert.deepEqual(result.problems.filter((p) => !/not found/.test(p.reason)), [
        {
          object: ref(loser.name, loser.namespace),
          reason: `spec.rules[0].http.paths[0]: prefix path "/x" on host "foo.com" is already served by "${winnerNamespace}/${winner}"`,
        },
      ]);
    }
  });
}

test('a duplicate path inside one Ingress is reported against itself; the first rule wins', () => {
  const web = ingress('web', { rules: [rule(undefined, httpPath('Exact', '/a', 'one')), rule('', httpPath('Exact', '/a', 'two'))] });
  const result = buildModel(snapshot({ ingresses: [web] }), OPTIONS);
  assert.equal(result.model.servers[0]?.locations[0]?.backend, 'default.one.80');
  assert.ok(result.problems.some((p) => p.reason === 'spec.rules[1].http.paths[0]: exact path "/a" on the catch-all server is already served by "default/web"'));
});

test('the / fallback: the host’s oldest defaultBackend, else the global default; the catch-all gets the global default', () => {
  const input = snapshot({
    ingresses: [
      ingress('oldest', { defaultBackend: backend('global') }, { created: '2024-01-01T00:00:00Z' }),
      ingress('plain', { rules: [rule('plain.com', httpPath('Exact', '/p', 'p'))] }, { created: '2024-01-02T00:00:00Z' }),
      ingress('mid', { defaultBackend: backend('mid'), rules: [rule('foo.com', httpPath('Exact', '/m', 'm'))] }, { created: '2024-01-03T00:00:00Z' }),
      ingress('young', { defaultBackend: backend('young'), rules: [rule('foo.com', httpPath('Exact', '/y', 'y'))] }, { created: '2024-01-04T00:00:00Z' }),
      ingress('hostless', { defaultBackend: backend('young'), rules: [rule(undefined, httpPath('Exact', '/h', 'h'))] }, { created: '2024-01-05T00:00:00Z' }),
    ],
  });
  const served = routes(input);
  assert.deepEqual(served[''], ['exact /h → default.h.80 (hostless)', 'prefix / → default.global.80 (fallback)']);
  assert.deepEqual(served['plain.com'], ['exact /p → default.p.80 (plain)', 'prefix / → default.global.80 (fallback)']);
  assert.deepEqual(served['foo.com'], ['exact /m → default.m.80 (mid)', 'exact /y → default.y.80 (young)', 'prefix / → default.mid.80 (fallback)']);
  const defaultProblems = buildModel(input, OPTIONS).problems.filter((p) => p.reason.startsWith('spec.defaultBackend') && !p.reason.endsWith('not found'));
  assert.deepEqual(defaultProblems.map((p) => p.object.name), ['mid', 'young', 'hostless']);
  assert.match(defaultProblems[0]?.reason ?? '', /"default.mid.80" serves only this Ingress's hosts; the global default backend is "default.global.80" from "default\/oldest"/);
});

test('a host-less rule for / replaces the catch-all fallback; without any default the fallback is the built-in 404', () => {
  const input = snapshot({ ingresses: [ingress('root', { rules: [rule(undefined, httpPath('Prefix', '/', 'root'))] }), ingress('h', { rules: [rule('h.com')] })] });
  const served = routes(input);
  assert.deepEqual(served[''], ['prefix / → default.root.80 (root)']);
  assert.deepEqual(served['h.com'], ['prefix / → null (fallback)']);
});

test('a bad host or path is reported and skipped; the rest of the Ingress is kept', () => {
  const web = ingress('web', {
    rules: [
      rule('bad_host', httpPath('Prefix', '/', 'x')),
      rule('foo.com', httpPath('Prefix', '/ok', 'ok'), httpPath('Prefix', '/$evil', 'x'), httpPath('Mystery', '/m', 'x')),
    ],
  });
  const result = buildModel(snapshot({ ingresses: [web], services: [service('ok', [{ port: 80 }])] }), OPTIONS);
  assert.deepEqual(routes(snapshot({ ingresses: [web] }))['foo.com'], ['prefix /ok → default.ok.80 (web)', 'prefix / → null (fallback)']);
  assert.deepEqual(result.problems, [
    { object: ref('web'), reason: 'spec.rules[0].host: host "bad_host" is not a valid DNS name' },
    { object: ref('web'), reason: 'spec.rules[1].http.paths[1]: path "/$evil" must start with / and use only A-Z a-z 0-9 / . _ ~ + : @ , = - and %XX' },
    { object: ref('web'), reason: 'spec.rules[1].http.paths[2]: pathType "Mystery" is not Exact, Prefix or ImplementationSpecific' },
  ]);
});

test('an unusable backend keeps its location (404 or 503) so requests never fall through to a shorter path', () => {
  const web = ingress('web', {
    rules: [rule('foo.com', httpPath('Prefix', '/missing', 'missing'), { path: '/bucket', pathType: 'Prefix', backend: { resource: { kind: 'Bucket', name: 'b' } } })],
  });
  const result = buildModel(snapshot({ ingresses: [web] }), OPTIONS);
  assert.deepEqual(routes(snapshot({ ingresses: [web] }))['foo.com'], [
    'prefix /missing → default.missing.80 (web)',
    'prefix /bucket → null (web)',
    'prefix / → null (fallback)',
  ]);
  assert.deepEqual(result.model.backends.map((b) => [b.name, b.endpoints.length]), [['default.missing.80', 0]]);
  assert.deepEqual(result.problems.map((p) => p.reason), [
    'spec.rules[0].http.paths[0].backend: Service "default/missing" not found',
    'spec.rules[0].http.paths[1].backend: resource backends are not supported',
  ]);
});

test('malformed objects produce problems, never exceptions', () => {
  const malformed = [
    { metadata: { name: 'empty' }, spec: { ingressClassName: 'portico' } },
    { metadata: { name: 'nulls', namespace: 'default' }, spec: { ingressClassName: 'portico', rules: [{ host: 'a.com' }, { http: { paths: [{ pathType: 'Prefix' }] } }], tls: [{}] } },
    ingress('bad-ns', { rules: [rule('a.com', httpPath('Prefix', '/', 'x'))] }, { namespace: 'Bad_NS' }),
  ] as V1Ingress[];
  const result = buildModel(snapshot({ ingresses: malformed }), OPTIONS);
  assert.deepEqual(result.model.servers.map((server) => server.host), ['', 'a.com']);
  // Objects without a creationTimestamp count as newest.
  assert.deepEqual(result.problems, [
    { object: ref('bad-ns', 'Bad_NS'), reason: 'namespace "Bad_NS" is not a valid DNS-1123 label' },
    { object: ref('nulls'), reason: 'spec.rules[1].http.paths[0].backend: no service is named' },
    { object: ref('nulls'), reason: 'spec.tls[0] lists no hosts and is ignored' },
  ]);
});

test('the model does not depend on the order of the snapshot’s arrays', () => {
  const ingresses = ['a', 'b', 'c', 'd'].map((name, index) =>
    ingress(name, { defaultBackend: backend(`d${index % 2}`), rules: [rule(index % 2 ? 'foo.com' : '*.foo.com', httpPath('Prefix', '/', name), httpPath('Exact', `/${name}`, name))] }),
  );
  const services = ['a', 'b', 'c'].map((name) => service(name, [{ port: 80 }]));
  const forward = buildModel(snapshot({ ingresses, services }), OPTIONS);
  const reversed = buildModel(snapshot({ ingresses: [...ingresses].reverse(), services: [...services].reverse() }), OPTIONS);
  assert.equal(JSON.stringify(reversed), JSON.stringify(forward));
  assert.deepEqual(forward.model.servers.map((server) => server.host), ['', '*.foo.com', 'foo.com']);
});
