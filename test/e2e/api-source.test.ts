// The API source's resilience: a dropped watch resumes from its resourceVersion without losing an
// update, an expired resourceVersion (410) relists, and while the API server is down OpenResty keeps
// serving and the controller converges once it is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { apply } from '../helpers/api-client.js';

const PODS = ['127.0.5.1', '127.0.5.2', '127.0.5.3'];
let port: number;
let api: ApiServer;
let portico: Portico;
let backends: Backend[] = [];

const appService = (pods: string[]): object[] => service('app', pods, { ports: [{ port: 80, targetPort: port }] });
const appIngress = (name: string, host: string): object => ingress(name, [{ host, paths: [{ path: '/', service: 'app' }] }]);

/** Requests that reach a pod of the app Service for host (any other answer fails the check). */
async function served(host: string): Promise<boolean> {
  return (await get(portico, { host })).status === 200;
}

/** LIST (not WATCH) requests for a resource so far. */
function lists(plural: string): number {
  return api.requests.filter((r) => r.method === 'GET' && r.path.includes(`/${plural}?`) && !r.path.includes('watch=')).length;
}

before(async () => {
  port = await freePort();
  backends = await startBackends(PODS, port);
  api = await startApiServer();
  await apply(api.url, ingressClass('portico'), ...appService(PODS.slice(0, 1)), appIngress('first', 'first.example.com'));
  portico = await startPortico({ kubeconfig: await api.kubeconfig() });
});

after(async () => {
  await portico?.stop();
  await api?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('the first configuration already holds every listed object', async () => {
  assert.equal(await served('first.example.com'), true);
  assert.equal(portico.reloads(), 0, 'the first configuration is the start-up one, not a reload of a partial one');
});

test('a dropped watch resumes from its resourceVersion without losing an update', async () => {
  const listsBefore = lists('ingresses');
  api.dropWatches();
  // Made while no watch is connected: only a resume from the last version seen delivers it.
  await apply(api.url, appIngress('second', 'second.example.com'));
  await eventually('second.example.com served', () => served('second.example.com'));
  assert.equal(lists('ingresses'), listsBefore, 'resumed, not relisted');
  const resumed = api.requests.filter((r) => r.path.includes('/ingresses?') && r.path.includes('watch=1'));
  assert.ok(resumed.length >= 2 && !resumed.at(-1)?.path.includes('resourceVersion=&'), 'watched again from a resourceVersion');
});

test('an expired resourceVersion (410 Gone) relists, and the relist removes what was deleted meanwhile', async () => {
  await api.down();
  api.objects.remove('ingresses', 'default', 'second');
  api.objects.compact();
  const listsBefore = lists('ingresses');
  await api.up();
  await portico.waitForLog('a relist', (record) => record.msg.includes('410 Gone'), 20_000);
  await eventually('second.example.com no longer routed', async () => (await get(portico, { host: 'second.example.com' })).status === 404, 20_000);
  assert.ok(lists('ingresses') > listsBefore);
  assert.equal(await served('first.example.com'), true);
});

test('with the API server down for 10 s traffic is unaffected; afterwards the controller converges', async () => {
  await api.down();
  // Changes the controller cannot see while the server is down.
  api.objects.patch('endpointslices', 'default', 'app-abc12', {
    endpoints: PODS.map((address) => ({ addresses: [address], conditions: { ready: true, terminating: false } })),
  });
  const third = appIngress('third', 'third.example.com') as { metadata: object };
  api.objects.create('ingresses', 'default', third);
  const deadline = Date.now() + 10_000;
  let requests = 0;
  while (Date.now() < deadline) {
    const answer = await get(portico, { host: 'first.example.com' });
    assert.equal(answer.status, 200, 'served while the API server is down');
    requests += 1;
    await delay(50);
  }
  assert.ok(requests > 50);
  await api.up();
  await eventually('third.example.com served', () => served('third.example.com'), 30_000);
  await eventually('all three pods serving', async () => {
    const pods = new Set<string>();
    for (let i = 0; i < 12; i++) pods.add((await get(portico, { host: 'first.example.com' })).json?.pod.split(':')[0] ?? '');
    return pods.size === 3;
  }, 30_000);
});
