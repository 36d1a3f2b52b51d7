import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { Backend, Model } from '../model/types.js';
import { PorticoError } from '../errors.js';
import { collectGarbage } from '../memory.js';
import { CONFIG_SOCKET } from '../render/settings.js';
import { configDiff } from './config-diff.js';
import { loadedConfigHash, pushBackends } from './dynamic.js';
import { EXTERNAL_NAME_TTL_MS, ExternalNameResolver } from './external-names.js';
import { pruneCertificates, pruneSecretFiles, readText, writeAtomic, writeCertificates, writeSecretFiles } from './files.js';
import type { NginxMaster } from './master.js';

export interface Rendered {
  text: string;
  hash: string;
}

/** A master parsing tens of thousands of servers on a busy node takes many seconds before its workers answer. */
const LOAD_TIMEOUT_MS = 60_000;
/**
 * The diff runs on the event loop, which pushes endpoints too: when thousands of servers change at once it
 * is cut short (and logged as too large) rather than hold endpoint updates back.
 */
const DIFF_TIMEOUT_MS = 250;

/** Backends of `next` plus those only `prev` has: a loaded configuration, or its draining workers, may still name them. */
function unionBackends(prev: readonly Backend[], next: readonly Backend[]): Backend[] {
  const names = new Set(next.map((backend) => backend.name));
  return [...next, ...prev.filter((backend) => !names.has(backend.name))];
}

/**
 * The only stage that touches files, the OpenResty process and its configuration socket. It applies a
 * model like a careful operator: stage → `nginx -t` → swap → reload → confirm the new hash is served;
 * on any failure the last good configuration stays loaded and on disk.
 */
export class Applier {
  /**
   * The model and hash of the configuration loaded. Its text is not kept (24 MB at 10k Ingresses): nginx.conf holds
   * it, and is read back for the diff of the next reload.
   */
  private applied: { model: Model; hash: string } | null = null;
  /** What the Lua endpoint holds now, and the sha256 of it as sent, compared to skip pushes that change nothing. */
  private pushed: { backends: readonly Backend[]; digest: string } | null = null;
  private readonly externalNames: ExternalNameResolver;
  /** Looks ExternalName backends up again while there are any, as their addresses may change. */
  private refreshTimer: NodeJS.Timeout | null = null;
  private servedOnce = false;
  readonly confFile: string;
  readonly socketPath: string;

  constructor(
    private readonly nginx: NginxMaster,
    private readonly workDir: string,
    private readonly log: Logger,
  ) {
    this.confFile = join(workDir, 'nginx.conf');
    this.socketPath = join(workDir, CONFIG_SOCKET);
    this.externalNames = new ExternalNameResolver(log);
  }

  /** True once OpenResty has served a rendered configuration with its backends. */
  get ready(): boolean {
    return this.servedOnce;
  }

  get appliedModel(): Model | null {
    return this.applied?.model ?? null;
  }

  get appliedHash(): string | null {
    return this.applied?.hash ?? null;
  }

  /**
   * A structural change: validate, swap in and (re)load the new configuration. The very first configuration of a
   * master the controller starts itself is not tested apart: nothing is served yet, and the master's own parse
   * reports the same errors (CONFIG_INVALID, as from `nginx -t`).
   */
  async applyConfiguration(model: Model, rendered: Rendered): Promise<void> {
    const previous = this.applied;
    await writeCertificates(this.workDir, model.certificates);
    await writeSecretFiles(this.workDir, model.secretFiles);
    const unchecked = !previous && !this.nginx.running && this.nginx.startUnchecked !== undefined;
    let testMs: number | undefined;
    if (!unchecked) {
      const staged = `${this.confFile}.staged`;
      await writeAtomic(staged, rendered.text, 0o644);
      const testStart = performance.now();
      await this.nginx.test(staged);
      testMs = Math.round(performance.now() - testStart);
    }
    if (previous && this.nginx.running) {
      // Workers of the new configuration read backends from the shared dict on their first request.
      const next = await this.externalNames.resolve(model.backends);
      await pushBackends(this.socketPath, unionBackends(this.pushed?.backends ?? [], next));
    }
    // The loaded configuration's text, for the diff and to put back if this one is not served.
    const previousText = previous ? await readText(this.confFile).catch(() => null) : null;
    await writeAtomic(this.confFile, rendered.text, 0o644);
    this.applied = { model, hash: rendered.hash };
    const loadStart = performance.now();
    try {
      if (this.nginx.running) {
        // A master adopted from a previous controller may already serve exactly this configuration.
        if (previous || (await loadedConfigHash(this.socketPath)) !== rendered.hash) this.nginx.reload();
      } else if (unchecked) {
        await this.nginx.startUnchecked?.(this.confFile);
      } else {
        this.nginx.start(this.confFile);
      }
      await this.waitForHash(rendered.hash);
    } catch (err) {
      if (previousText !== null) await writeAtomic(this.confFile, previousText, 0o644);
      this.applied = previous;
      throw err;
    }
    const loadMs = Math.round(performance.now() - loadStart);
    await this.push(model.backends);
    this.servedOnce = true;
    await pruneCertificates(this.workDir, model.certificates);
    await pruneSecretFiles(this.workDir, model.secretFiles);
    this.logDiff(previous ? { text: previousText ?? '', hash: previous.hash } : null, rendered, { ...(testMs !== undefined && { testMs }), loadMs });
    // Once the pass that rendered it has returned and let go of its garbage (see collectGarbage).
    setImmediate(collectGarbage);
  }

