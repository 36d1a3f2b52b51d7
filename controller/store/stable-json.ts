import { stableJson } from '../stable-json.js';

/**
 * The JSON two versions of a Kubernetes object are compared by: `resourceVersion` and
 * `managedFields` change on every write (and on resyncs) without changing what the object says.
 */
export function contentJson(obj: { metadata?: object }): string {
  return stableJson({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined, managedFields: undefined } });
}
