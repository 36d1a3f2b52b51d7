import type {
  V1ConfigMap,
  V1EndpointSlice,
  V1Ingress,
  V1IngressClass,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';

/** The object kinds Portico reads; the store keeps one map per kind. */
export type Kind = 'Ingress' | 'IngressClass' | 'Service' | 'EndpointSlice' | 'Secret' | 'ConfigMap';

export const KINDS: readonly Kind[] = ['Ingress', 'IngressClass', 'Service', 'EndpointSlice', 'Secret', 'ConfigMap'];

export interface KindMap {
  Ingress: V1Ingress;
  IngressClass: V1IngressClass;
  Service: V1Service;
  EndpointSlice: V1EndpointSlice;
  Secret: V1Secret;
  ConfigMap: V1ConfigMap;
}

/** An immutable view of everything the store holds at one instant; the model's only input. */
export interface Snapshot {
  ingresses: readonly V1Ingress[];
  ingressClasses: readonly V1IngressClass[];
  services: readonly V1Service[];
  endpointSlices: readonly V1EndpointSlice[];
  secrets: readonly V1Secret[];
  configMaps: readonly V1ConfigMap[];
}

/** One object with its kind spelled out: LIST results from the API carry no `kind` of their own. */
export type KubeObject = { [K in Kind]: { kind: K; obj: KindMap[K] } }[Kind];
