// `npx tsx bench/cpu-per-request.ts`: CPU time the proxy's worker spends per request, static nginx upstream vs
// Portico, on the data-plane benchmark's setup (bench/dataplane.ts). Unlike req/s, a worker's own CPU time
// hardly moves when other processes load the machine, so Lua changes can be compared on a busy one.
// CPU_ROUNDS (default 5) runs of CPU_SECONDS (default 5) each, alternating; medians are printed.
import { startDataplaneTargets } from './dataplane.js';
import { cpuSeconds, median, runWrk } from './system.js';

const rounds = Number(process.env.CPU_ROUNDS ?? 5);
const seconds = Number(process.env.CPU_SECONDS ?? 5);
const CONNECTIONS = 64;

/** Microseconds of worker CPU per request over one wrk run. */
async function measure(url: string, host: string, workers: number[], cpu: number | null): Promise<number> {
  const cpuBefore = await Promise.all(workers.map(cpuSeconds));
  const { requests } = await runWrk(url, { host, seconds, connections: CONNECTIONS, cpu });
  const cpuAfter = await Promise.all(workers.map(cpuSeconds));
  const used = cpuAfter.reduce((sum, value, i) => sum + value - (cpuBefore[i] ?? 0), 0);
  return (used * 1e6) / requests;
}

const setup = await startDataplaneTargets();
try {
  const workers = await setup.workers();
  const run = (which: 'static' | 'portico') => measure(setup.urls[which], setup.host, workers[which], setup.cpu.load);
  // Warm up (connections, JIT, the first balancer build) before anything counts.
  await runWrk(setup.urls.static, { host: setup.host, seconds: 1, connections: CONNECTIONS, cpu: setup.cpu.load });
  await runWrk(setup.urls.portico, { host: setup.host, seconds: 1, connections: CONNECTIONS, cpu: setup.cpu.load });
  const results = { static: [] as number[], portico: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['static', 'portico'] as const) : (['portico', 'static'] as const);
    for (const which of order) results[which].push(await run(which));
  }
  const staticUs = median(results.static);
  const porticoUs = median(results.portico);
  process.stdout.write(
    `${JSON.stringify({
      static_us_per_request: Number(staticUs.toFixed(2)),
      portico_us_per_request: Number(porticoUs.toFixed(2)),
      // What the req/s ratio comes to when the proxy's CPU is the bottleneck.
      cpu_bound_ratio: Number((staticUs / porticoUs).toFixed(3)),
      runs: results,
    })}\n`,
  );
} finally {
  await setup.stop();
}
