// Time and memory of each controller stage (parse → store → model → render) at the scale bench's sizes, in
// one process, without OpenResty: `npx tsx bench/stages.ts [N …]` (default 1000 5000 10000). Heap figures
// are after a full GC when node runs with --expose-gc (`node --expose-gc --import tsx bench/stages.ts`).
import { OPTIONS } from '../controller/model/testdata/fixtures.js';
import { buildModel } from '../controller/model/build.js';
import { render } from '../controller/render/render.js';
import { parseManifests } from '../controller/sources/parse.js';
import { Store } from '../controller/store/store.js';
import type { KubeObject } from '../controller/store/types.js';
import { RENDER_ONLY } from '../test/helpers/render-world.js';
import { scaleManifests } from './scale.js';

const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

function memory(): { heapMb: number; rssMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMb: mb(heapUsed), rssMb: mb(rss) };
}

/** Runs one stage, printing its wall and CPU time and the memory held afterwards. */
function stage<T>(count: number, name: string, run: () => T): T {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = run();
  const ms = Math.round(performance.now() - start);
  // CPU time holds on a busy machine, where wall time mostly measures waiting for a CPU.
  const { user, system } = process.cpuUsage(cpuStart);
  process.stdout.write(`${JSON.stringify({ ingresses: count, stage: name, ms, cpuMs: Math.round((user + system) / 1000), ...memory() })}\n`);
  return result;
}

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1000, 5000, 10_000];
for (const count of sizes) {
  const files = scaleManifests(count);
  memory();
  const parsed = stage(count, 'parse', () => new Map([...files].map(([name, text]): [string, KubeObject[]] => [name, parseManifests(text, name).objects])));
  files.clear();
  const store = new Store();
  stage(count, 'store', () => store.replaceMany(parsed));
  parsed.clear();
  const { model } = stage(count, 'model', () => buildModel(store.snapshot(), OPTIONS));
  const text = stage(count, 'render', () => render(model, RENDER_ONLY).text);
  process.stdout.write(`${JSON.stringify({ ingresses: count, confMb: mb(text.length) })}\n`);
}
