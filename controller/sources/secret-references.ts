/**
 * Secrets that Ingresses name through annotations (`<prefix>/auth-secret`, `<prefix>/auth-tls-secret`):
 * the API source keeps the full data of these, whatever their type, and no other Secret's beyond
 * certificate keys (see trim.ts).
 */
import type { V1Ingress } from '@kubernetes/client-node';
import { namespaceOf } from '../model/objects.js';

const SECRET_ANNOTATIONS = ['auth-secret', 'auth-tls-secret'];

/** `namespace/name` of every Secret an Ingress names; a bare name is in the Ingress's namespace. */
export function referencedSecrets(ingresses: readonly V1Ingress[], annotationsPrefix: string): Set<string> {
  const keys = new Set<string>();
  for (const ingress of ingresses) {
    for (const annotation of SECRET_ANNOTATIONS) {
      const value = ingress.metadata?.annotations?.[`${annotationsPrefix}/${annotation}`]?.trim();
      if (!value) continue;
      keys.add(value.includes('/') ? value : `${namespaceOf(ingress)}/${value}`);
    }
  }
  return keys;
}
