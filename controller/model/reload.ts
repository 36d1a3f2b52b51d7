/** What a model change needs: a reload of nginx, or only a push of backends to Lua. */
import type { Model } from './types.js';
import { compareText } from './objects.js';

/** JSON with object keys sorted, so equal models serialise equally whoever built them. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => compareText(a, b)))
      : field,
  );
}

/** Endpoints reach OpenResty without a reload; everything else is in nginx.conf or the files it names. */
function withoutEndpoints(model: Model): Model {
  return { ...model, backends: model.backends.map((backend) => ({ ...backend, endpoints: [] })) };
}

/** True if anything but backends' endpoints differs. */
export function needsReload(prev: Model | null, next: Model): boolean {
  return prev === null || canonicalJson(withoutEndpoints(prev)) !== canonicalJson(withoutEndpoints(next));
}

/** True if the backends (their endpoints included) differ, so they must be pushed to OpenResty. */
export function backendsChanged(prev: Model | null, next: Model): boolean {
  return prev === null || canonicalJson(prev.backends) !== canonicalJson(next.backends);
}
