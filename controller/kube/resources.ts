/** The API resources Portico reads or writes, and the URL paths that address them. */

export interface Resource {
  /** API group; '' is the core group (`/api/v1`). */
  group: string;
  version: string;
  /** Lower-case plural as in the URL: `ingresses`. */
  plural: string;
  namespaced: boolean;
}

const resource = (group: string, version: string, plural: string, namespaced = true): Resource => ({ group, version, plural, namespaced });

export const RESOURCES = {
  Ingress: resource('networking.k8s.io', 'v1', 'ingresses'),
  IngressClass: resource('networking.k8s.io', 'v1', 'ingressclasses', false),
  Service: resource('', 'v1', 'services'),
  EndpointSlice: resource('discovery.k8s.io', 'v1', 'endpointslices'),
  Secret: resource('', 'v1', 'secrets'),
  ConfigMap: resource('', 'v1', 'configmaps'),
  Node: resource('', 'v1', 'nodes', false),
  Pod: resource('', 'v1', 'pods'),
  Event: resource('', 'v1', 'events'),
  Lease: resource('coordination.k8s.io', 'v1', 'leases'),
} as const satisfies Record<string, Resource>;

/**
 * `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]`; namespace null (or a cluster-scoped resource)
 * means across all namespaces. Names and namespaces are URL-encoded, though valid ones never need it.
 */
export function resourcePath(res: Resource, namespace: string | null, name?: string): string {
  const base = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  const scope = res.namespaced && namespace !== null ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${res.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
