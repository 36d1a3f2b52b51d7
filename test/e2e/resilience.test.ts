// Resilience under steady load through Portico: reloads in a row, graceful endpoint removal, a killed
// worker, a configuration nginx -t rejects, a killed OpenResty master. Every request is counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { startLoad, type LoadStats } from '../helpers/load.js';

const PODS = ['127.0.8.1', '127.0.8.2', '127.0.8.3'];
const HOST = 'res.example.com';
const SOLO_HOST = 'solo.example.com';
const CONNECTIONS = 4;
let port: number;
let portico: Portico;
let backends: Backend[] = [];
let templateDir: string;
let templateFile: string;

/** `app` spreads over the given pods; `solo` has only the last pod, so a slow request can be aimed at it. */
function services(pods: string[], terminating: string[] = []): object[] {
  const ports = [{ port: 80, targetPort: port }];
  return [
    ...service('app', pods, { ports, terminating }),
    ...service('solo', [PODS[2] ?? ''].filter((pod) => pods.includes(pod)), { ports, terminating }),
  ];
}

function startSteadyLoad(): ReturnType<typeof startLoad> {
  return startLoad({ port: portico.httpPort, host: HOST, connections: CONNECTIONS, maxSeconds: 90 });
}

function assertClean(stats: LoadStats): void {
  assert.deepEqual(stats.errors, [], 'connection errors under load');
  assert.deepEqual(stats.non2xx, {}, 'non-2xx answers under load');
}

/** Index past the last log record, to find records logged after this point. */
function logMark(): number {
  return portico.logs.length;
}

before(async () => {
  port = await freePort();
  backends = await startBackends(PODS, port);
  templateDir = await mkdtemp(join(tmpdir(), 'portico-template-'));
  templateFile = join(templateDir, 'nginx.conf.hbs');
  await copyFile(join(REPO_ROOT, 'templates/nginx.conf.hbs'), templateFile);
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'app.yaml': services(PODS),
      'ingress.yaml': [
        ingress('app', [{ host: HOST, paths: [{ path: '/', service: 'app' }] }]),
        ingress('solo', [{ host: SOLO_HOST, paths: [{ path: '/', service: 'solo' }] }]),
      ],
    },
    args: ['--worker-processes', '2', '--template', templateFile],
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
  await rm(templateDir, { recursive: true, force: true });
});

test('30 reloads in a row under load: no non-2xx, no connection error', async (t) => {
  const load = startSteadyLoad();
  await load.answered(50);
  const reloads = portico.reloads();
  for (let i = 1; i <= 30; i++) {
    await portico.writeManifest('extra.yaml', [ingress('extra', [{ host: `extra-${i}.example.com`, paths: [{ path: '/', service: 'app' }] }])]);
    await eventually(`reload ${i}`, () => portico.reloads() >= reloads + i, 10_000);
    await load.answered(20);
  }
  const stats = await load.stop();
  assert.equal(portico.reloads() - reloads, 30);
  t.diagnostic(`${stats.ok} answers, ${stats.retried} retried on a new connection after an old worker closed a keepalive one`);
  assertClean(stats);
  assert.ok(stats.ok >= 600);
});

test('a pod going terminating gets no new request, and its request in flight completes', async () => {
  const terminating = PODS[2] ?? '';
  const load = startSteadyLoad();
  await load.answered(50);
  assert.ok(load.stats.answers.some((answer) => answer.pod.startsWith(`${terminating}:`)), 'the pod served before');
  const inFlight = get(portico, { host: SOLO_HOST, headers: { 'x-echo-delay-ms': '1500' } });

  const mark = logMark();
  await portico.writeManifest('app.yaml', services(PODS, [terminating]));
  const pushed = await eventually('push without reload', () =>
    portico.logs.slice(mark).find((record) => record.msg === 'backends updated without reload'));
  await load.answered(300);

  const slow = await inFlight;
  assert.equal(slow.status, 200, 'the request in flight on the terminating pod completed');
  assert.equal(slow.headers['x-pod'], `${terminating}:${port}`);
  const stats = await load.stop();
  const late = stats.answers.filter((answer) => answer.sentAt > Number(pushed.time) && answer.pod.startsWith(`${terminating}:`));
  assert.deepEqual(late, [], 'requests sent after the push reached the terminating pod');
  assertClean(stats);

  // The pod leaves the EndpointSlice and exits, as after its grace period.
  // Its endpoints are those already pushed (terminating ones get no traffic), so nothing is pushed again.
  await portico.writeManifest('app.yaml', services(PODS.slice(0, 2)));
  await backends[2]?.stop();
});

test('a worker killed with SIGKILL is replaced; only requests on that worker may fail', async () => {
  const load = startSteadyLoad();
  await load.answered(50);
  const workers = await portico.workerPids();
  assert.equal(workers.length, 2);
  const killed = workers[0] ?? 0;
  process.kill(killed, 'SIGKILL');
  await eventually('worker replaced', async () => {
    const now = await portico.workerPids();
    return now.length === workers.length && !now.includes(killed);
  });
  await load.answered(300);
  const stats = await load.stop();
  const failed = stats.errors.length + stats.retried + Object.values(stats.non2xx).reduce((sum, n) => sum + n, 0);
  // At most the requests the killed worker was handling: one per load connection.
  assert.ok(failed <= CONNECTIONS, `${failed} requests failed: ${JSON.stringify({ errors: stats.errors, retried: stats.retried, non2xx: stats.non2xx })}`);
});

async function reloadFailures(): Promise<number> {
  const text = (await get(portico, { path: '/metrics', port: portico.statusPort })).body;
  return Number(/^portico_reload_failures_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
}

test('a configuration that fails nginx -t is never loaded; the old one keeps serving', async () => {
  const load = startSteadyLoad();
  await load.answered(50);
  const workers = await portico.workerPids();
  const served = await readFile(join(portico.workDir, 'nginx.conf'), 'utf8');
  const failures = await reloadFailures();
  const original = await readFile(templateFile, 'utf8');

  const mark = logMark();
  // Renders fine, but nginx knows no such directive.
  await writeFile(templateFile, `${original}\nportico_no_such_directive on;\n`);
  const rejected = await eventually('rejection logged', () =>
    portico.logs.slice(mark).find((record) => record.msg.includes('rejected by nginx -t')));
  assert.match(JSON.stringify(rejected), /portico_no_such_directive/);
  await eventually('failure counted in /metrics', async () => (await reloadFailures()) === failures + 1);
  await load.answered(200);

  const stats = await load.stop();
  assertClean(stats);
  assert.deepEqual(await portico.workerPids(), workers, 'workers were replaced: something was reloaded');
  assert.equal(await readFile(join(portico.workDir, 'nginx.conf'), 'utf8'), served);
  await writeFile(templateFile, original);
});

test('a killed OpenResty master is restarted with the last good configuration within 2 s', async () => {
  const served = await readFile(join(portico.workDir, 'nginx.conf'), 'utf8');
  const master = await portico.masterPid();
  const killedAt = Date.now();
  process.kill(master, 'SIGKILL');
  await eventually('traffic through a new master', async () =>
    (await portico.masterPid()) !== master && (await get(portico, { host: HOST })).status === 200, 5000);
  const restartMs = Date.now() - killedAt;
  assert.ok(restartMs <= 2000, `traffic came back after ${restartMs} ms`);
  assert.equal(await readFile(join(portico.workDir, 'nginx.conf'), 'utf8'), served);

  const load = startSteadyLoad();
  await load.answered(200);
  assertClean(await load.stop());
});
