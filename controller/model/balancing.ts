/**
 * Balancing belongs to a backend (its endpoints, their ring or response times), while annotations belong to
 * the Ingresses using it. As in ingress-nginx, the oldest Ingress that asks for a non-default balancing of a
 * backend decides it; a different request from a newer Ingress is reported and ignored.
 */
import type { AnnotationValues } from '../annotations/registry.js';
import type { Backend, Balancing, ObjectRef, PathMatch } from './types.js';
import { stableJson } from '../stable-json.js';
import { quote, quoteRef } from './validate.js';

const DEFAULT: Balancing = { strategy: 'round_robin' };

/** What an Ingress's annotations ask of the backends of its paths; affinity wins over hashing, hashing over load-balance. */
export function balancingOf(values: AnnotationValues, path: { path: string; match: PathMatch }): Balancing {
  if (values.affinity === 'cookie') {
    return {
      strategy: 'sticky',
      cookie: {
        mode: values.affinityMode,
        name: values.sessionCookieName,
        // ingress-nginx: the rule's path, unless it is a regex (which a browser would not understand).
        path: values.sessionCookiePath ?? (path.match === 'regex' ? '/' : path.path),
        maxAge: values.sessionCookieMaxAge,
        expires: values.sessionCookieExpires,
        sameSite: values.sessionCookieSamesite,
        conditionalSameSiteNone: values.sessionCookieConditionalSamesiteNone,
        secure: values.sessionCookieSecure,
        changeOnFailure: values.sessionCookieChangeOnFailure,
      },
    };
  }
  if (values.upstreamHashBy !== null) {
    return { strategy: 'chash', hashBy: values.upstreamHashBy, subsetSize: values.upstreamHashBySubset ? values.upstreamHashBySubsetSize : null };
  }
  return values.loadBalance === 'ewma' ? { strategy: 'ewma' } : DEFAULT;
}

/** The balancing of each backend, claimed by the first (oldest) Ingress that asks for a non-default one. */
export class BalancingTable {
  readonly #claims = new Map<string, { balancing: Balancing; json: string; owner: ObjectRef }>();

  /** Records `balancing` for `backend` unless claimed already; returns a problem reason when the claims differ. */
  claim(backend: string, balancing: Balancing, owner: ObjectRef): string | null {
    if (balancing === DEFAULT) return null;
    const json = stableJson(balancing);
    const claimed = this.#claims.get(backend);
    if (!claimed) {
      this.#claims.set(backend, { balancing, json, owner });
      return null;
    }
    if (claimed.json === json || sameOwner(claimed.owner, owner)) return null;
    return `backend ${quote(backend)} is balanced as the older Ingress ${quoteRef(claimed.owner)} asks (${claimed.balancing.strategy}); this Ingress's different ${balancing.strategy} settings are ignored for it`;
  }

  /** The backends with their claimed balancing (round robin where none was claimed). */
  apply(backends: Backend[]): Backend[] {
    return backends.map((backend) => ({ ...backend, balancing: this.#claims.get(backend.name)?.balancing ?? DEFAULT }));
  }
}

function sameOwner(a: ObjectRef, b: ObjectRef): boolean {
  return a.namespace === b.namespace && a.name === b.name;
}
