// enable-access-log through real OpenResty: requests to an Ingress that turns it off leave no access log line,
// while the other Ingresses' requests are logged to the ConfigMap's access-log-path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const POD = '127.0.73.1';
let portico: Portico;
let backends: Backend[] = [];
let logDir: string;

before(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'portico-logs-'));
  const port = await freePort();
  backends = await startBackends([POD], port);
  portico = await startPortico({
    manifests: {
      'all.yaml': [
        ingressClass('portico'),
        ...service('app', [POD], { ports: [{ port: 80, targetPort: port }] }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'portico-controller', namespace: 'default' }, data: { 'access-log-path': join(logDir, 'access.log') } },
        ingress('loud', [{ host: 'loud.example.com', paths: [{ path: '/', service: 'app' }] }]),
        ingress('quiet', [{ host: 'quiet.example.com', paths: [{ path: '/', service: 'app' }] }], {
          annotations: { 'nginx.ingress.kubernetes.io/enable-access-log': 'false' },
        }),
      ],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
  await rm(logDir, { recursive: true, force: true });
});

test('enable-access-log: false leaves its requests out of the access log; others are logged', async () => {
  assert.equal((await get(portico, { host: 'quiet.example.com', path: '/quiet-marker' })).status, 200);
  assert.equal((await get(portico, { host: 'loud.example.com', path: '/loud-marker' })).status, 200);
  // nginx writes a line when the request ends; the quiet request ended before the loud one was even sent.
  const log = await eventually('the loud request logged', async () => {
    const text = await readFile(join(logDir, 'access.log'), 'utf8').catch(() => '');
    return text.includes('/loud-marker') ? text : null;
  });
  assert.doesNotMatch(log, /quiet-marker/);
});
