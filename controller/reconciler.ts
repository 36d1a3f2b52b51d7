import { setTimeout as delay } from 'node:timers/promises';
import type { V1Ingress } from '@kubernetes/client-node';
import type { Logger } from './log.js';
import type { Store } from './store/store.js';
import type { Snapshot } from './store/types.js';
import type { Model, ModelOptions, Problem } from './model/types.js';
import { buildModel } from './model/build.js';
import { selectIngresses } from './model/classes.js';
import { needsReload } from './model/reload.js';
import type { Applier, Rendered } from './apply/applier.js';
import type { ControllerMetrics } from './metrics/controller.js';

export interface ReconcilerOptions {
  store: Store;
  modelOptions: ModelOptions;
  render: (model: Model) => Rendered;
  applier: Applier;
  log: Logger;
  /**
   * Quiet time that coalesces store changes arriving together into one reconcile. Short: it delays every
   * endpoint change, structural changes have settleMs, and a pass already running folds in whatever
   * arrives meanwhile.
   */
  debounceMs?: number;
  /**
   * Quiet time a structural change waits for, so that changes arriving close together (a directory of
   * files written at once, a `kubectl apply` of many objects) make one reload; bounded by MAX_SETTLE_MS.
   */
  settleMs?: number;
  /** At most one reload per this interval; changes arriving meanwhile are folded into the next one. */
  minReloadIntervalMs?: number;
  /** Told about the problems of each reconcile that differ from the previous one's (for Events). */
  onProblems?: (problems: readonly Problem[]) => void;
  /** Told after each pass whose snapshot OpenResty now serves (for Ingress status and Sync Events). */
  onApplied?: (applied: AppliedSnapshot) => void;
  /** Where pass and render durations are recorded. */
  metrics?: ControllerMetrics;
}

/** A snapshot OpenResty now serves, and the Ingresses of it that are ours (oldest first). */
export interface AppliedSnapshot {
  snapshot: Snapshot;
  ingresses: readonly V1Ingress[];
}

const RETRY_BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10_000];
/** A steady stream of changes postpones a reload by at most this long after its first change. */
const MAX_SETTLE_MS = 1000;

function problemKey(problem: Problem): string {
  return `${problem.object.kind}/${problem.object.namespace}/${problem.object.name}: ${problem.reason}`;
}

/**
 * Level-triggered reconcile: a change only marks the world dirty; each pass reads a whole store snapshot,
 * builds the model and applies the difference to OpenResty (reload, or a backends push, or nothing).
 */
export class Reconciler {
  private dirty = false;
  private forceRender = false;
  private running: Promise<void> | null = null;
  private lastReloadAt = 0;
  private lastChangeAt = 0;
  private failures = 0;
  /** When the oldest change not yet applied was seen (logged with its push, to measure propagation). */
  private pendingSince: number | null = null;
  /** Hash of a rendered configuration nginx -t rejected: not retried until the model changes. */
  private rejectedHash: string | null = null;
  private reportedProblems = new Set<string>();
  private readonly options: Required<Omit<ReconcilerOptions, 'onProblems' | 'onApplied' | 'metrics'>> & Pick<ReconcilerOptions, 'onProblems' | 'onApplied' | 'metrics'>;

  constructor(options: ReconcilerOptions) {
    this.options = { debounceMs: 5, settleMs: 250, minReloadIntervalMs: 1000, ...options };
  }