  /** `model` renders the configuration served now (the same hash): it replaces the applied model, as if it had been applied. */
  rendersServed(model: Model): void {
    if (this.applied) this.applied = { ...this.applied, model };
  }

  /**
   * Endpoints go straight to the Lua balancer, without a reload. Backends the loaded configuration still
   * names are kept, so this is also safe ahead of a reload that is waiting (or was rejected). Returns
   * whether anything was sent (nothing is when the endpoints are those already pushed).
   */
  async syncBackends(backends: readonly Backend[]): Promise<boolean> {
    if (!this.applied) throw new PorticoError('DYNAMIC_PUSH', 'no configuration loaded yet');
    return this.push(unionBackends(this.applied.model.backends, backends));
  }

  /** After OpenResty was restarted its shared dict is empty: give it the backends again once it answers. */
  async restore(): Promise<void> {
    if (!this.applied || !this.pushed) return;
    await this.waitForHash(this.applied.hash);
    await pushBackends(this.socketPath, this.pushed.backends);
    this.log.info({ hash: this.applied.hash }, 'backends restored after OpenResty restart');
  }

  private async push(desired: readonly Backend[]): Promise<boolean> {
    this.scheduleRefresh(desired);
    const backends = await this.externalNames.resolve(desired);
    const digest = createHash('sha256').update(JSON.stringify(backends)).digest('base64');
    if (this.pushed?.digest === digest) return false;
    await pushBackends(this.socketPath, backends);
    this.pushed = { backends, digest };
    return true;
  }

  private scheduleRefresh(desired: readonly Backend[]): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (!desired.some((backend) => backend.externalName)) return;
    this.refreshTimer = setTimeout(() => {
      this.push(desired).catch((err: unknown) => this.log.error({ err }, 'ExternalName refresh failed'));
    }, EXTERNAL_NAME_TTL_MS).unref();
  }

  private async waitForHash(hash: string): Promise<void> {
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if ((await loadedConfigHash(this.socketPath)) === hash) return;
      await delay(20);
    }
    throw new PorticoError('RELOAD_FAILED', `configuration ${hash.slice(0, 12)} not served after ${LOAD_TIMEOUT_MS} ms`);
  }

  /**
   * Logs the load with its timings (`nginx -t` if one ran, then signal or start until the new hash is served), and for a
   * reload its diff. A first load logs only the size: a diff from nothing would copy the whole file into the log
   * (tens of MB at thousands of Ingresses, held in memory several times over while it is built and written).
   */
  private logDiff(before: Rendered | null, after: Rendered, timings: { testMs?: number; loadMs: number }): void {
    if (!before) {
      this.log.info({ hash: after.hash, ...timings, bytes: after.text.length }, 'configuration loaded');
      return;
    }
    // The hash, in the file's first line and its last server, changes every time: left out, only changes count.
    const same = { before: before.hash, after: after.hash };
    const diff = configDiff(before.text, after.text, DIFF_TIMEOUT_MS, same) ?? '(diff too large to compute; see nginx.conf in the work dir)';
    this.log.info({ hash: after.hash, ...timings, diff }, 'configuration reloaded');
  }
}
