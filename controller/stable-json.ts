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

/** Marks a value JSON leaves out (undefined, a function, a symbol). */
const ABSENT = Symbol('absent');

/** A value as JSON.stringify sees it: after toJSON, non-finite numbers as null, unserialisable values absent. */
function asJson(value: unknown, key: string | number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      if (value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return asJson((value as { toJSON(key: string): unknown }).toJSON(String(key)), key);
      }
      return value;
    case 'bigint':
      return value;
    default:
      return ABSENT;
  }
}

function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const arrays = Array.isArray(a);
  if (arrays !== Array.isArray(b)) return false;
  if (arrays) {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) {
      const x = asJson(left[i], i);
      const y = asJson(right[i], i);
      if (x !== y && !equalJson(x === ABSENT ? null : x, y === ABSENT ? null : y)) return false;
    }
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let present = 0;
  for (const key of Object.keys(left)) {
    const x = asJson(left[key], key);
    if (x === ABSENT) continue;
    present += 1;
    const y = asJson(right[key], key);
    if (x === y) continue;
    if (y === ABSENT || !equalJson(x, y)) return false;
  }
  for (const key of Object.keys(right)) if (asJson(right[key], key) !== ABSENT) present -= 1;
  return present === 0;
}

/**
 * Whether two values have the same stableJson, found by walking both instead of serialising them: no copy is
 * made, and the walk stops at the first difference (or skips a subtree both share).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const x = asJson(a, '');
  const y = asJson(b, '');
  return equalJson(x === ABSENT ? undefined : x, y === ABSENT ? undefined : y);
}
