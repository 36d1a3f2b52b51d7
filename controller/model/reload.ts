/** What a model change needs: a reload of nginx, or only a push of backends to Lua. */
import type { Backend, Model } from './types.js';
import { sameJson } from '../stable-json.js';

/**
 * What nginx.conf depends on. Endpoints, balancing and lanes reach OpenResty in the pushed backends, and a
 * backend only lanes use appears nowhere in nginx.conf, so toggling a canary changes nothing here.
 */
function withoutDynamic(model: Model): Model {
  const laneBackends = new Set(model.backends.flatMap((backend) => backend.routes.flatMap((route) => route.lanes.map((lane) => lane.backend))));
  const locationBackends = new Set(model.servers.flatMap((server) => server.locations.flatMap((location) => [location.backend, location.errors.backend])));
  const backends = model.backends
    .filter((backend) => !laneBackends.has(backend.name) || locationBackends.has(backend.name))
    .map((backend): Backend => ({ ...backend, endpoints: [], balancing: { strategy: 'round_robin' }, routes: [] }));
  return { ...model, backends };
}

/** True if anything but backends' endpoints, balancing and lanes differs (compared by walking both models, not serialising them). */
export function needsReload(prev: Model | null, next: Model): boolean {
  return prev === null || !sameJson(withoutDynamic(prev), withoutDynamic(next));
}
