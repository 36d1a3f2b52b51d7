/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews the Lease
 * every retry period; another candidate takes it over once it has seen the same renewal for a whole
 * lease duration on its own clock (so clocks need not agree); writes carry the resourceVersion, so two
 * candidates cannot both win. Only the leader writes Ingress status; every replica serves traffic.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import { KubeApiError, type KubeClient } from '../kube/client.js';
import { RESOURCES, resourcePath } from '../kube/resources.js';
import { microTime } from './time.js';

const RELEASE_TIMEOUT_MS = 2000;

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** The Lease name (`--election-id`). */
  name: string;
  /** Unique per replica: the pod name, never the host name (pods on the host network share it). */
  identity: string;
  leaseDurationMs: number;
  log: Logger;
  onChange: (leading: boolean) => void;
}

export class LeaderElection {
  private leadingNow = false;
  private lastRenewAt = 0;
  /** The holder and renewTime last seen, and when (on our clock) they were first seen. */
  private observed = { record: '', at: 0 };
  private readonly stopper = new AbortController();
  private readonly loop: Promise<void>;

  constructor(private readonly options: LeaderElectionOptions) {
    this.loop = this.run();
  }

  /** Stops campaigning; a leader gives the Lease up so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    if (!this.leadingNow) return;
    this.setLeading(false);
    // Best effort and brief: if the API server is unreachable the Lease simply expires.
    const released = this.release().catch((err: unknown) => this.options.log.warn({ err: String(err) }, 'could not release the leader Lease'));
    await Promise.race([released, delay(RELEASE_TIMEOUT_MS)]);
  }

  private get path(): string {
    return resourcePath(RESOURCES.Lease, this.options.namespace, this.options.name);
  }

  private get retryMs(): number {
    return Math.max(200, Math.round(this.options.leaseDurationMs / 7));
  }

  private async run(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      try {
        this.setLeading(await this.tryAcquireOrRenew());
      } catch (err) {
        this.options.log.warn({ err: String(err), lease: `${this.options.namespace}/${this.options.name}` }, 'leader election: Lease not reachable');
        // A leader that cannot renew for most of a lease duration steps down before another can take over.
        if (this.leadingNow && Date.now() - this.lastRenewAt > (this.options.leaseDurationMs * 2) / 3) this.setLeading(false);
      }
      await delay(this.retryMs, undefined, { signal: this.stopper.signal }).catch(() => undefined);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity, leaseDurationMs } = this.options;
    const now = microTime(new Date());
    const spec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), renewTime: now };
    let lease: V1Lease;
    try {
      lease = await client.request<V1Lease>('GET', this.path);
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.status !== 404) throw err;
      const created = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace }, spec: { ...spec, acquireTime: now, leaseTransitions: 0 } };
      return this.write('POST', resourcePath(RESOURCES.Lease, this.options.namespace), created);
    }
    const holder = lease.spec?.holderIdentity ?? '';
    const record = `${holder} ${String(lease.spec?.renewTime ?? '')}`;
    if (record !== this.observed.record) this.observed = { record, at: Date.now() };
    const heldByOther = holder !== '' && holder !== identity;
    const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (heldByOther && Date.now() < this.observed.at + durationMs) return false;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const acquireTime = holder === identity ? lease.spec?.acquireTime : now;
    return this.write('PUT', this.path, { ...lease, spec: { ...lease.spec, ...spec, acquireTime, leaseTransitions: transitions } });
  }

  /** Creates or replaces the Lease; losing a race (409) means someone else got it. */
  private async write(method: 'POST' | 'PUT', path: string, lease: object): Promise<boolean> {
    try {
      await this.options.client.request(method, path, { value: lease });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return false;
      throw err;
    }
    this.lastRenewAt = Date.now();
    return true;
  }

  private async release(): Promise<void> {
    const lease = await this.options.client.request<V1Lease>('GET', this.path);
    if (lease.spec?.holderIdentity !== this.options.identity) return;
    const now = microTime(new Date());
    await this.options.client.request('PUT', this.path, { value: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now } } });
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leadingNow) return;
    this.leadingNow = leading;
    this.options.log.info({ identity: this.options.identity, lease: `${this.options.namespace}/${this.options.name}` }, leading ? 'became leader: writing Ingress status' : 'no longer leader');
    this.options.onChange(leading);
  }
}
