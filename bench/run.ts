// `make bench`: data plane, endpoint propagation (manifests and API source), scale and burst in one run; prints a table and writes
// bench/results/latest.json. BENCH_QUICK=1 runs the short variant (fewer rounds, 1k Ingresses only).
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchBurst } from './burst.js';
import { benchDataplane } from './dataplane.js';
import { benchPropagation } from './propagation.js';
import { machine, table, type Results } from './report.js';
import { benchScale, type ScaleResult } from './scale.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const plan = quick
  ? { rounds: 3, seconds: 5, changes: 100, scale: [1000] }
  : { rounds: 5, seconds: 10, changes: 300, scale: [1000, 5000, 10_000] };

function step(name: string): void {
  process.stderr.write(`bench: ${name}…\n`);
}

step('data plane');
const dataplane = await benchDataplane(plan);
step('endpoint propagation');
const propagation = await benchPropagation(plan);
step('endpoint propagation through the API source');
const propagationApi = await benchPropagation(plan, 'api');
const scale: ScaleResult[] = [];
for (const count of plan.scale) {
  step(`scale ${count}`);
  scale.push(await benchScale(count));
}
step('burst');
const burst = await benchBurst({ changes: 500 });

const results: Results = { dataplane, propagation, propagation_api: propagationApi, scale, burst, machine: await machine(quick) };
await mkdir(RESULTS_DIR, { recursive: true });
await writeFile(`${RESULTS_DIR}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
const { cpus, node, nginx, cpu_model: model } = results.machine;
process.stdout.write(`${table(results)}\n\n${cpus} CPUs (${model}), Node ${node}, ${nginx}${quick ? ', quick variant' : ''}\n`);
