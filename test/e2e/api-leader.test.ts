// Two replicas on one API server: both serve traffic, exactly one (the Lease holder) writes Ingress
// status, and when it is killed the other takes the Lease over and writes status from then on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { apply, ingressStatus, read } from '../helpers/api-client.js';

let api: ApiServer;
let backends: Backend[] = [];
const replicas = new Map<string, Portico>();

const appIngress = (name: string): object => ingress(name, [{ host: `${name}.example.com`, paths: [{ path: '/', service: 'app' }] }]);

/** The bearer tokens that wrote Ingress status, in order. */
function statusWriters(): string[] {
  return api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/status')).map((r) => r.authorization.replace('Bearer ', ''));
}

async function leaseHolder(): Promise<string> {
  return (await read(api.url, 'Lease', 'portico-leader', 'ingress')).spec.holderIdentity as string;
}

before(async () => {
  const port = await freePort();
  backends = await startBackends(['127.0.7.1'], port);
  api = await startApiServer();
  await apply(
    api.url,
    ingressClass('portico'),
    ...service('app', ['127.0.7.1'], { ports: [{ port: 80, targetPort: port }] }),
    appIngress('early'),
    // The published Service: its load-balancer address goes into every Ingress's status.
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'portico', namespace: 'ingress' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: '127.0.9.20' }] } } },
  );
  for (const name of ['replica-a', 'replica-b']) {
    replicas.set(name, await startPortico({
      kubeconfig: await api.kubeconfig(name),
      env: { POD_NAME: name, POD_NAMESPACE: 'ingress' },
      args: ['--publish-service', 'ingress/portico', '--election-lease-duration', '2'],
    }));
  }
});

after(async () => {
  for (const portico of replicas.values()) await portico.stop();
  await api?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('both replicas serve; only the Lease holder writes status', async () => {
  for (const portico of replicas.values()) assert.equal((await get(portico, { host: 'early.example.com' })).status, 200);
  await eventually('early status written', async () => (await ingressStatus(api.url, 'early')).length > 0);
  assert.deepEqual(await ingressStatus(api.url, 'early'), ['127.0.9.20']);
  const leader = await leaseHolder();
  assert.ok(replicas.has(leader));
  assert.deepEqual([...new Set(statusWriters())], [leader]);
});

test('killing the leader hands the Lease over; the new leader writes status', async () => {
  const leader = await leaseHolder();
  const follower = [...replicas.keys()].find((name) => name !== leader) ?? '';
  const old = replicas.get(leader) as Portico;
  // A crash, not a shutdown: the Lease is not released and must expire.
  const master = await old.masterPid();
  old.child.kill('SIGKILL');
  await new Promise((resolve) => old.child.once('exit', resolve));
  process.kill(master, 'SIGQUIT');
  const killedAt = Date.now();
  await eventually('the follower holds the Lease', async () => (await leaseHolder()) === follower, 15_000);
  assert.ok(Date.now() - killedAt < 8_000, 'taken over within a few lease durations');

  const writesBefore = statusWriters().length;
  await apply(api.url, appIngress('late'));
  await eventually('late status written', async () => (await ingressStatus(api.url, 'late')).length > 0);
  assert.deepEqual([...new Set(statusWriters().slice(writesBefore))], [follower]);
  assert.equal((await get(replicas.get(follower) as Portico, { host: 'late.example.com' })).status, 200);
});
