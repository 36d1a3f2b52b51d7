// Effects on the cluster: Ingress status from the nodes running Portico pods, cleared when an Ingress
// stops being ours; Events (Normal Sync when served, Warning naming the reason when rejected).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { apply, ingressStatus, list, read } from '../helpers/api-client.js';

let api: ApiServer;
let portico: Portico;
let backends: Backend[] = [];

const node = (name: string, addresses: Array<[type: string, address: string]>): object => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: addresses.map(([type, address]) => ({ type, address })) },
});
const pod = (name: string, nodeName: string, labels: Record<string, string>): object => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ingress', labels }, spec: { nodeName }, status: { phase: 'Running' },
});
const web = (className: string): object => ingress('web', [{ host: 'web.example.com', paths: [{ path: '/', service: 'app' }] }], { className });

before(async () => {
  const port = await freePort();
  backends = await startBackends(['127.0.6.1'], port);
  api = await startApiServer();
  await apply(
    api.url,
    ingressClass('portico'),
    ingressClass('other', { controller: 'example.com/other-controller' }),
    ...service('app', ['127.0.6.1'], { ports: [{ port: 80, targetPort: port }] }),
    web('portico'),
    ingress('broken', [{ host: 'broken.example.com', paths: [{ path: '/', service: 'missing' }] }]),
    node('node-a', [['InternalIP', '127.0.9.1'], ['ExternalIP', '127.0.9.2']]),
    node('node-b', [['InternalIP', '127.0.9.3']]),
    node('node-c', [['InternalIP', '127.0.9.4']]),
    // Two Portico pods of different revisions (mid rolling update), and a pod that is not Portico.
    pod('portico-a', 'node-a', { app: 'portico', 'controller-revision-hash': 'one' }),
    pod('portico-b', 'node-b', { app: 'portico', 'controller-revision-hash': 'two' }),
    pod('other', 'node-c', { app: 'other' }),
  );
  portico = await startPortico({
    kubeconfig: await api.kubeconfig(),
    env: { NODE_NAME: 'node-a', POD_NAME: 'portico-a', POD_NAMESPACE: 'ingress' },
  });
});

after(async () => {
  await portico?.stop();
  await api?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('status lists the nodes running Portico pods: ExternalIP, else InternalIP', async () => {
  await eventually('web status written', async () => (await ingressStatus(api.url, 'web')).length > 0);
  assert.deepEqual(await ingressStatus(api.url, 'web'), ['127.0.9.2', '127.0.9.3']);
  const lease = await read(api.url, 'Lease', 'portico-leader', 'ingress');
  assert.equal(lease.spec.holderIdentity, 'portico-a');
});

test('a Sync Event when an Ingress is served, a Warning naming the reason when it is rejected', async () => {
  const events = await eventually('both Events', async () => {
    const all = await list(api.url, 'Event', 'default');
    const sync = all.find((event) => event.involvedObject.name === 'web' && event.reason === 'Sync');
    const warning = all.find((event) => event.involvedObject.name === 'broken' && event.type === 'Warning');
    return sync && warning ? { sync, warning } : null;
  });
  assert.equal(events.sync.type, 'Normal');
  assert.equal(events.sync.involvedObject.kind, 'Ingress');
  assert.equal(events.sync.reportingInstance, 'portico-a');
  assert.match(events.warning.message, /missing/);
});

test('an Ingress whose class changes to another controller is dropped and its status cleared', async () => {
  assert.equal((await get(portico, { host: 'web.example.com' })).status, 200);
  await apply(api.url, web('other'));
  await eventually('web status cleared', async () => (await ingressStatus(api.url, 'web')).length === 0);
  assert.equal((await get(portico, { host: 'web.example.com' })).status, 404);
});
