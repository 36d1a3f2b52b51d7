/** Burst: many Ingress updates within a short window, and how many reloads they cost. */
import { freePort, eventually } from '../test/helpers/processes.js';
import { get, startPortico } from '../test/helpers/portico.js';
import { ingress, ingressClass, service } from '../test/helpers/manifests.js';
import { startFastBackends } from './nginx.js';

export interface BurstResult {
  changes: number;
  window_s: number;
  reloads: number;
}

const POD = '127.0.7.1';
const MIN_RELOAD_INTERVAL_S = 1; // the product's default

function burstIngress(i: number, path: string): object[] {
  return [ingress(`burst-${i}`, [{ host: `burst-${i}.example.com`, paths: [{ path, service: 'burst' }] }])];
}

export async function benchBurst(options: { changes: number }): Promise<BurstResult> {
  const port = await freePort();
  const backends = await startFastBackends([POD], port);
  // One file per Ingress, as a GitOps tool or kubectl apply of many objects would touch them.
  const manifests: Record<string, object[]> = {
    'class.yaml': [ingressClass('portico'), ...service('burst', [POD], { ports: [{ port: 80, targetPort: port }] })],
  };
  for (let i = 0; i < options.changes; i++) manifests[`burst-${i}.yaml`] = burstIngress(i, '/before');
  const portico = await startPortico({ manifests, args: ['--min-reload-interval', String(MIN_RELOAD_INTERVAL_S)] });
  try {
    const last = options.changes - 1;
    const reloadsBefore = portico.reloads();
    const started = performance.now();
    for (let i = 0; i < options.changes; i++) await portico.writeManifest(`burst-${i}.yaml`, burstIngress(i, '/after'));
    const windowS = (performance.now() - started) / 1000;
    await eventually('last update served', async () => (await get(portico, { host: `burst-${last}.example.com`, path: '/after' })).status === 200, 30_000);
    // The reload's log line comes after its traffic is live (the diff is computed first): wait for it.
    await eventually('the reload logged', () => portico.reloads() > reloadsBefore, 30_000);
    // Anything the rate limit still holds comes within one interval; count once none came for two.
    const lastReloadAt = (): number => Number(portico.logs.findLast((record) => record.msg === 'configuration reloaded')?.time ?? 0);
    await eventually('reloads to settle', () => Date.now() - lastReloadAt() > 2000 * MIN_RELOAD_INTERVAL_S, 30_000);
    return { changes: options.changes, window_s: Number(windowS.toFixed(2)), reloads: portico.reloads() - reloadsBefore };
  } finally {
    await portico.stop();
    await backends.stop();
  }
}
