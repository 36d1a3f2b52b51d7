import { Store } from '../store/store.js';
import type { Kind, KindMap, KubeObject } from '../store/types.js';
import type { ControllerMetrics } from './controller.js';

/** API origins are `api:<Kind>:<namespace>`; every other origin is a manifest file. */
function sourceOf(origin: string): string {
  return origin.startsWith('api:') ? 'api' : 'manifests';
}

/**
 * The Store, counting what sources write into it: one event per informer update or deletion, and one per
 * kind for each relist or manifest file read. Counted before no-op writes are dropped, as sources see them.
 */
export class MeasuredStore extends Store {
  constructor(private readonly metrics: ControllerMetrics) {
    super();
  }

  override replaceMany(contributions: ReadonlyMap<string, readonly KubeObject[]>): void {
    for (const [origin, objects] of contributions) {
      for (const kind of new Set(objects.map((object) => object.kind))) {
        this.metrics.sourceEvents.inc({ source: sourceOf(origin), kind, event: 'replace' });
      }
    }
    super.replaceMany(contributions);
  }

  override upsert<K extends Kind>(origin: string, kind: K, obj: KindMap[K]): void {
    this.metrics.sourceEvents.inc({ source: sourceOf(origin), kind, event: 'upsert' });
    super.upsert(origin, kind, obj);
  }

  override remove(origin: string, kind: Kind, namespace: string, name: string): void {
    this.metrics.sourceEvents.inc({ source: sourceOf(origin), kind, event: 'delete' });
    super.remove(origin, kind, namespace, name);
  }
}
