/**
 * Writes `status.loadBalancer.ingress` on the Ingresses Portico serves, while this replica leads.
 * Each sync compares every Ingress in the last applied snapshot with what it should say: ours get the
 * published addresses; one that stops being ours (class changed) is cleared if its status still lists
 * only addresses we publish, so another controller's status is never erased. Syncs are serialised and
 * coalesced; a periodic resync picks up address changes (nodes, the published Service).
 */
import type { V1Ingress } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import type { KubeClient } from '../kube/client.js';
import { RESOURCES, resourcePath } from '../kube/resources.js';
import { namespaceOf } from '../model/objects.js';
import type { AppliedSnapshot } from '../reconciler.js';
import { stableJson } from '../stable-json.js';
import { canonical, type LoadBalancerIngress } from './addresses.js';

export interface IngressStatusOptions {
  client: KubeClient;
  addresses: () => Promise<LoadBalancerIngress[]>;
  log: Logger;
  resyncMs?: number;
}

export class IngressStatusWriter {
  private served: AppliedSnapshot | null = null;
  private leading = false;
  private dirty = false;
  private running: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: IngressStatusOptions) {
    this.timer = setInterval(() => this.trigger(), options.resyncMs ?? 60_000);
    this.timer.unref();
  }

  /** A configuration built from this snapshot is being served. */
  applied(served: AppliedSnapshot): void {
    this.served = served;
    this.trigger();
  }

  setLeading(leading: boolean): void {
    this.leading = leading;
    this.trigger();
  }

  /** Stops writing; a request in flight is not waited for (shutdown must not hang on an unreachable API). */
  close(): void {
    clearInterval(this.timer);
    this.leading = false;
  }

  private trigger(): void {
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      if (!this.leading || !this.served) return;
      try {
        await this.sync(this.served);
      } catch (err) {
        // Left for the next applied configuration or the periodic resync.
        this.options.log.warn({ err: String(err) }, 'Ingress status not updated');
      }
    }
  }

  private async sync({ snapshot, ingresses }: AppliedSnapshot): Promise<void> {
    const addresses = await this.options.addresses();
    if (addresses.length === 0) {
      // Nothing known to publish (no flag, no node): leave every status as it is rather than clear it.
      this.options.log.debug('no address to publish; Ingress status left alone');
      return;
    }
    const ours = new Set(ingresses);
    const published = new Set(addresses.map(key));
    for (const ingress of snapshot.ingresses) {
      if (!this.leading) return;
      const current = canonical(ingress.status?.loadBalancer?.ingress ?? []);
      const wasOurs = current.length > 0 && current.every((entry) => published.has(key(entry)));
      const wanted = ours.has(ingress) ? addresses : wasOurs ? [] : current;
      if (stableJson(wanted) === stableJson(current)) continue;
      // One Ingress failing (deleted meanwhile, say) does not hold up the others.
      await this.write(ingress, wanted).catch((err: unknown) => this.options.log.warn({ ingress: `${namespaceOf(ingress)}/${ingress.metadata?.name}`, err: String(err) }, 'Ingress status not updated'));
    }
  }

  private async write(ingress: V1Ingress, addresses: LoadBalancerIngress[]): Promise<void> {
    const namespace = namespaceOf(ingress);
    const name = ingress.metadata?.name ?? '';
    // A merge patch replaces the list as a whole; null removes it.
    const patch = { status: { loadBalancer: { ingress: addresses.length > 0 ? addresses : null } } };
    await this.options.client.request('PATCH', `${resourcePath(RESOURCES.Ingress, namespace, name)}/status`, { value: patch, contentType: 'application/merge-patch+json' });
    this.options.log.info({ ingress: `${namespace}/${name}`, addresses: addresses.map(key) }, addresses.length > 0 ? 'Ingress status updated' : 'Ingress status cleared');
  }
}

function key(entry: LoadBalancerIngress): string {
  return entry.ip ?? entry.hostname ?? '';
}
