/**
 * Balancing strategies side by side: one Portico, one host per strategy over the same fast backends, wrk
 * against each in turn. `npx tsx bench/strategies.ts` prints per host the requests per second, p99, and the
 * nginx worker's CPU time per request: unlike throughput, that last one holds on a busy machine. The
 * round-robin row is the baseline the others (and later changes) are read against.
 */
import { readFile } from 'node:fs/promises';
import { freePort } from '../test/helpers/processes.js';
import { startPortico } from '../test/helpers/portico.js';
import { ingress, ingressClass, service } from '../test/helpers/manifests.js';
import { startFastBackends } from './nginx.js';
import { childPids, cpuPlan, median, pin, runWrk, type WrkResult } from './system.js';

const PODS = ['127.0.6.1', '127.0.6.2', '127.0.6.3'];
const LANE_PODS = ['127.0.6.4', '127.0.6.5'];
const PREFIX = 'nginx.ingress.kubernetes.io';
const CONNECTIONS = 64;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);

/** Host (and Service) → annotations of its Ingress: each host has its own Service, so its own balancing. */
const HOSTS: Record<string, Record<string, string>> = {
  'round-robin': {},
  ewma: { 'load-balance': 'ewma' },
  chash: { 'upstream-hash-by': '$request_uri' },
  // wrk sends no cookie: every request is a new session, the affinity worst case.
  sticky: { affinity: 'cookie' },
  // Two lanes selected by a header wrk does not send: every request reads it, then draws the weight.
  lanes: {},
};

/** CPU time a process has used, in ms (utime + stime from /proc, at the usual 100 ticks per second). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const prefixed = (annotations: Record<string, string>) => Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`${PREFIX}/${key}`, value]));

function manifests(port: number): object[] {
  const ports = { ports: [{ port: 80, targetPort: port }] };
  const canary = (name: string, value: string, weight: string) =>
    ingress(name, [{ host: 'lanes', paths: [{ path: '/', service: name }] }], {
      annotations: prefixed({ canary: 'true', 'canary-by-header': 'X-Lane', 'canary-by-header-value': value, 'canary-weight': weight }),
    });
  return [
    ingressClass('portico'),
    ...Object.keys(HOSTS).flatMap((host) => service(host, PODS, ports)),
    ...Object.entries(HOSTS).map(([host, annotations]) =>
      ingress(host, [{ host, paths: [{ path: '/', service: host }] }], { annotations: prefixed(annotations) }),
    ),
    ...service('lane-a', [LANE_PODS[0]!], ports),
    ...service('lane-b', [LANE_PODS[1]!], ports),
    canary('lane-a', 'a', '5'),
    canary('lane-b', 'b', '5'),
  ];
}

const cpu = cpuPlan();
const port = await freePort();
const backends = await startFastBackends([...PODS, ...LANE_PODS], port);
const portico = await startPortico({ manifests: { 'bench.yaml': manifests(port) }, args: ['--worker-processes', '1', '--log-level', 'info'] });
try {
  await pin([backends.child.pid ?? 0], cpu.load);
  const master = await portico.masterPid();
  const [worker = 0] = await childPids(master);
  await pin([portico.child.pid ?? 0, master, worker], cpu.proxy);
  const run = async (host: string, duration: number): Promise<WrkResult & { cpuUs: number }> => {
    const before = await cpuMs(worker);
    const result = await runWrk(`http://127.0.0.1:${portico.httpPort}/`, { host, seconds: duration, connections: CONNECTIONS, cpu: cpu.load });
    return { ...result, cpuUs: ((await cpuMs(worker)) - before) * 1000 / (result.rps * duration) };
  };
  for (const host of Object.keys(HOSTS)) await run(host, 1);
  const results = new Map<string, Array<WrkResult & { cpuUs: number }>>(Object.keys(HOSTS).map((host) => [host, []]));
  for (let round = 0; round < rounds; round++) {
    for (const host of Object.keys(HOSTS)) results.get(host)?.push(await run(host, seconds));
  }
  process.stdout.write(`| strategy | req/s | p99 ms | worker CPU µs/request | errors |\n| --- | --- | --- | --- | --- |\n`);
  for (const [host, runs] of results) {
    const errors = runs.reduce((sum, r) => sum + r.errors, 0);
    const columns = [Math.round(median(runs.map((r) => r.rps))), median(runs.map((r) => r.p99Ms)).toFixed(2), median(runs.map((r) => r.cpuUs)).toFixed(1), errors];
    process.stdout.write(`| ${host} | ${columns.join(' | ')} |\n`);
  }
} finally {
  await portico.stop();
  await backends.stop();
}
