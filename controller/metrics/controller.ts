import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; reconcile passes and reloads range from a millisecond (nothing to do) to the 15 s load timeout. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The controller's own metrics, in one registry served on the status port next to the data-plane ones.
 * Stages receive this object and record what they did; nothing here reads state back.
 */
export class ControllerMetrics {
  readonly registry = new Registry();

  readonly reloads = this.counter('portico_reloads_total', 'Configuration reloads attempted (nginx -t, swap, reload).');
  readonly reloadFailures = this.counter(
    'portico_reload_failures_total',
    'Reloads that failed: rejected by nginx -t or not served in time; the previous configuration kept serving.',
  );
  readonly lastReloadSuccess = this.gauge('portico_last_reload_success_timestamp_seconds', 'Unix time of the last successful reload.');
  readonly configuration = this.gauge('portico_configuration_info', 'Always 1; the hash label names the configuration OpenResty serves.', ['hash']);
  readonly syncDuration = this.histogram('portico_sync_duration_seconds', 'Duration of one reconcile pass: model, render and apply.');
  readonly renderDuration = this.histogram('portico_render_duration_seconds', 'Duration of rendering nginx.conf.');
  readonly reloadDuration = this.histogram('portico_reload_duration_seconds', 'Duration of a reload, from nginx -t until the new configuration is served.');
  readonly backendUpdates = this.counter('portico_backend_updates_total', 'Endpoint-only changes pushed to the Lua balancer without a reload.');
  readonly sourceEvents = this.counter(
    'portico_source_events_total',
    'Changes received from a source (manifest files, API informers), by source, kind and event.',
    ['source', 'kind', 'event'],
  );
  readonly leader = this.gauge('portico_leader', '1 while this instance holds the leader lease and writes Ingress status, else 0.');

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'portico_controller_' });
    this.leader.set(0);
  }

  /** A reload took effect: names the configuration now served. */
  reloaded(hash: string): void {
    this.lastReloadSuccess.setToCurrentTime();
    this.configuration.reset();
    this.configuration.set({ hash }, 1);
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string): Histogram {
    return new Histogram({ name, help, buckets: DURATION_BUCKETS, registers: [this.registry] });
  }
}
