/**
 * Keeps the full data of the Secrets Ingresses name through annotations, and only of those (besides
 * certificate keys, see trim.ts): when a reference appears the Secret is fetched again with its data;
 * when it goes away the stored copy is trimmed.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import { KubeApiError, type KubeClient } from '../kube/client.js';
import { RESOURCES, resourcePath } from '../kube/resources.js';
import type { Store } from '../store/store.js';
import { referencedSecrets } from './secret-references.js';
import { trimObject } from './trim.js';

export interface SecretRetentionOptions {
  client: KubeClient;
  store: Store;
  annotationsPrefix: string;
  /** The store origin of the Secret reflector that covers a namespace; null if none does. */
  originOf: (namespace: string) => string | null;
  log: Logger;
}

export class SecretRetention {
  private referenced = new Set<string>();
  private pending = new Set<Promise<void>>();
  private scheduled = false;

  constructor(private readonly options: SecretRetentionOptions) {}

  /** Does this Secret keep all its data? */
  keeps(namespace: string, name: string): boolean {
    return this.referenced.has(`${namespace}/${name}`);
  }

  /** Ingresses changed: recompute the references once the current burst of events is stored. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.update();
    });
  }

  /** Resolves once no update or fetch is outstanding (before the first configuration). */
  async settled(): Promise<void> {
    while (this.scheduled || this.pending.size > 0) {
      await Promise.all(this.pending);
      if (this.scheduled) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private update(): void {
    const { store, annotationsPrefix } = this.options;
    const next = referencedSecrets(store.snapshot().ingresses, annotationsPrefix);
    const added = [...next].filter((key) => !this.referenced.has(key));
    const dropped = [...this.referenced].filter((key) => !next.has(key));
    this.referenced = next;
    const stored = new Map(store.snapshot().secrets.map((secret) => [`${secret.metadata?.namespace}/${secret.metadata?.name}`, secret]));
    for (const key of dropped) {
      const secret = stored.get(key);
      const origin = this.options.originOf(key.split('/')[0] ?? '');
      if (secret && origin) store.upsert(origin, 'Secret', trimObject({ kind: 'Secret', obj: secret }).obj);
    }
    for (const key of added) {
      const fetch = this.fetch(key).finally(() => this.pending.delete(fetch));
      this.pending.add(fetch);
    }
  }

  private async fetch(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const origin = this.options.originOf(namespace);
    if (!origin) return;
    try {
      const secret = await this.options.client.request<V1Secret>('GET', resourcePath(RESOURCES.Secret, namespace, name));
      // Only if still referenced and the watch has not already stored it with its data.
      const current = this.options.store.snapshot().secrets.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
      if (this.keeps(namespace, name) && current?.data === undefined) this.options.store.upsert(origin, 'Secret', trimObject({ kind: 'Secret', obj: secret }, true).obj);
    } catch (err) {
      // Missing: the model reports it. Unreachable: the next watch event for it carries the data.
      if (!(err instanceof KubeApiError && err.status === 404)) this.options.log.warn({ secret: key, err: String(err) }, 'referenced Secret could not be fetched');
    }
  }
}
