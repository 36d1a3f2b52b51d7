import { Applier, type Rendered } from '../apply/applier.js';
import type { Backend, Model } from '../model/types.js';
import type { ControllerMetrics } from './controller.js';

/** The Applier, recording each reload (count, failures, duration, hash served) and each backends-only push. */
export class MeasuredApplier extends Applier {
  constructor(
    private readonly metrics: ControllerMetrics,
    ...args: ConstructorParameters<typeof Applier>
  ) {
    super(...args);
  }

  override async applyConfiguration(model: Model, rendered: Rendered): Promise<void> {
    this.metrics.reloads.inc();
    const endReload = this.metrics.reloadDuration.startTimer();
    try {
      await super.applyConfiguration(model, rendered);
    } catch (err) {
      this.metrics.reloadFailures.inc();
      throw err;
    }
    endReload();
    this.metrics.reloaded(rendered.hash);
  }

  override async syncBackends(backends: readonly Backend[]): Promise<boolean> {
    const sent = await super.syncBackends(backends);
    if (sent) this.metrics.backendUpdates.inc();
    return sent;
  }
}
