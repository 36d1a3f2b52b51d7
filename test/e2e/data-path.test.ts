// The data path: endpoint-only changes reach traffic without a reload, structural changes reload (with a
// diff in the log), bursts are coalesced, a dead OpenResty master is restarted, SIGTERM drains and exits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const PODS = ['127.0.4.1', '127.0.4.2', '127.0.4.3', '127.0.4.4'];
let port: number;
let portico: Portico;
let backends: Backend[] = [];

function appService(pods: string[], notReady: string[] = []): object[] {
  return service('app', pods, { ports: [{ port: 80, targetPort: port }], notReady });
}

/** The set of pods that answered `count` requests for `host`. */
async function podsServing(host: string, count = 12): Promise<string[]> {
  const pods = new Set<string>();
  for (let i = 0; i < count; i++) {
    const answer = await get(portico, { host });
    if (answer.status === 200 && answer.json) pods.add(answer.json.pod.split(':')[0] ?? '');
    else pods.add(String(answer.status));
  }
  return [...pods].sort();
}

before(async () => {
  port = await freePort();
  backends = await startBackends(PODS, port);
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'app.yaml': appService(PODS.slice(0, 2)),
      'ingress.yaml': [ingress('app', [{ host: 'app.example.com', paths: [{ path: '/', service: 'app' }] }])],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('an endpoint-only change reaches traffic without a reload', async () => {
  assert.deepEqual(await podsServing('app.example.com'), PODS.slice(0, 2));
  const workers = await portico.workerPids();
  const reloads = portico.reloads();

  await portico.writeManifest('app.yaml', appService(PODS.slice(1, 4)));
  await eventually('traffic on the new endpoint set', async () =>
    JSON.stringify(await podsServing('app.example.com')) === JSON.stringify(PODS.slice(1, 4)));

  assert.deepEqual(await portico.workerPids(), workers, 'nginx workers were replaced: a reload happened');
  assert.equal(portico.reloads(), reloads);
});

test('an endpoint that turns not-ready stops getting requests, without a reload', async () => {
  const workers = await portico.workerPids();
  await portico.writeManifest('app.yaml', appService(PODS.slice(1, 4), [PODS[3]!]));
  await eventually('not-ready endpoint dropped', async () =>
    JSON.stringify(await podsServing('app.example.com')) === JSON.stringify(PODS.slice(1, 3)));
  assert.deepEqual(await portico.workerPids(), workers);
});

test('a backend with no ready endpoint answers 503 at once', async () => {
  await portico.writeManifest('app.yaml', appService([PODS[0]!], [PODS[0]!]));
  await eventually('503 for an empty backend', async () => (await get(portico, { host: 'app.example.com' })).status === 503);
  await portico.writeManifest('app.yaml', appService(PODS.slice(0, 2)));
  await eventually('backend back', async () => (await get(portico, { host: 'app.example.com' })).status === 200);
});

test('a structural change is applied by a reload, whose log carries a unified diff', async () => {
  const workers = await portico.workerPids();
  const reloads = portico.reloads();
  await portico.writeManifest('ingress2.yaml', [ingress('second', [{ host: 'second.example.com', paths: [{ path: '/', service: 'app' }] }])]);
  await eventually('new host served', async () => (await get(portico, { host: 'second.example.com' })).status === 200);
  const reload = await portico.waitForLog('reload log', (record) => record.msg === 'configuration reloaded' && String(record.diff).includes('second.example.com'));
  assert.match(String(reload.diff), /^\+.*server_name "second\.example\.com";/m);
  assert.equal(portico.reloads(), reloads + 1);
  await eventually('workers replaced', async () => (await portico.workerPids()).every((pid) => !workers.includes(pid)));
});

test('N structural changes written at once make exactly one reload', async () => {
  const reloads = portico.reloads();
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      portico.writeManifest(`at-once-${i}.yaml`, [ingress(`at-once-${i}`, [{ host: `once${i}.example.com`, paths: [{ path: '/', service: 'app' }] }])]),
    ),
  );
  await eventually('all 20 hosts served', async () => {
    for (let i = 0; i < 20; i++) if ((await get(portico, { host: `once${i}.example.com` })).status !== 200) return false;
    return true;
  });
  assert.equal(portico.reloads() - reloads, 1);
});

test('a stream of structural changes is rate-limited into few reloads', async () => {
  const reloads = portico.reloads();
  for (let i = 0; i < 20; i++) {
    await portico.writeManifest('burst.yaml', [ingress('burst', [{ host: `burst${i}.example.com`, paths: [{ path: '/', service: 'app' }] }])]);
  }
  await eventually('last burst host served', async () => (await get(portico, { host: 'burst19.example.com' })).status === 200);
  // 20 changes in a row, reloads at most every 0.2 s (--min-reload-interval): a few reloads, not 20.
  assert.ok(portico.reloads() - reloads <= 4, `too many reloads: ${portico.reloads() - reloads}`);
});

test('a killed OpenResty master is restarted with the last good configuration', async () => {
  const master = await portico.masterPid();
  process.kill(master, 'SIGKILL');
  await eventually('new master', async () => (await portico.masterPid().catch(() => master)) !== master);
  await eventually('traffic served again', async () => (await get(portico, { host: 'second.example.com' })).status === 200);
  assert.deepEqual(await podsServing('app.example.com'), PODS.slice(0, 2));
});

test('SIGTERM drains OpenResty and exits 0', async () => {
  const master = await portico.masterPid();
  const exited = new Promise<number | null>((resolve) => portico.child.once('exit', (code) => resolve(code)));
  portico.child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.throws(() => process.kill(master, 0), /ESRCH/, 'OpenResty master still running after shutdown');
});
