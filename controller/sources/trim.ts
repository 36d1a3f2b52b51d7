/** What the store keeps of an object read from the API: only what the model (or status) can use. */
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeObject } from '../store/types.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Keys of Secret data the model reads (TLS certificates, CA bundles); any other Secret is kept without data. */
const USED_SECRET_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

/**
 * Drops managedFields (large, and rewritten on every apply) and the last-applied annotation (a full
 * copy of the object, Secret data included). Secret data is kept only for `kubernetes.io/tls` Secrets
 * and Secrets that carry certificate keys, so memory does not grow with every token in the cluster;
 * other Secrets stay as metadata, which is enough to report "not a TLS Secret". A Secret an Ingress
 * names (`referenced`: an auth Secret, say) keeps all of its data.
 */
export function trimObject(object: KubeObject, referenced = false): KubeObject {
  const metadata = { ...object.obj.metadata };
  delete metadata.managedFields;
  if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  if (object.kind === 'ConfigMap') {
    // Nothing Portico reads is binary; binaryData would only take memory.
    const { binaryData: _binaryData, ...configMap } = object.obj;
    return { kind: 'ConfigMap', obj: { ...configMap, metadata } };
  }
  if (object.kind !== 'Secret') return { ...object, obj: { ...object.obj, metadata } } as KubeObject;
  return { kind: 'Secret', obj: { ...trimSecretData(object.obj, referenced), metadata } };
}

function trimSecretData(secret: V1Secret, referenced: boolean): V1Secret {
  const { data, stringData: _stringData, ...rest } = secret;
  if (referenced) return data ? { ...rest, data } : rest;
  const keepsData = secret.type === 'kubernetes.io/tls' || USED_SECRET_KEYS.some((key) => data?.[key] !== undefined);
  if (!keepsData || !data) return rest;
  return { ...rest, data: Object.fromEntries(Object.entries(data).filter(([key]) => USED_SECRET_KEYS.includes(key))) };
}
