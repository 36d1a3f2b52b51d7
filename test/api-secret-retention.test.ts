// The API source against the test API server, in-process: what the store keeps of Secrets. Certificate
// keys of TLS Secrets, all data of Secrets an Ingress names, nothing of any other Secret's data.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../controller/kube/client.js';
import { createLogger } from '../controller/log.js';
import { watchApi } from '../controller/sources/api.js';
import { Store } from '../controller/store/store.js';
import { eventually } from './helpers/processes.js';
import { startApiServer, type ApiServer } from './helpers/api-server.js';
import { apply } from './helpers/api-client.js';
import { ingress } from './helpers/manifests.js';

const PREFIX = 'nginx.ingress.kubernetes.io';
let api: ApiServer;
let source: { close(): Promise<void> };
const store = new Store();

const secret = (name: string, type: string, data: Record<string, string>): object => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type,
  data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
});
const authIngress = (annotated: boolean): object =>
  ingress('private', [{ host: 'private.example.com', paths: [{ path: '/', service: 'app' }] }], {
    annotations: annotated ? { [`${PREFIX}/auth-type`]: 'basic', [`${PREFIX}/auth-secret`]: 'users' } : {},
  });
const stored = (name: string): Record<string, string> | undefined => store.snapshot().secrets.find((s) => s.metadata?.name === name)?.data;

before(async () => {
  api = await startApiServer();
  await apply(
    api.url,
    secret('users', 'Opaque', { auth: 'alice:$apr1$x$y' }),
    secret('token', 'kubernetes.io/service-account-token', { token: 'abc' }),
    secret('site-tls', 'kubernetes.io/tls', { 'tls.crt': 'CERT', 'tls.key': 'KEY', extra: 'x' }),
    authIngress(true),
  );
  const config = new KubeConfig();
  config.loadFromFile(await api.kubeconfig());
  source = await watchApi(new KubeClient(config), store, { namespaces: [], configMap: null, annotationsPrefix: PREFIX }, createLogger('silent', 'json'));
});

after(async () => {
  await source?.close();
  await api?.stop();
});

test('once the initial lists are in, a Secret an Ingress names holds its data', () => {
  assert.deepEqual(Object.keys(stored('users') ?? {}), ['auth']);
});

test('a TLS Secret keeps its certificate keys; an unreferenced Secret keeps no data', () => {
  assert.deepEqual(Object.keys(stored('site-tls') ?? {}).sort(), ['tls.crt', 'tls.key']);
  assert.equal(stored('token'), undefined);
  assert.ok(store.snapshot().secrets.some((s) => s.metadata?.name === 'token'), 'still known, as metadata');
});

test('the data goes when the reference goes, and comes back with it', async () => {
  await apply(api.url, authIngress(false));
  await eventually('users data dropped', () => stored('users') === undefined);
  await apply(api.url, authIngress(true));
  await eventually('users data back', () => stored('users')?.auth !== undefined);
});
