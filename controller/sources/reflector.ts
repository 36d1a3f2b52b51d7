/**
 * One list/watch loop for one resource (in one namespace or all): lists, then watches from the list's
 * resourceVersion, resumes each ended watch from the last version seen, relists on 410 Gone, and
 * retries an unreachable API server with capped, jittered backoff, forever, until closed.
 *
 * Written on the client's HTTP layer rather than its informers because those stop for good on any
 * error but 410, ask for no bookmarks, and keep a second full copy of every object (Secrets included).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { KubeApiError, type KubeClient } from '../kube/client.js';
import { resourcePath, type Resource } from '../kube/resources.js';

export interface ListedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface ReflectorHandlers {
  /** A complete, consistent list: everything this reflector reported before is replaced by it. */
  onList(items: ListedObject[]): void;
  onUpsert(obj: ListedObject): void;
  onDelete(obj: ListedObject): void;
}

export interface ReflectorOptions {
  client: KubeClient;
  resource: Resource;
  /** null: every namespace. */
  namespace: string | null;
  fieldSelector?: string;
  log: Logger;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: ListedObject & { code?: number; message?: string };
}

const PAGE_SIZE = 500;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

class Gone extends Error {}

export class Reflector {
  private resourceVersion = '';
  private failures = 0;
  private readonly stopper = new AbortController();
  private readonly loop: Promise<void>;
  /** Resolves after the first complete list has been handed over. */
  readonly listed: Promise<void>;

  constructor(
    private readonly options: ReflectorOptions,
    private readonly handlers: ReflectorHandlers,
  ) {
    let markListed = (): void => undefined;
    this.listed = new Promise((resolve) => (markListed = resolve));
    this.loop = this.run(markListed);
  }

  async close(): Promise<void> {
    this.stopper.abort();
    await this.loop;
  }

  private get path(): string {
    return resourcePath(this.options.resource, this.options.namespace);
  }

  private query(extra: Record<string, string>): string {
    const params = new URLSearchParams(extra);
    if (this.options.fieldSelector) params.set('fieldSelector', this.options.fieldSelector);
    return `${this.path}?${params}`;
  }

  private async run(markListed: () => void): Promise<void> {
    const { log } = this.options;
    while (!this.stopper.signal.aborted) {
      try {
        if (!this.resourceVersion) {
          await this.list();
          markListed();
        }
        await this.watch();
      } catch (err) {
        if (this.stopper.signal.aborted) return;
        if (err instanceof Gone) {
          log.info({ resource: this.path }, 'resourceVersion expired (410 Gone): relisting');
          this.resourceVersion = '';
          continue;
        }
        const base = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 8000;
        const wait = Math.round(base * (0.8 + Math.random() * 0.4));
        this.failures += 1;
        log.warn({ resource: this.path, err: String(err), retryInMs: wait }, 'list/watch failed; OpenResty keeps serving the last configuration');
        await delay(wait, undefined, { signal: this.stopper.signal }).catch(() => undefined);
      }
    }
  }

  /** Every page of a list, handed over as one; its resourceVersion is where the watch starts. */
  private async list(): Promise<void> {
    const items: ListedObject[] = [];
    let next = '';
    let version = '';
    do {
      const page = await this.options.client
        .request<{ items?: ListedObject[]; metadata?: { resourceVersion?: string; continue?: string } }>(
          'GET',
          this.query({ limit: String(PAGE_SIZE), ...(next ? { continue: next } : {}) }),
        )
        .catch((err: unknown) => {
          // An expired continue token: start the list over.
          throw err instanceof KubeApiError && err.status === 410 ? new Gone() : err;
        });
      items.push(...(page.items ?? []));
      next = page.metadata?.continue ?? '';
      version = page.metadata?.resourceVersion ?? version;
    } while (next);
    this.handlers.onList(items);
    this.resourceVersion = version;
    this.failures = 0;
    this.options.log.debug({ resource: this.path, items: items.length, resourceVersion: version }, 'listed');
  }

  /** One watch request, until the server ends it (timeoutSeconds) or it fails. */
  private async watch(): Promise<void> {
    // Spread reconnects of many watches over time, as client-go does (5 to 10 minutes).
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    const path = this.query({ watch: '1', allowWatchBookmarks: 'true', resourceVersion: this.resourceVersion, timeoutSeconds: String(timeoutSeconds) });
    const started = Date.now();
    let delivered = false;
    let failure: Error | null = null;
    const abort = new AbortController();
    const onStop = (): void => abort.abort();
    this.stopper.signal.addEventListener('abort', onStop);
    try {
      await this.options.client.stream(
        path,
        (line) => {
          if (failure) return;
          try {
            this.handle(JSON.parse(line) as WatchEvent);
            delivered = true;
          } catch (err) {
            failure = err as Error;
            abort.abort();
          }
        },
        (timeoutSeconds + 30) * 1000,
        abort.signal,
      );
    } catch (err) {
      throw failure ?? err;
    } finally {
      this.stopper.signal.removeEventListener('abort', onStop);
    }
    if (failure) throw failure;
    // A stream the server ends at once without a single event counts as a failure, so it cannot spin.
    if (delivered) this.failures = 0;
    else if (Date.now() - started < 1000) throw new Error('watch ended at once without events');
  }

  private handle(event: WatchEvent): void {
    const version = event.object?.metadata?.resourceVersion;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.handlers.onUpsert(event.object);
        break;
      case 'DELETED':
        this.handlers.onDelete(event.object);
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        if (event.object.code === 410) throw new Gone();
        throw new Error(`watch error ${event.object.code ?? ''}: ${event.object.message ?? 'unknown'}`);
      default:
        throw new Error(`unknown watch event type ${JSON.stringify((event as { type?: unknown }).type)}`);
    }
    if (version) this.resourceVersion = version;
  }
}
