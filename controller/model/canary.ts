/**
 * Canary Ingresses and traffic lanes. A canary Ingress (`canary: "true"`) creates no location: each of its
 * paths becomes a lane of the main Ingress's location with the same host, path and match, i.e. an
 * alternative backend Lua may pick per request (lua/portico/lanes.lua). ingress-nginx allows one canary per
 * location; here every canary on it is a lane, tried oldest first, so a single canary behaves exactly as in
 * ingress-nginx and several canaries sharing `canary-by-header` with different values select by value.
 *
 * Lanes travel with the main backend to Lua, keyed by the location's route id, so adding, removing or
 * re-weighting one needs no reload (see reload.ts).
 */
import { createHash } from 'node:crypto';
import type { V1Ingress } from '@kubernetes/client-node';
import type { AnnotationValues } from '../annotations/registry.js';
import type { BackendTable } from './backends.js';
import type { BalancingTable } from './balancing.js';
import { balancingOf } from './balancing.js';
import { parseHost } from './hosts.js';
import { parsePath } from './paths.js';
import type { Backend, Lane, ObjectRef, PathMatch, RouteLanes, Server } from './types.js';
import { quote } from './validate.js';

/** The id Lua knows a location by (`$portico_route`): stable across reloads, and only hex digits in nginx.conf. */
export function routeId(host: string, match: PathMatch, path: string): string {
  return createHash('sha256').update(JSON.stringify([host, match, path])).digest('hex').slice(0, 16);
}

/** A canary Ingress's path, waiting for the main location it joins as a lane. */
interface CanaryPath {
  host: string;
  path: string;
  match: PathMatch;
  field: string;
  lane: Lane;
}

type Report = (object: ObjectRef, reason: string) => void;

function laneOf(values: AnnotationValues, backend: string, ingress: ObjectRef): Lane {
  const name = values.canaryByHeader;
  return {
    backend,
    ingress,
    // ingress-nginx: an exact value wins over a pattern.
    header: name === null ? null : { name, value: values.canaryByHeaderValue, pattern: values.canaryByHeaderValue === null ? values.canaryByHeaderPattern : null },
    cookie: values.canaryByCookie,
    weight: values.canaryWeight,
    weightTotal: values.canaryWeightTotal,
  };
}

const describe = (canary: CanaryPath) => `${canary.match} path ${quote(canary.path)} on ${canary.host ? `host ${quote(canary.host)}` : 'the catch-all server'}`;

/** Collects the canary Ingresses' paths, then attaches them to the main locations once every server is known. */
export class CanaryTable {
  readonly #paths: CanaryPath[] = [];

  constructor(
    private readonly backends: BackendTable,
    private readonly balancing: BalancingTable,
    private readonly report: Report,
  ) {}

  /** Reads a canary Ingress; its balancing annotations apply to its own backends, as in ingress-nginx. */
  add(ingress: V1Ingress, ref: ObjectRef, values: AnnotationValues): void {
    if (values.canaryWeight > values.canaryWeightTotal) {
      this.report(ref, `canary-weight ${values.canaryWeight} is more than canary-weight-total ${values.canaryWeightTotal}; the canary is not served`);
      return;
    }
    for (const [ruleIndex, rule] of (ingress.spec?.rules ?? []).entries()) {
      const host = rule.host ? parseHost(rule.host) : null;
      if (host && !host.ok) {
        this.report(ref, `spec.rules[${ruleIndex}].host: ${host.reason}`);
        continue;
      }
      for (const [pathIndex, httpPath] of (rule.http?.paths ?? []).entries()) {
        const field = `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`;
        const parsed = parsePath(httpPath.path, httpPath.pathType, values.useRegex);
        const backend = this.backends.use(httpPath.backend, ref.namespace);
        const problem = parsed.ok ? backend.problem : parsed.reason;
        if (problem) this.report(ref, `${field}: ${problem}`);
        if (!parsed.ok || backend.name === null) continue;
        const conflict = this.balancing.claim(backend.name, balancingOf(values, parsed.value), ref);
        if (conflict) this.report(ref, conflict);
        this.#paths.push({ host: host?.value.host ?? '', ...parsed.value, field, lane: laneOf(values, backend.name, ref) });
      }
    }
  }

  /** Attaches each canary path to its main location; returns the lanes by main backend, and every lane's backend. */
  attach(servers: readonly Server[]): { routes: Map<string, RouteLanes[]>; backendNames: string[] } {
    const byRoute = new Map<string, { main: string; lanes: Lane[] }>();
    for (const canary of this.#paths) {
      const { ingress } = canary.lane;
      const location = servers.find((server) => server.host === canary.host)?.locations.find((l) => l.path === canary.path && l.match === canary.match && l.ingress);
      if (!location?.backend) {
        this.report(ingress, `${canary.field}: no main Ingress serves the ${describe(canary)}; the canary path is not served`);
        continue;
      }
      if (location.backend === canary.lane.backend) {
        this.report(ingress, `${canary.field}: the canary's backend is the main Ingress's own backend ${quote(location.backend)}; the canary path is ignored`);
        continue;
      }
      const route = routeId(canary.host, canary.match, canary.path);
      const entry = byRoute.get(route) ?? { main: location.backend, lanes: [] };
      byRoute.set(route, entry);
      this.#checkOverlap(entry.lanes, canary);
      entry.lanes.push(canary.lane);
    }
    const routes = new Map<string, RouteLanes[]>();
    for (const [route, { main, lanes }] of [...byRoute].sort(([a], [b]) => (a < b ? -1 : 1))) {
      routes.set(main, [...(routes.get(main) ?? []), { route, lanes }]);
    }
    const backendNames = [...byRoute.values()].flatMap(({ lanes }) => lanes.map((lane) => lane.backend));
    return { routes, backendNames };
  }

  /** Lanes that can never get what they ask for are served anyway (older lanes win), but reported. */
  #checkOverlap(lanes: readonly Lane[], canary: CanaryPath): void {
    const { lane } = canary;
    const header = lane.header;
    const shadowed = header?.value && lanes.find((other) => other.header?.name.toLowerCase() === header.name.toLowerCase() && other.header.value === header.value);
    if (shadowed) {
      this.report(lane.ingress, `${canary.field}: header ${header.name}: ${header.value} already selects the lane of Ingress ${quote(`${shadowed.ingress.namespace}/${shadowed.ingress.name}`)} on the ${describe(canary)}`);
    }
    const share = [...lanes, lane].reduce((sum, { weight, weightTotal }) => sum + weight / weightTotal, 0);
    if (share > 1 + 1e-9) this.report(lane.ingress, `${canary.field}: the lanes' weights on the ${describe(canary)} add up to more than all requests; this lane gets what older lanes leave`);
  }
}

/** The backends with the lanes of the locations they are the main backend of. */
export function withRoutes(backends: Backend[], routes: ReadonlyMap<string, RouteLanes[]>): Backend[] {
  return backends.map((backend) => ({ ...backend, routes: routes.get(backend.name) ?? [] }));
}
