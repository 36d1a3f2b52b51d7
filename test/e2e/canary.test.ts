// Canary Ingresses and traffic lanes, through real OpenResty: weights, header and cookie precedence as in
// ingress-nginx, several lanes on one path, and every change applied without a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const HOST = 'canary.example.com';
const POD = { stable: '127.0.41.1', canary: '127.0.41.2', laneA: '127.0.41.3', laneB: '127.0.41.4' };
const PREFIX = 'nginx.ingress.kubernetes.io';
let port: number;
let portico: Portico;
let backends: Backend[] = [];

const services = (): object[] =>
  Object.entries(POD).flatMap(([name, pod]) => service(name.toLowerCase(), [pod], { ports: [{ port: 80, targetPort: port }] }));

/** A canary Ingress for HOST `/` sending to `backend`, with the given canary-* annotations (prefix added). */
function canaryIngress(name: string, backend: string, annotations: Record<string, string>, createdAt: string): object {
  const prefixed = Object.fromEntries(Object.entries({ canary: 'true', ...annotations }).map(([key, value]) => [`${PREFIX}/${key}`, value]));
  return ingress(name, [{ host: HOST, paths: [{ path: '/', service: backend }] }], { annotations: prefixed, createdAt });
}

/** Which pod answered each of `count` requests, as counts by pod address. */
async function spread(count: number, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const answer = await get(portico, { host: HOST, headers });
    assert.equal(answer.status, 200, answer.body);
    const pod = answer.json?.pod.split(':')[0] ?? '';
    counts[pod] = (counts[pod] ?? 0) + 1;
  }
  return counts;
}

async function onlyPod(headers: Record<string, string> = {}, count = 10): Promise<string> {
  const pods = Object.keys(await spread(count, headers));
  assert.equal(pods.length, 1, `expected one pod, got ${pods.join(', ')}`);
  return pods[0]!;
}

/** Writes the canary manifest and waits until `check` holds; asserts nginx was not reloaded meanwhile. */
async function withoutReload(what: string, objects: object[], check: () => Promise<boolean>): Promise<void> {
  const workers = await portico.workerPids();
  const reloads = portico.reloads();
  await portico.writeManifest('canary.yaml', objects);
  await eventually(what, check, 20_000);
  assert.deepEqual(await portico.workerPids(), workers, 'nginx workers were replaced: a reload happened');
  assert.equal(portico.reloads(), reloads);
}

