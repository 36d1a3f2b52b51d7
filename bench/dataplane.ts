/** Data plane: the same backends behind a static nginx upstream and behind Portico, wrk against each in turn. */
import { freePort } from '../test/helpers/processes.js';
import { startPortico, type Portico } from '../test/helpers/portico.js';
import { ingress, ingressClass, service } from '../test/helpers/manifests.js';
import { startFastBackends, startStaticProxy } from './nginx.js';
import { childPids, cpuPlan, cpuSeconds, median, pin, runWrk, type WrkResult } from './system.js';

type Target = 'static' | 'portico';
/** One wrk run, with the CPU time the proxy's worker spent per request (µs). */
type Measured = WrkResult & { cpuUs: number };

export interface DataplaneResult {
  static_rps: number;
  portico_rps: number;
  ratio: number;
  static_p99_ms: number;
  portico_p99_ms: number;
  /**
   * The proxy worker's own CPU time (user + system) per request, and static ÷ Portico: the req/s ratio a
   * proxy-bound run would show. The req/s ratio hides it when wrk and the backends saturate their CPU first.
   */
  static_cpu_us_per_request: number;
  portico_cpu_us_per_request: number;
  cpu_ratio: number;
  errors: number;
  rounds: number;
  seconds: number;
  connections: number;
}

export const PODS = ['127.0.5.1', '127.0.5.2', '127.0.5.3'];
export const HOST = 'bench.example.com';
const CONNECTIONS = 64;

/** One Ingress to a Service on the backends, and no access log (the static proxy writes none either). */
export function dataplaneManifests(backendPort: number): Record<string, object[]> {
  return {
    'bench.yaml': [
      ingressClass('portico'),
      ...service('bench', PODS, { ports: [{ port: 80, targetPort: backendPort }] }),
      ingress('bench', [{ host: HOST, paths: [{ path: '/', service: 'bench' }] }]),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'portico-controller', namespace: 'default' }, data: { 'access-log-path': 'off' } },
    ],
  };
}

async function pinPortico(portico: Portico, cpu: number | null): Promise<void> {
  const master = await portico.masterPid();
  await pin([portico.child.pid ?? 0, master, ...(await childPids(master))], cpu);
}

/** The backends, the static-upstream proxy and Portico in front of them, pinned. */
interface DataplaneTargets {
  urls: { static: string; portico: string };
  host: string;
  cpu: { proxy: number | null; load: number | null };
  /** The worker processes serving each target (one each: both run one worker). */
  workers(): Promise<{ static: number[]; portico: number[] }>;
  stop(): Promise<void>;
}

async function startDataplaneTargets(): Promise<DataplaneTargets> {
  const cpu = cpuPlan();
  const backendPort = await freePort();
  const staticPort = await freePort();
  const backends = await startFastBackends(PODS, backendPort);
  const staticProxy = await startStaticProxy({ address: '127.0.0.1', port: staticPort }, PODS, backendPort);
  const portico = await startPortico({ manifests: dataplaneManifests(backendPort), args: ['--worker-processes', '1', '--log-level', 'info'] });
  const stop = async (): Promise<void> => {
    await portico.stop();
    await staticProxy.stop();
    await backends.stop();
  };
  try {
    await pin([backends.child.pid ?? 0], cpu.load);
    await pin([staticProxy.child.pid ?? 0], cpu.proxy);
    await pinPortico(portico, cpu.proxy);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls: { static: `http://127.0.0.1:${staticPort}/`, portico: `http://127.0.0.1:${portico.httpPort}/` },
    host: HOST,
    cpu,
    workers: async () => ({ static: await childPids(staticProxy.child.pid ?? 0), portico: await childPids(await portico.masterPid()) }),
    stop,
  };
}

export async function benchDataplane(options: { rounds: number; seconds: number }): Promise<DataplaneResult> {
  const setup = await startDataplaneTargets();
  const { urls: targets, cpu } = setup;
  try {
    const workers = await setup.workers();
    const run = async (which: Target, seconds: number): Promise<Measured> => {
      const before = await Promise.all(workers[which].map(cpuSeconds));
      const result = await runWrk(targets[which], { host: HOST, seconds, connections: CONNECTIONS, cpu: cpu.load });
      const after = await Promise.all(workers[which].map(cpuSeconds));
      const used = after.reduce((sum, value, i) => sum + value - (before[i] ?? 0), 0);
      return { ...result, cpuUs: (used * 1e6) / result.requests };
    };
    // Warm both up (connections, JIT, first balancer build) before anything is counted.
    await run('static', 1);
    await run('portico', 1);
    const results = { static: [] as Measured[], portico: [] as Measured[] };
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which goes first, so neither always runs on a warmer or cooler machine.
      const order = round % 2 === 0 ? (['static', 'portico'] as const) : (['portico', 'static'] as const);
      for (const which of order) results[which].push(await run(which, options.seconds));
    }
    const staticRps = median(results.static.map((r) => r.rps));
    const porticoRps = median(results.portico.map((r) => r.rps));
    const staticCpu = median(results.static.map((r) => r.cpuUs));
    const porticoCpu = median(results.portico.map((r) => r.cpuUs));
    return {
      static_rps: Math.round(staticRps),
      portico_rps: Math.round(porticoRps),
      ratio: Number((porticoRps / staticRps).toFixed(3)),
      static_p99_ms: Number(median(results.static.map((r) => r.p99Ms)).toFixed(2)),
      portico_p99_ms: Number(median(results.portico.map((r) => r.p99Ms)).toFixed(2)),
      static_cpu_us_per_request: Number(staticCpu.toFixed(2)),
      portico_cpu_us_per_request: Number(porticoCpu.toFixed(2)),
      cpu_ratio: Number((staticCpu / porticoCpu).toFixed(3)),
      errors: [...results.static, ...results.portico].reduce((sum, r) => sum + r.errors, 0),
      rounds: options.rounds,
      seconds: options.seconds,
      connections: CONNECTIONS,
    };
  } finally {
    await setup.stop();
  }
}
