/** Reading identity and age from Kubernetes objects, tolerant of the gaps hand-written manifests leave. */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { ObjectRef } from './types.js';

interface HasMetadata {
  metadata?: V1ObjectMeta;
}

/** An object without a namespace lives in `default`, as kubectl would create it. */
export function namespaceOf(object: HasMetadata): string {
  return object.metadata?.namespace || 'default';
}

export function refOf(kind: string, object: HasMetadata): ObjectRef {
  return { kind, namespace: namespaceOf(object), name: object.metadata?.name ?? '' };
}

/** Milliseconds since the epoch; objects read from manifests carry a string (or nothing: they count as newest). */
function createdAt(object: HasMetadata): number {
  const stamp = object.metadata?.creationTimestamp as Date | string | undefined;
  const millis = stamp === undefined ? NaN : new Date(stamp).getTime();
  return Number.isNaN(millis) ? Infinity : millis;
}

/** Oldest first, then by namespace/name: the order in which objects win conflicts. */
export function compareAge(a: HasMetadata, b: HasMetadata): number {
  const byAge = createdAt(a) - createdAt(b);
  if (byAge !== 0 && !Number.isNaN(byAge)) return byAge;
  return compareText(`${namespaceOf(a)}/${a.metadata?.name ?? ''}`, `${namespaceOf(b)}/${b.metadata?.name ?? ''}`);
}

/** Code-unit order, independent of locale, so the model is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
