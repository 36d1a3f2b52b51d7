/**
 * Kubernetes Events about Ingresses: Normal `Sync` once a configuration including a new version of an
 * Ingress is served, Warning `Rejected` with the reason when the model rejects an object or part of it.
 * Each replica reports what it did itself (the pod is the reporting instance). Events are posted one at a
 * time from a bounded queue: a slow or unreachable API server never holds up a reconcile.
 */
import type { CoreV1Event, V1Ingress } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import type { KubeClient } from '../kube/client.js';
import { RESOURCES, resourcePath } from '../kube/resources.js';
import { refOf } from '../model/objects.js';
import type { ObjectRef, Problem } from '../model/types.js';
import { secondsTime } from './time.js';

export interface EventRecorderOptions {
  client: KubeClient;
  /** The pod name (reporting instance) and node name (source host). */
  instance: string;
  host: string | null;
  log: Logger;
}

const MAX_QUEUED = 1000;
const API_VERSIONS: Record<string, string> = { Ingress: 'networking.k8s.io/v1', IngressClass: 'networking.k8s.io/v1' };

export class EventRecorder {
  /** `namespace/name` → the generation (or resourceVersion) last announced as synced. */
  private synced = new Map<string, string>();
  private reported = new Set<string>();
  private queue: CoreV1Event[] = [];
  private posting: Promise<void> | null = null;

  constructor(private readonly options: EventRecorderOptions) {}

  /** A configuration including these Ingresses is served: announce each one that changed. */
  applied(ingresses: readonly V1Ingress[]): void {
    const next = new Map<string, string>();
    for (const ingress of ingresses) {
      const ref = refOf('Ingress', ingress);
      const key = `${ref.namespace}/${ref.name}`;
      // generation moves with the spec only, so our own status writes announce nothing.
      const version = String(ingress.metadata?.generation ?? ingress.metadata?.resourceVersion ?? '');
      next.set(key, version);
      if (this.synced.get(key) !== version) this.post(ref, 'Normal', 'Sync', 'Scheduled for sync: the configuration including this Ingress is served');
    }
    this.synced = next;
  }

  /** The model's problems now; each new one becomes a Warning. */
  problems(problems: readonly Problem[]): void {
    const keys = new Set<string>();
    for (const { object, reason } of problems) {
      const key = JSON.stringify([object.kind, object.namespace, object.name, reason]);
      keys.add(key);
      if (!this.reported.has(key)) this.post(object, 'Warning', 'Rejected', reason);
    }
    this.reported = keys;
  }

  /** Drops what is queued; a request in flight is not waited for (shutdown must not hang on an unreachable API). */
  close(): void {
    this.queue = [];
  }

  private post(object: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.options.log.warn({ object, reason }, 'too many Events queued; dropping one');
      return;
    }
    const now = secondsTime(new Date());
    const namespace = object.namespace || 'default';
    this.queue.push({
      metadata: { generateName: `${object.name}.`, namespace },
      involvedObject: { kind: object.kind, namespace: object.namespace || undefined, name: object.name, apiVersion: API_VERSIONS[object.kind] ?? 'v1' },
      type,
      reason,
      message: message.slice(0, 1024),
      count: 1,
      firstTimestamp: now as unknown as Date,
      lastTimestamp: now as unknown as Date,
      source: { component: 'portico', ...(this.options.host ? { host: this.options.host } : {}) },
      reportingComponent: 'portico.dev/ingress-controller',
      reportingInstance: this.options.instance,
    });
    this.posting ??= this.drain().finally(() => {
      this.posting = null;
    });
  }

  private async drain(): Promise<void> {
    for (let event = this.queue.shift(); event; event = this.queue.shift()) {
      const namespace = event.metadata.namespace ?? 'default';
      try {
        await this.options.client.request('POST', resourcePath(RESOURCES.Event, namespace), { value: event });
      } catch (err) {
        this.options.log.warn({ err: String(err), object: event.involvedObject, reason: event.reason }, 'Event not posted');
      }
    }
  }
}
