/** Which Ingresses Portico serves: IngressClass selection with the legacy annotation and default-class fallbacks. */
import type { V1Ingress, V1IngressClass } from '@kubernetes/client-node';
import type { Snapshot } from '../store/types.js';
import type { ModelOptions } from './types.js';
import { compareAge } from './objects.js';

const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface ClassSelection {
  /** Names of the IngressClasses whose spec.controller is ours. */
  ourClasses: ReadonlySet<string>;
  /** One of our IngressClasses is marked as the cluster default. */
  ourClassIsDefault: boolean;
}

export function selectClasses(classes: readonly V1IngressClass[], controllerClass: string): ClassSelection {
  const ours = classes.filter((ingressClass) => ingressClass.spec?.controller === controllerClass);
  return {
    ourClasses: new Set(ours.map((ingressClass) => ingressClass.metadata?.name ?? '')),
    ourClassIsDefault: ours.some(
      (ingressClass) => ingressClass.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
    ),
  };
}

export function isOurIngress(ingress: V1Ingress, selection: ClassSelection, options: ModelOptions): boolean {
  const className = ingress.spec?.ingressClassName;
  if (className) return selection.ourClasses.has(className);
  const legacyClass = ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  // An Ingress that names a class only through the legacy annotation belongs to whoever answers to that name.
  if (legacyClass) return legacyClass === options.ingressClass;
  return selection.ourClassIsDefault || options.watchIngressWithoutClass;
}

/** Our Ingresses, oldest first: the order in which they win conflicts. */
export function selectIngresses(snapshot: Snapshot, options: ModelOptions): V1Ingress[] {
  const selection = selectClasses(snapshot.ingressClasses, options.controllerClass);
  return snapshot.ingresses.filter((ingress) => isOurIngress(ingress, selection, options)).sort(compareAge);
}
