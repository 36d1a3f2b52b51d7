/** What a model change needs: a reload of nginx, or only a push of backends to Lua. */
import type { Model } from './types.js';
import { stableJson } from '../stable-json.js';

/** Endpoints reach OpenResty without a reload; everything else is in nginx.conf or the files it names. */
function withoutEndpoints(model: Model): Model {
  return { ...model, backends: model.backends.map((backend) => ({ ...backend, endpoints: [] })) };
}

/** True if anything but backends' endpoints differs. */
export function needsReload(prev: Model | null, next: Model): boolean {
  return prev === null || stableJson(withoutEndpoints(prev)) !== stableJson(withoutEndpoints(next));
}
