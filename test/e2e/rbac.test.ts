// deploy/'s RBAC is exactly what Portico uses. Portico runs against the test API server as each kustomization runs
// it (the controller container's flags, its downward-API environment, its ServiceAccount), through every path that
// talks to the API: list and watch of every kind (across all namespaces, and in one watched namespace with the
// --configmap outside it watched by name), Ingress status from the nodes running Portico and from --publish-service,
// leader election (create, renew, release), Events, and the re-fetch of a Secret an auth annotation names. Every
// request it makes must be granted, and every permission granted must be used by one of the runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, REPO_ROOT } from '../helpers/processes.js';
import { startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { startApiServer, type ApiServer, type RequestAttributes } from '../helpers/api-server.js';
import { RESOURCE_INFO } from '../helpers/api-objects.js';
import { apply, ingressStatus, list } from '../helpers/api-client.js';
import { kustomize, type KubeManifest } from '../helpers/kustomize.js';
import { allows, describeAccess, permissionsOf, type Permission } from '../helpers/rbac.js';

/** Flags about the pod's own processes and files, which the test harness sets itself. */
const LOCAL_FLAGS = new Set(['--nginx-mode', '--nginx-binary', '--work-dir', '--status-port', '--log-format']);
const TOKEN = 'portico-service-account';
const A = 'nginx.ingress.kubernetes.io';

interface Workload {
  namespace: string;
  serviceAccount: string;
  labels: Record<string, string>;
  args: string[];
}

interface Run {
  permissions: Permission[];
  requests: RequestAttributes[];
}

let api: ApiServer;
let portico: Portico | undefined;
const runs = new Map<string, Run>();

function workloadOf(objects: readonly KubeManifest[]): Workload {
  const workload = objects.find((object) => object.kind === 'DaemonSet' || object.kind === 'Deployment') as KubeManifest & {
    spec: { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; containers: Array<{ name: string; args: string[] }> } } };
  };
  const pod = workload.spec.template;
  const controller = pod.spec.containers.find((container) => container.name === 'controller');
  return { namespace: workload.metadata.namespace ?? 'default', serviceAccount: pod.spec.serviceAccountName, labels: pod.metadata.labels, args: controller?.args ?? [] };
}

const node = (name: string, address: string): object => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address }] } });
const pod = (name: string, namespace: string, labels: Record<string, string>, nodeName: string): object => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { nodeName }, status: { phase: 'Running' },
});
const site = (name: string, namespace: string, annotations?: Record<string, string>): object =>
  ingress(name, [{ host: `${name}.example.com`, paths: [{ path: '/', service: 'app' }] }], { namespace, annotations });

/** A Sync Event was posted for the Ingress. */
async function synced(name: string, namespace: string): Promise<boolean> {
  return (await list(api.url, 'Event', namespace)).some((event) => event.involvedObject.name === name && event.reason === 'Sync');
}

/**
 * Puts the kustomization's objects (those the test API server holds) and `objects` on the server, runs Portico as the
 * kustomization's workload runs it (plus `extraArgs`) until `done` holds, and stops it, which releases the Lease.
 */
async function runAs(dir: string, options: { objects: object[]; extraArgs?: string[]; done: () => Promise<boolean> }): Promise<Run> {
  const manifests = kustomize(join(REPO_ROOT, dir));
  const workload = workloadOf(manifests);
  const known = new Set(Object.values(RESOURCE_INFO).map((info) => info.kind));
  // `objects` first: a status they carry is kept when the kustomization's object of the same name is applied over it.
  await apply(api.url, ...options.objects, ...manifests.filter((object) => known.has(object.kind)));
  const env: Record<string, string> = { NODE_NAME: 'node-a', POD_NAME: 'portico-a', POD_NAMESPACE: workload.namespace };
  await apply(api.url, pod('portico-a', workload.namespace, workload.labels, 'node-a'));
  // $(VAR) is expanded by the kubelet from the container's environment.
  const args = workload.args.filter((arg) => !LOCAL_FLAGS.has(arg.split('=')[0] ?? '')).map((arg) => arg.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? ''));
  const first = api.requests.length;
  portico = await startPortico({ kubeconfig: await api.kubeconfig(TOKEN), env, args: [...args, ...(options.extraArgs ?? [])] });
  await eventually(`${dir}: Portico's effects on the cluster`, options.done);
  await portico.stop();
  portico = undefined;
  const requests = api.requests.slice(first).filter((request) => request.authorization === `Bearer ${TOKEN}`);
  return {
    permissions: permissionsOf(manifests, { namespace: workload.namespace, name: workload.serviceAccount }),
    requests: requests.map((request) => request.attributes).filter((attributes): attributes is RequestAttributes => attributes !== null),
  };
}

before(async () => {
  api = await startApiServer();
  await apply(api.url, ingressClass('portico'), node('node-a', '127.0.9.1'), node('node-b', '127.0.9.2'));
  // As a DaemonSet: every namespace watched, status from the nodes running Portico (this pod's and a sibling's).
  runs.set('deploy/base', await runAs('deploy/base', {
    objects: [
      ...service('app', ['127.0.8.1']),
      site('web', 'default'),
      // Its Secret is fetched again with all its data (a watched Secret is trimmed).
      site('private', 'default', { [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'users' }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'users', namespace: 'default' }, type: 'Opaque', data: { auth: Buffer.from('alice:{SHA}3Hbp8MAAbo+RngxRXGbbujmC94U=\n').toString('base64') } },
      pod('portico-b', 'portico', { 'app.kubernetes.io/name': 'portico' }, 'node-b'),
    ],
    done: async () => (await ingressStatus(api.url, 'web')).join() === '127.0.9.1,127.0.9.2' && (await synced('web', 'default')),
  }));
  // As a Deployment behind a LoadBalancer Service: status from --publish-service. --watch-namespace is the user's
  // choice, not deploy/'s, and is added to exercise namespaced list/watch and the ConfigMap watched by name.
  runs.set('deploy/overlays/deployment', await runAs('deploy/overlays/deployment', {
    objects: [
      // The address the cloud gave the overlay's LoadBalancer Service.
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'portico', namespace: 'portico' }, spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '127.0.9.20' }] } } },
      ...service('app', ['127.0.8.1'], { namespace: 'apps' }),
      site('shop', 'apps'),
    ],
    extraArgs: ['--watch-namespace', 'apps'],
    done: async () => (await ingressStatus(api.url, 'shop', 'apps')).join() === '127.0.9.20' && (await synced('shop', 'apps')),
  }));
});

after(async () => {
  await portico?.stop();
  await api?.stop();
});

test('every request Portico makes is granted to its ServiceAccount by the RBAC of the kustomization it runs from', () => {
  for (const [dir, { permissions, requests }] of runs) {
    assert.ok(requests.length > 0, `${dir}: no request recorded`);
    const refused = new Set(requests.filter((request) => !permissions.some((permission) => allows(permission, request))).map(describeAccess));
    assert.deepEqual([...refused], [], `${dir}: requests the RBAC does not grant`);
  }
});

test('every permission deploy/ grants is used by Portico', () => {
  const requests = [...runs.values()].flatMap((run) => run.requests);
  const granted = new Map([...runs.values()].flatMap((run) => run.permissions).map((permission) => [describeAccess(permission), permission]));
  const unused = [...granted].filter(([, permission]) => !requests.some((request) => allows(permission, request))).map(([text]) => text);
  assert.deepEqual(unused, [], 'permissions no request used');
});
