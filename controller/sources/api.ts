/**
 * The Kubernetes API source: one reflector per watched resource and namespace, each filling the store
 * under its own origin so that a relist replaces exactly what it reported before. Resolves once every
 * reflector has finished its first list, so the first configuration sees the whole cluster.
 */
import type { Logger } from '../log.js';
import type { KubeClient } from '../kube/client.js';
import { RESOURCES } from '../kube/resources.js';
import type { Store } from '../store/store.js';
import type { Kind, KubeObject } from '../store/types.js';
import { Reflector, type ListedObject } from './reflector.js';
import { trimObject } from './trim.js';

export interface ApiSourceOptions {
  /** Namespaces to watch; empty means all. */
  namespaces: readonly string[];
  /** `namespace/name` of the controller's ConfigMap, or null. */
  configMap: string | null;
}

/** The kinds read in every watched namespace (IngressClass is cluster-scoped: watched once). */
const WATCHED_KINDS = ['Ingress', 'Service', 'EndpointSlice', 'Secret'] as const satisfies readonly Kind[];

interface Watch {
  kind: Kind;
  namespace: string | null;
  fieldSelector?: string;
}

function watches(options: ApiSourceOptions): Watch[] {
  const namespaces = options.namespaces.length > 0 ? options.namespaces : [null];
  const list: Watch[] = [{ kind: 'IngressClass', namespace: null }];
  for (const kind of WATCHED_KINDS) for (const namespace of namespaces) list.push({ kind, namespace });
  if (options.configMap) {
    const [namespace = '', name = ''] = options.configMap.split('/');
    list.push({ kind: 'ConfigMap', namespace, fieldSelector: `metadata.name=${name}` });
  }
  return list;
}

export async function watchApi(client: KubeClient, store: Store, options: ApiSourceOptions, log: Logger): Promise<{ close(): Promise<void> }> {
  const logger = log.child({ source: 'api' });
  const reflectors = watches(options).map(({ kind, namespace, fieldSelector }) => {
    const origin = `api:${kind}:${namespace ?? '*'}`;
    const toStore = (obj: ListedObject): KubeObject => trimObject({ kind, obj } as KubeObject);
    // A malformed object is logged and skipped: throwing would stop the watch and replay it forever.
    const guarded = (what: string, write: () => void): void => {
      try {
        write();
      } catch (err) {
        logger.error({ kind, err }, `${kind} ${what} could not be stored`);
      }
    };
    return new Reflector(
      { client, resource: RESOURCES[kind], namespace, fieldSelector, log: logger },
      {
        onList: (items) => guarded('list', () => store.replace(origin, items.filter((item) => item.metadata?.name).map(toStore))),
        onUpsert: (obj) => guarded('update', () => store.upsert(origin, kind, toStore(obj).obj)),
        onDelete: (obj) => guarded('deletion', () => store.remove(origin, kind, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '')),
      },
    );
  });
  const close = async (): Promise<void> => {
    await Promise.all(reflectors.map((reflector) => reflector.close()));
  };
  await Promise.all(reflectors.map((reflector) => reflector.listed));
  logger.info({ server: client.server.origin, watches: reflectors.length, namespaces: options.namespaces.length > 0 ? options.namespaces : 'all' }, 'initial lists loaded');
  return { close };
}
