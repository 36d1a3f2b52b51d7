// Reloads are rate-limited (--min-reload-interval); endpoint changes are not: they reach traffic while a
// structural change waits for its turn to reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/processes.js';
import { get, type Portico } from '../helpers/portico.js';
import { ingress, service } from '../helpers/manifests.js';
import { APP_HOST, startApp, type AppWorld } from '../helpers/app.js';

const PODS = ['127.0.7.1', '127.0.7.2'];
const INTERVAL_S = 6;
let world: AppWorld;
let portico: Portico;

before(async () => {
  world = await startApp({ pods: PODS, servicePods: [PODS[0]!], args: ['--min-reload-interval', String(INTERVAL_S)] });
  portico = world.portico;
});

after(() => world?.stop());

async function servedBy(): Promise<string | undefined> {
  return (await get(portico, { host: APP_HOST })).json?.pod.split(':')[0];
}

test('an endpoint change is served at once while the structural change it came with waits to reload', async () => {
  // A first structural change: the next reload may not come before INTERVAL_S after it.
  await portico.writeManifest('first.yaml', [ingress('first', [{ host: 'first.example.com', paths: [{ path: '/', service: 'app' }] }])]);
  await portico.waitForLog('first reload', (r) => r.msg === 'configuration reloaded' && String(r.diff).includes('first.example.com'), 20_000);
  const reloads = portico.reloads();

  // One file, so one reconcile sees both: a new host (must wait for the rate limit) and new endpoints.
  const written = Date.now();
  await portico.writeManifest('second.yaml', [
    ...service('app', [PODS[1]!], { ports: [{ port: 80, targetPort: world.port }] }),
    ingress('second', [{ host: 'second.example.com', paths: [{ path: '/', service: 'app' }] }]),
  ]);
  await eventually('traffic on the new endpoint', async () => (await servedBy()) === PODS[1], 20_000);
  const seenAfterMs = Date.now() - written;
  assert.equal(portico.reloads(), reloads, 'the new endpoint was only served with the reload');
  assert.equal((await get(portico, { host: 'second.example.com' })).status, 404);
  assert.ok(seenAfterMs < (INTERVAL_S * 1000) / 2, `new endpoint served only after ${seenAfterMs} ms`);

  await portico.waitForLog('second reload', (r) => r.msg === 'configuration reloaded' && String(r.diff).includes('second.example.com'), 20_000);
  assert.equal(portico.reloads(), reloads + 1);
  assert.equal((await get(portico, { host: 'second.example.com' })).status, 200);
});
