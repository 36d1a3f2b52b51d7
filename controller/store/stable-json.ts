/**
 * JSON with object keys sorted, so two objects with the same content compare equal however they
 * were built (parsed from YAML, deserialized from the API, copied).
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((key) => [key, (inner as Record<string, unknown>)[key]]),
        )
      : inner,
  );
}

/**
 * The JSON two versions of a Kubernetes object are compared by: `resourceVersion` and
 * `managedFields` change on every write (and on resyncs) without changing what the object says.
 */
export function contentJson(obj: { metadata?: object }): string {
  return stableJson({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined, managedFields: undefined } });
}
