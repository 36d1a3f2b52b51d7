// Canary Ingresses as lanes, and per-backend balancing, through buildModel on hand-made snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from './build.js';
import { routeId } from './canary.js';
import { httpPath, ingress, OPTIONS, rule, service, snapshot } from './testdata/fixtures.js';
import type { Backend } from './types.js';

const PREFIX = 'nginx.ingress.kubernetes.io';
const prefixed = (annotations: Record<string, string>) => Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`${PREFIX}/${key}`, value]));
const SERVICES = ['web', 'canary', 'lane-a', 'lane-b'].map((name) => service(name, [{ port: 80 }]));

/** An Ingress for foo.com `path` → `backendName`, created at `created`, with annotations (prefix added). */
function foo(name: string, backendName: string, created: string, annotations: Record<string, string> = {}, path = '/') {
  return ingress(name, { rules: [rule('foo.com', httpPath('Prefix', path, backendName))] }, { created, annotations: prefixed(annotations) });
}

function build(...ingresses: ReturnType<typeof foo>[]) {
  const { model, problems } = buildModel(snapshot({ ingresses, services: SERVICES }), OPTIONS);
  const backends = Object.fromEntries(model.backends.map((backend) => [backend.name, backend])) as Record<string, Backend>;
  return { model, backends, problems: problems.map((problem) => `${problem.object.name}: ${problem.reason}`) };
}

const MAIN = foo('main', 'web', '2024-01-01T00:00:00Z');

test('a canary Ingress adds a lane to the main location and no location of its own', () => {
  const { model, backends, problems } = build(MAIN, foo('canary', 'canary', '2024-01-02T00:00:00Z', { canary: 'true', 'canary-weight': '20', 'canary-by-header': 'X-Canary' }));
  assert.deepEqual(problems, []);
  const server = model.servers.find((candidate) => candidate.host === 'foo.com');
  assert.deepEqual(server?.locations.map((location) => `${location.path} ${location.backend}`), ['/ default.web.80']);
  assert.deepEqual(backends['default.web.80']?.routes, [{
    route: routeId('foo.com', 'prefix', '/'),
    lanes: [{ backend: 'default.canary.80', ingress: { kind: 'Ingress', namespace: 'default', name: 'canary' }, header: { name: 'X-Canary', value: null, pattern: null }, cookie: null, weight: 20, weightTotal: 100 }],
  }]);
  assert.ok(backends['default.canary.80'], 'the lane backend is pushed with the others');
});

test('several canaries on one path are lanes, oldest first; a header value wins over a pattern', () => {
  const laneB = foo('lane-b', 'lane-b', '2024-01-03T00:00:00Z', { canary: 'true', 'canary-by-header': 'X-Lane', 'canary-by-header-value': 'b', 'canary-by-header-pattern': '^b' });
  const laneA = foo('lane-a', 'lane-a', '2024-01-02T00:00:00Z', { canary: 'true', 'canary-by-header': 'X-Lane', 'canary-by-header-value': 'a' });
  const { backends, problems } = build(MAIN, laneB, laneA);
  assert.deepEqual(problems, []);
  const lanes = backends['default.web.80']?.routes[0]?.lanes ?? [];
  assert.deepEqual(lanes.map((lane) => [lane.backend, lane.header]), [
    ['default.lane-a.80', { name: 'X-Lane', value: 'a', pattern: null }],
    ['default.lane-b.80', { name: 'X-Lane', value: 'b', pattern: null }],
  ]);
});

test('canaries that cannot be served, or cannot get their traffic, are reported', () => {
  const cases: Array<[string, ReturnType<typeof foo>[], RegExp]> = [
    ['no main Ingress for the path', [MAIN, foo('c', 'canary', '2024-01-02T00:00:00Z', { canary: 'true' }, '/other')], /no main Ingress serves the prefix path "\/other"/],
    ['the main backend itself', [MAIN, foo('c', 'web', '2024-01-02T00:00:00Z', { canary: 'true' })], /the main Ingress's own backend/],
    ['weight above the total', [MAIN, foo('c', 'canary', '2024-01-02T00:00:00Z', { canary: 'true', 'canary-weight': '101' })], /more than canary-weight-total 100/],
    [
      'a header value another lane already selects',
      [MAIN, foo('c1', 'lane-a', '2024-01-02T00:00:00Z', { canary: 'true', 'canary-by-header': 'X-Lane', 'canary-by-header-value': 'a' }), foo('c2', 'lane-b', '2024-01-03T00:00:00Z', { canary: 'true', 'canary-by-header': 'x-lane', 'canary-by-header-value': 'a' })],
      /c2: .*header x-lane: a already selects the lane of Ingress "default\/c1"/,
    ],
    [
      'weights above the whole',
      [MAIN, foo('c1', 'lane-a', '2024-01-02T00:00:00Z', { canary: 'true', 'canary-weight': '60' }), foo('c2', 'lane-b', '2024-01-03T00:00:00Z', { canary: 'true', 'canary-weight': '50' })],
      /c2: .*weights .* add up to more than all requests/,
    ],
  ];
  for (const [name, ingresses, reason] of cases) {
    const { problems } = build(...ingresses);
    assert.ok(problems.some((problem) => reason.test(problem)), `${name}: ${JSON.stringify(problems)}`);
  }
});

test('balancing: affinity wins over upstream-hash-by, which wins over load-balance; the oldest Ingress decides a backend', () => {
  const sticky = build(foo('a', 'web', '2024-01-01T00:00:00Z', { affinity: 'cookie', 'upstream-hash-by': '$request_uri', 'load-balance': 'ewma' }, '/app'));
  assert.deepEqual(sticky.backends['default.web.80']?.balancing, {
    strategy: 'sticky',
    cookie: { mode: 'balanced', name: 'INGRESSCOOKIE', path: '/app', maxAge: null, expires: null, sameSite: null, conditionalSameSiteNone: false, secure: false, changeOnFailure: false },
  });
  const hashed = build(foo('a', 'web', '2024-01-01T00:00:00Z', { 'upstream-hash-by': '$remote_addr', 'load-balance': 'ewma' }));
  assert.deepEqual(hashed.backends['default.web.80']?.balancing, { strategy: 'chash', hashBy: [{ variable: 'remote_addr' }], subsetSize: null });

  const older = foo('older', 'web', '2024-01-01T00:00:00Z', { 'load-balance': 'ewma' }, '/a');
  const newer = foo('newer', 'web', '2024-01-02T00:00:00Z', { 'upstream-hash-by': '$uri' }, '/b');
  const plain = foo('plain', 'web', '2024-01-03T00:00:00Z', {}, '/c');
  const shared = build(newer, plain, older);
  assert.deepEqual(shared.backends['default.web.80']?.balancing, { strategy: 'ewma' });
  assert.deepEqual(shared.problems.filter((problem) => problem.includes('balanced')).map((problem) => problem.split(':')[0]), ['newer']);
});

test('a canary Ingress balances its own backend', () => {
  const { backends } = build(MAIN, foo('c', 'canary', '2024-01-02T00:00:00Z', { canary: 'true', 'load-balance': 'ewma' }));
  assert.deepEqual(backends['default.canary.80']?.balancing, { strategy: 'ewma' });
  assert.deepEqual(backends['default.web.80']?.balancing, { strategy: 'round_robin' });
});
