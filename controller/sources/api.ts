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
import { SecretRetention } from './secret-retention.js';
import { trimObject } from './trim.js';

export interface ApiSourceOptions {
  /** Namespaces to watch; empty means all. */
  namespaces: readonly string[];
  /** `namespace/name` of the controller's ConfigMap, or null. */
  configMap: string | null;
  /** Prefix of the annotations that name Secrets (`--annotations-prefix`). */
  annotationsPrefix: string;
}

/**
 * The kinds read in every watched namespace (IngressClass is cluster-scoped: watched once). ConfigMaps
 * are among them because annotations (custom-headers) name ConfigMaps in the Ingress's namespace.
 */
const WATCHED_KINDS = ['Ingress', 'Service', 'EndpointSlice', 'Secret', 'ConfigMap'] as const satisfies readonly Kind[];

interface Watch {
  kind: Kind;
  namespace: string | null;
  fieldSelector?: string;
}

function watches(options: ApiSourceOptions): Watch[] {
  const namespaces: ReadonlyArray<string | null> = options.namespaces.length > 0 ? options.namespaces : [null];
  const list: Watch[] = [{ kind: 'IngressClass', namespace: null }];
  for (const kind of WATCHED_KINDS) for (const namespace of namespaces) list.push({ kind, namespace });
  const [namespace = '', name = ''] = options.configMap?.split('/') ?? [];
  // The controller's ConfigMap may live outside the watched namespaces: then it is watched by name.
  if (options.configMap && !namespaces.includes(null) && !namespaces.includes(namespace)) {
    list.push({ kind: 'ConfigMap', namespace, fieldSelector: `metadata.name=${name}` });
  }
  return list;
}

const originOf = (kind: Kind, namespace: string | null): string => `api:${kind}:${namespace ?? '*'}`;

export async function watchApi(client: KubeClient, store: Store, options: ApiSourceOptions, log: Logger): Promise<{ close(): Promise<void> }> {
  const logger = log.child({ source: 'api' });
  const secrets = new SecretRetention({
    client,
    store,
    annotationsPrefix: options.annotationsPrefix,
    originOf: (namespace) => (options.namespaces.length === 0 ? originOf('Secret', null) : options.namespaces.includes(namespace) ? originOf('Secret', namespace) : null),
    log: logger,
  });
  const reflectors = watches(options).map(({ kind, namespace, fieldSelector }) => {
    const origin = originOf(kind, namespace);
    const toStore = (obj: ListedObject): KubeObject =>
      trimObject({ kind, obj } as KubeObject, kind === 'Secret' && secrets.keeps(obj.metadata?.namespace ?? '', obj.metadata?.name ?? ''));
    // A malformed object is logged and skipped: throwing would stop the watch and replay it forever.
    const guarded = (what: string, write: () => void): void => {
      try {
        write();
        if (kind === 'Ingress') secrets.schedule();
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
  await secrets.settled();
  logger.info({ server: client.server.origin, watches: reflectors.length, namespaces: options.namespaces.length > 0 ? options.namespaces : 'all' }, 'initial lists loaded');
  return { close };
}
