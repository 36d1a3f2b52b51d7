import type { Applier } from '../apply/applier.js';
import type { ControllerMetrics } from './controller.js';
import { scrapeDataPlane } from './dataplane.js';
import type { StatusChecks } from './server.js';

/** What the status port asks of the running controller. */
export function statusChecks(applier: Applier, nginx: { readonly running: boolean }, metrics: ControllerMetrics): StatusChecks {
  return {
    // Before the first configuration there is no master to check (in the sidecar layout it waits for that file).
    alive: () => !applier.ready || nginx.running,
    ready: () => applier.ready,
    metrics: async () => {
      const [controller, dataPlane] = await Promise.all([metrics.registry.metrics(), scrapeDataPlane(applier.socketPath)]);
      return { contentType: metrics.registry.contentType, text: controller + dataPlane };
    },
  };
}