before(async () => {
  port = await freePort();
  backends = await startBackends(Object.values(POD), port);
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'services.yaml': services(),
      'main.yaml': [ingress('main', [{ host: HOST, paths: [{ path: '/', service: 'stable' }] }], { createdAt: '2024-01-01T00:00:00Z' })],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('without a canary every request goes to the main backend', async () => {
  assert.equal(await onlyPod(), POD.stable);
});

test('adding a canary with canary-weight splits traffic within statistical tolerance, without a reload', async () => {
  const canary = canaryIngress('weighted', 'canary', { 'canary-weight': '30' }, '2024-01-02T00:00:00Z');
  await withoutReload('canary traffic', [canary], async () => (await spread(20))[POD.canary] !== undefined);
  const counts = await spread(1000);
  const share = (counts[POD.canary] ?? 0) / 1000;
  // 1000 draws at p = 0.3: the standard deviation is 1.45 points; ±6 points is over four of them.
  assert.ok(Math.abs(share - 0.3) < 0.06, `canary share ${share}, expected 0.3 ± 0.06`);
  assert.equal((counts[POD.stable] ?? 0) + (counts[POD.canary] ?? 0), 1000);
});

test('changing the weight applies without a reload; canary-weight-total changes the scale', async () => {
  const all = canaryIngress('weighted', 'canary', { 'canary-weight': '100' }, '2024-01-02T00:00:00Z');
  await withoutReload('all traffic on the canary', [all], async () => (await spread(20))[POD.stable] === undefined);
  const half = canaryIngress('weighted', 'canary', { 'canary-weight': '500', 'canary-weight-total': '1000' }, '2024-01-02T00:00:00Z');
  await withoutReload('traffic split again', [half], async () => Object.keys(await spread(20)).length === 2);
  const share = ((await spread(400))[POD.canary] ?? 0) / 400;
  assert.ok(Math.abs(share - 0.5) < 0.1, `canary share ${share}, expected 0.5 ± 0.1`);
});

test('header, then cookie, then weight decide, with always/never as in ingress-nginx', async () => {
  const canary = canaryIngress('weighted', 'canary', { 'canary-by-header': 'X-Canary', 'canary-by-cookie': 'use_canary', 'canary-weight': '50' }, '2024-01-02T00:00:00Z');
  await withoutReload('header routing active', [canary], async () => (await onlyPod({ 'x-canary': 'always' })) === POD.canary);
  assert.equal(await onlyPod({ 'x-canary': 'never' }), POD.stable);
  assert.equal(await onlyPod({ cookie: 'use_canary=always' }), POD.canary);
  assert.equal(await onlyPod({ cookie: 'use_canary=never' }), POD.stable);
  // The header wins over the cookie, either way.
  assert.equal(await onlyPod({ 'x-canary': 'never', cookie: 'use_canary=always' }), POD.stable);
  assert.equal(await onlyPod({ 'x-canary': 'always', cookie: 'use_canary=never' }), POD.canary);
  // Any other header value is ignored: the cookie, then the weight decide.
  assert.equal(await onlyPod({ 'x-canary': 'maybe', cookie: 'use_canary=never' }), POD.stable);
  assert.equal(Object.keys(await spread(40, { 'x-canary': 'maybe' })).length, 2);
});

test('canary-by-header-value selects by exact value, canary-by-header-pattern by regex; other values fall through', async () => {
  const byValue = canaryIngress('weighted', 'canary', { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'v2' }, '2024-01-02T00:00:00Z');
  await withoutReload('value routing active', [byValue], async () => (await onlyPod({ 'x-canary': 'v2' })) === POD.canary);
  assert.equal(await onlyPod({ 'x-canary': 'always' }), POD.stable, '"always" is only a value here');
  assert.equal(await onlyPod({ 'x-canary': 'v2x' }), POD.stable);
  const byPattern = canaryIngress('weighted', 'canary', { 'canary-by-header': 'X-Canary', 'canary-by-header-pattern': '^v[2-3]$' }, '2024-01-02T00:00:00Z');
  await withoutReload('pattern routing active', [byPattern], async () => (await onlyPod({ 'x-canary': 'v3' })) === POD.canary);
  assert.equal(await onlyPod({ 'x-canary': 'v4' }), POD.stable);
});

test('lanes: several canaries on one path, each selected by its own header value, weights where no header matches', async () => {
  const lanes = [
    canaryIngress('lane-a', 'lanea', { 'canary-by-header': 'X-Lane', 'canary-by-header-value': 'feature-a' }, '2024-01-03T00:00:00Z'),
    canaryIngress('lane-b', 'laneb', { 'canary-by-header': 'X-Lane', 'canary-by-header-value': 'feature-b', 'canary-weight': '20' }, '2024-01-04T00:00:00Z'),
    canaryIngress('lane-c', 'canary', { 'canary-by-cookie': 'lane_c' }, '2024-01-05T00:00:00Z'),
  ];
  await withoutReload('lanes active', lanes, async () => (await onlyPod({ 'x-lane': 'feature-b' })) === POD.laneB);
  assert.equal(await onlyPod({ 'x-lane': 'feature-a' }), POD.laneA);
  assert.equal(await onlyPod({ cookie: 'lane_c=always' }), POD.canary);
  assert.equal(await onlyPod({ 'x-lane': 'feature-a', cookie: 'lane_c=always' }), POD.laneA, 'a header beats a cookie');
  const counts = await spread(500, { 'x-lane': 'nobody' });
  assert.deepEqual(Object.keys(counts).sort(), [POD.stable, POD.laneB].sort(), 'unmatched requests: stable or the weighted lane');
  const share = (counts[POD.laneB] ?? 0) / 500;
  assert.ok(Math.abs(share - 0.2) < 0.07, `lane b share ${share}, expected 0.2 ± 0.07`);
});

test('with affinity, a session stays where its cookie puts it: on the main backend or on the canary', async () => {
  const main = (annotations: Record<string, string>) =>
    ingress('main', [{ host: HOST, paths: [{ path: '/', service: 'stable' }] }], { createdAt: '2024-01-01T00:00:00Z', annotations });
  await portico.writeManifest('main.yaml', [main({ [`${PREFIX}/affinity`]: 'cookie' })]);
  const canary = canaryIngress('weighted', 'canary', { 'canary-weight': '50', affinity: 'cookie' }, '2024-01-02T00:00:00Z');
  await portico.writeManifest('canary.yaml', [canary]);
  const sessions = await eventually('a session on each backend', async () => {
    const found = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const answer = await get(portico, { host: HOST });
      const cookie = [answer.headers['set-cookie'] ?? []].flat().find((header) => header.startsWith('INGRESSCOOKIE='));
      if (cookie) found.set(answer.json?.pod.split(':')[0] ?? '', cookie.split('; ')[0] ?? '');
    }
    return found.size === 2 ? found : undefined;
  });
  for (const [pod, cookie] of sessions) assert.equal(await onlyPod({ cookie }, 20), pod, `session ${cookie}`);
  await portico.writeManifest('main.yaml', [main({})]);
});

test('removing every canary sends all traffic back to the main backend, without a reload', async () => {
  await withoutReload('canaries gone', [], async () => Object.keys(await spread(20, { 'x-lane': 'feature-a' })).join() === POD.stable);
});

test('a canary without a main Ingress for its host and path is reported and changes nothing', async () => {
  const orphan = ingress('orphan', [{ host: HOST, paths: [{ path: '/nowhere', service: 'canary' }] }], { annotations: { [`${PREFIX}/canary`]: 'true' } });
  await portico.writeManifest('canary.yaml', [orphan]);
  await portico.waitForLog('orphan canary reported', (record) => String(record.reason ?? record.msg).includes('no main Ingress serves'));
  assert.equal((await get(portico, { host: HOST, path: '/nowhere' })).json?.pod.split(':')[0], POD.stable);
});
