// The sidecar layout: OpenResty runs from nginx/run (the OpenResty container's command) and the controller, with
// --nginx-mode sidecar, drives it through the shared work dir. Controllers come and go under load; the master and
// its traffic stay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, eventually, freePort, startBackends, stopProcess, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const MAX_LOAD_REQUESTS = 20_000;
const MAX_LOAD_MS = 60_000;

let workDir: string;
let openresty: ChildProcess;
let backends: Backend[] = [];
let manifests: Record<string, object[]>;
let ports: { http: number; https: number };

/** Requests on fresh connections until stopped (or a bound is reached); every answer that is not a 200 is kept. */
function load(host: string): { stop(): Promise<{ sent: number; failures: string[] }> } {
  let running = true;
  const failures: string[] = [];
  let sent = 0;
  const started = Date.now();
  const loop = (async () => {
    while (running && sent < MAX_LOAD_REQUESTS && Date.now() - started < MAX_LOAD_MS) {
      sent += 1;
      const answer = await get({ httpPort: ports.http, httpsPort: ports.https }, { host }).catch((err: Error) => ({ status: 0, body: err.message }));
      if (answer.status !== 200) failures.push(`${answer.status} ${answer.body.slice(0, 80)}`);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { sent, failures };
    },
  };
}

function startController(): Promise<Portico> {
  return startPortico({ manifests, workDir, ports, args: ['--nginx-mode', 'sidecar'] });
}

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'portico-sidecar-'));
  const port = await freePort();
  ports = { http: await freePort(), https: await freePort() };
  backends = await startBackends(['127.0.7.1', '127.0.7.2'], port);
  manifests = {
    'app.yaml': [
      ingressClass('portico'),
      ...service('app', ['127.0.7.1', '127.0.7.2'], { ports: [{ port: 80, targetPort: port }] }),
      ingress('app', [{ host: 'app.example.com', paths: [{ path: '/', service: 'app' }] }]),
    ],
  };
  openresty = spawn(join(REPO_ROOT, 'nginx/run'), [workDir, 'nginx'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

after(async () => {
  if (openresty) await stopProcess(openresty);
  await Promise.all(backends.map((backend) => backend.stop()));
  await rm(workDir, { recursive: true, force: true });
});

test('killing and restarting the controller under load drops no request; the new controller adopts the master', async () => {
  const first = await startController();
  assert.equal((await get(first, { host: 'app.example.com' })).status, 200);
  const master = await first.masterPid();
  assert.equal(master, openresty.pid, 'the master is the one nginx/run started, not a child of the controller');

  const traffic = load('app.example.com');
  await eventually('traffic flowing', async () => (await get(first, { host: 'app.example.com' })).status === 200);
  first.child.kill('SIGKILL');
  await first.stop();
  assert.equal((await get(first, { host: 'app.example.com' })).status, 200, 'OpenResty serves without a controller');

  const second = await startController();
  await second.waitForLog('adoption', (record) => record.msg === 'adopted the running OpenResty master' && record.pid === master);
  assert.equal(await second.masterPid(), master);
  // The same objects render the same configuration: the adopted master keeps it, no reload.
  assert.equal(second.reloads(), 0);

  // A graceful controller stop (an upgrade) leaves OpenResty serving too.
  await second.stop();
  const { sent, failures } = await traffic.stop();
  assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed`);
  assert.ok(sent > 20, `only ${sent} requests sent`);
  assert.equal(openresty.exitCode, null, 'OpenResty exited with its controller');
});

test('the adopting controller drives the master: a structural change reloads it, endpoint changes reach it', async () => {
  const controller = await startController();
  const master = await controller.masterPid();
  await controller.writeManifest('second.yaml', [ingress('second', [{ host: 'second.example.com', paths: [{ path: '/', service: 'app' }] }])]);
  await eventually('new host served after a reload', async () => (await get(controller, { host: 'second.example.com' })).status === 200);

  const port = backends[0]!.port;
  await controller.writeManifest('app.yaml', [
    ingressClass('portico'),
    ...service('app', ['127.0.7.2'], { ports: [{ port: 80, targetPort: port }] }),
    ingress('app', [{ host: 'app.example.com', paths: [{ path: '/', service: 'app' }] }]),
  ]);
  await eventually('only the remaining endpoint serves', async () => {
    const pods = new Set<string>();
    for (let i = 0; i < 6; i++) pods.add((await get(controller, { host: 'app.example.com' })).json?.pod ?? 'none');
    return pods.size === 1 && pods.has(`127.0.7.2:${port}`);
  });
  assert.equal(await controller.masterPid(), master);
  await controller.stop();
});
