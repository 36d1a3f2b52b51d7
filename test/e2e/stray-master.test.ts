// Child mode after a crash: the OpenResty child runs in its own process group and outlives a SIGKILLed controller;
// the next controller on that work dir drains the stray master and supervises a master of its own.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a controller in child mode replaces the master a crashed controller left running', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'portico-stray-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  const port = await freePort();
  const backends: Backend[] = await startBackends(['127.0.8.1'], port);
  cleanups.push(async () => void (await Promise.all(backends.map((backend) => backend.stop()))));
  const ports = { http: await freePort(), https: await freePort() };
  const manifests = {
    'app.yaml': [
      ingressClass('portico'),
      ...service('app', ['127.0.8.1'], { ports: [{ port: 80, targetPort: port }] }),
      ingress('app', [{ host: 'app.example.com', paths: [{ path: '/', service: 'app' }] }]),
    ],
  };

  const crashed = await startPortico({ manifests, workDir, ports });
  const stray = await crashed.masterPid();
  crashed.child.kill('SIGKILL');
  await crashed.stop();
  assert.ok(alive(stray), 'the master outlived its controller');

  const next: Portico = await startPortico({ manifests, workDir, ports });
  cleanups.push(() => next.stop());
  await next.waitForLog('stray master drained', (record) => String(record.msg).includes('still runs in the work dir') && record.pid === stray);
  assert.notEqual(await next.masterPid(), stray);
  await eventually('stray master gone', () => !alive(stray));
  assert.equal((await get(next, { host: 'app.example.com' })).status, 200);
});