  /** Something changed (store, template, files): reconcile soon. */
  trigger(options: { render?: boolean } = {}): void {
    this.dirty = true;
    this.lastChangeAt = Date.now();
    this.pendingSince ??= this.lastChangeAt;
    if (options.render) this.forceRender = true;
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once no reconcile is pending or running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      await delay(this.options.debounceMs);
      this.dirty = false;
      const seenAt = this.pendingSince ?? Date.now();
      this.pendingSince = null;
      const endPass = this.options.metrics?.syncDuration.startTimer();
      try {
        await this.reconcile(seenAt);
        endPass?.();
        this.failures = 0;
      } catch (err) {
        const wait = RETRY_BACKOFF_MS[Math.min(this.failures, RETRY_BACKOFF_MS.length - 1)] ?? 10_000;
        this.failures += 1;
        this.options.log.error({ err, retryInMs: wait }, 'reconcile failed; the last good configuration keeps serving');
        await delay(wait);
        this.dirty = true;
        this.pendingSince = seenAt;
      }
    }
  }

  private async reconcile(seenAt: number): Promise<void> {
    const { store, modelOptions, applier, log } = this.options;
    const snapshot = store.snapshot();
    const { model, problems } = buildModel(snapshot, modelOptions);
    this.report(problems);
    const applied = (): void => this.options.onApplied?.({ snapshot, ingresses: selectIngresses(snapshot, modelOptions) });
    if (this.forceRender || needsReload(applier.appliedModel, model)) {
      const settled = Math.min(this.lastChangeAt + this.options.settleMs, seenAt + MAX_SETTLE_MS);
      const wait = Math.max(settled, this.lastReloadAt + this.options.minReloadIntervalMs) - Date.now();
      // Before anything is served there is no reload to save: the first configuration goes out at once (its
      // sources announce their initial state as one change), rather than build the model again after the wait.
      if (wait > 0 && applier.appliedModel) {
        // Endpoint changes do not wait for the reload: what the loaded configuration serves is updated now.
        if (applier.appliedModel) await applier.syncBackends(model.backends);
        // Let the burst finish and respect the rate limit, then reconcile the latest state in one reload.
        await delay(wait);
        this.dirty = true;
        this.pendingSince = seenAt;
        return;
      }
      const renderStart = performance.now();
      const rendered = this.renderOrReport(model);
      if (!rendered) return;
      const renderMs = performance.now() - renderStart;
      this.options.metrics?.renderDuration.observe(renderMs / 1000);
      log.debug({ renderMs: Math.round(renderMs), bytes: rendered.text.length }, 'configuration rendered');
      if (rendered.hash === applier.appliedHash || rendered.hash === this.rejectedHash) {
        this.forceRender = false;
        // The model changed in nothing OpenResty loads: later passes compare with this one.
        if (rendered.hash === applier.appliedHash) applier.rendersServed(model);
        // Before a first configuration is loaded (the first one was rejected) there is nothing to push to.
        if (applier.appliedModel) await applier.syncBackends(model.backends);
        if (rendered.hash === applier.appliedHash) applied();
        return;
      }
      this.forceRender = false;
      this.lastReloadAt = Date.now();
      try {
        await applier.applyConfiguration(model, rendered);
        this.rejectedHash = null;
        applied();
      } catch (err) {
        if ((err as { code?: string }).code === 'CONFIG_INVALID') {
          this.rejectedHash = rendered.hash;
          log.error({ err, hash: rendered.hash }, 'new configuration rejected by nginx -t; the last good one keeps serving');
          return;
        }
        throw err;
      }
    } else {
      if (await applier.syncBackends(model.backends)) {
        log.debug({ backends: model.backends.length, changeSeenAt: seenAt, sinceChangeMs: Date.now() - seenAt }, 'backends updated without reload');
      }
      applied();
    }
  }

  /** A template that cannot render this model is reported once, like a configuration nginx -t rejects. */
  private renderOrReport(model: Model): Rendered | null {
    try {
      return this.options.render(model);
    } catch (err) {
      if ((err as { code?: string }).code !== 'TEMPLATE') throw err;
      this.forceRender = false;
      this.options.log.error({ err }, 'configuration could not be rendered; the last good one keeps serving');
      return null;
    }
  }

  private report(problems: readonly Problem[]): void {
    const keys = new Set(problems.map(problemKey));
    const fresh = problems.filter((problem) => !this.reportedProblems.has(problemKey(problem)));
    for (const problem of fresh) {
      this.options.log.warn({ object: problem.object, reason: problem.reason }, `${problem.object.kind} ${problem.object.namespace}/${problem.object.name} rejected: ${problem.reason}`);
    }
    if (fresh.length > 0 || keys.size !== this.reportedProblems.size) this.options.onProblems?.(problems);
    this.reportedProblems = keys;
  }
}
