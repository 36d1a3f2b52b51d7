/**
 * The object storage behind the test API server: objects per resource with a global resourceVersion,
 * a bounded history of changes for watches to resume from (older versions are "expired": 410), and
 * the write semantics Portico relies on (optimistic concurrency, generation, status subresource,
 * merge patch, generateName, MicroTime validation for Leases).
 */

export interface ResourceInfo {
  kind: string;
  apiVersion: string;
  namespaced: boolean;
}

/** plural → what it holds; the only resources the server knows. */
export const RESOURCE_INFO: Record<string, ResourceInfo> = {
  ingresses: { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', namespaced: true },
  ingressclasses: { kind: 'IngressClass', apiVersion: 'networking.k8s.io/v1', namespaced: false },
  services: { kind: 'Service', apiVersion: 'v1', namespaced: true },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', namespaced: true },
  secrets: { kind: 'Secret', apiVersion: 'v1', namespaced: true },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1', namespaced: true },
  nodes: { kind: 'Node', apiVersion: 'v1', namespaced: false },
  pods: { kind: 'Pod', apiVersion: 'v1', namespaced: true },
  events: { kind: 'Event', apiVersion: 'v1', namespaced: true },
  leases: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', namespaced: true },
};

export function pluralOf(kind: string): string {
  const found = Object.entries(RESOURCE_INFO).find(([, info]) => info.kind === kind);
  if (!found) throw new Error(`unknown kind ${kind}`);
  return found[0];
}

// Test objects are loosely typed JSON on purpose: the server stores whatever a client sends.
export type Obj = Record<string, any>;

export interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  plural: string;
  object: Obj;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Selectors {
  namespace: string | null;
  fieldSelector?: string | null;
  labelSelector?: string | null;
}

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

export class ObjectStore {
  private version = 1;
  private uids = 0;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private history: Change[] = [];
  /** Watches from a resourceVersion older than this get 410 Gone. */
  private resumableFrom = 0;
  private readonly listeners = new Set<(change: Change) => void>();

  constructor(private readonly maxHistory = 1000) {}

  get resourceVersion(): string {
    return String(this.version);
  }

  get(plural: string, namespace: string, name: string): Obj {
    const found = this.table(plural).get(this.key(plural, namespace, name));
    if (!found) throw new ApiError(404, 'NotFound', `${plural} "${name}" not found`);
    return structuredClone(found);
  }

  list(plural: string, selectors: Selectors): Obj[] {
    return [...this.table(plural).values()].filter((obj) => matches(obj, selectors)).map((obj) => structuredClone(obj));
  }

  create(plural: string, namespace: string, obj: Obj): Obj {
    const info = this.info(plural);
    const metadata = { ...obj.metadata };
    if (!metadata.name && metadata.generateName) metadata.name = `${metadata.generateName}${(++this.uids).toString(36).padStart(5, '0')}`;
    if (!metadata.name) throw new ApiError(422, 'Invalid', 'metadata.name: Required value');
    const key = this.key(plural, namespace, metadata.name);
    if (this.table(plural).has(key)) throw new ApiError(409, 'AlreadyExists', `${plural} "${metadata.name}" already exists`);
    validate(plural, obj);
    const stored: Obj = { ...obj, metadata: { ...metadata, ...(info.namespaced ? { namespace } : {}), uid: `uid-${++this.uids}`, generation: 1, creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } };
    delete stored.kind;
    delete stored.apiVersion;
    return this.commit(plural, key, 'ADDED', stored);
  }

  /** PUT: the whole object (status kept) or, with subresource `status`, only the status. */
  replace(plural: string, namespace: string, name: string, obj: Obj, subresource?: string): Obj {
    const current = this.get(plural, namespace, name);
    const sent = obj.metadata?.resourceVersion;
    if (sent && sent !== current.metadata.resourceVersion) throw new ApiError(409, 'Conflict', `the object has been modified; please apply your changes to the latest version`);
    validate(plural, obj);
    let next: Obj;
    if (subresource === 'status') {
      next = { ...current, status: obj.status };
    } else {
      const { kind: _kind, apiVersion: _apiVersion, metadata, status: _status, ...body } = obj;
      const { metadata: _m, status, ...oldBody } = current;
      const specChanged = JSON.stringify(body) !== JSON.stringify(oldBody);
      next = {
        ...body,
        metadata: { ...metadata, namespace: current.metadata.namespace, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, generation: current.metadata.generation + (specChanged ? 1 : 0) },
        ...(status === undefined ? {} : { status }),
      };
      if (!this.info(plural).namespaced) delete next.metadata.namespace;
    }
    return this.commit(plural, this.key(plural, namespace, name), 'MODIFIED', next);
  }

  /** PATCH with a JSON merge patch (RFC 7386). */
  patch(plural: string, namespace: string, name: string, patch: Obj, subresource?: string): Obj {
    const current = this.get(plural, namespace, name);
    const merged = mergePatch(current, patch) as Obj;
    return this.replace(plural, namespace, name, { ...merged, metadata: { ...merged.metadata, resourceVersion: undefined } }, subresource);
  }

  remove(plural: string, namespace: string, name: string): Obj {
    const current = this.get(plural, namespace, name);
    this.table(plural).delete(this.key(plural, namespace, name));
    return this.commit(plural, null, 'DELETED', current);
  }

  /** The changes after `rv` (which must still be in the history), or 'gone'. */
  changesSince(rv: number): Change[] | 'gone' {
    if (rv < this.resumableFrom) return 'gone';
    return this.history.filter((change) => change.rv > rv);
  }

  /** Forgets the whole history: every resourceVersion seen so far becomes too old to watch from. */
  compact(): void {
    this.history = [];
    // Compaction is a revision of its own: a fresh list gets a version that can be watched from.
    this.version += 1;
    this.resumableFrom = this.version;
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  info(plural: string): ResourceInfo {
    const info = RESOURCE_INFO[plural];
    if (!info) throw new ApiError(404, 'NotFound', `the server could not find the requested resource ${plural}`);
    return info;
  }

  private commit(plural: string, key: string | null, type: Change['type'], obj: Obj): Obj {
    this.version += 1;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.version) } };
    if (key) this.table(plural).set(key, stored);
    const change: Change = { rv: this.version, type, plural, object: stored };
    this.history.push(change);
    const dropped = this.history.length > this.maxHistory ? this.history.shift() : undefined;
    if (dropped) this.resumableFrom = dropped.rv;
    for (const listener of this.listeners) listener(change);
    return structuredClone(stored);
  }

  private table(plural: string): Map<string, Obj> {
    this.info(plural);
    let table = this.objects.get(plural);
    if (!table) this.objects.set(plural, (table = new Map()));
    return table;
  }

  private key(plural: string, namespace: string, name: string): string {
    return this.info(plural).namespaced ? `${namespace}/${name}` : name;
  }
}

/** What a real API server would refuse that Portico could get wrong. */
function validate(plural: string, obj: Obj): void {
  if (plural === 'leases') {
    for (const field of ['renewTime', 'acquireTime'] as const) {
      const value = obj.spec?.[field];
      if (value !== undefined && value !== null && !MICRO_TIME.test(String(value))) {
        throw new ApiError(400, 'BadRequest', `spec.${field}: ${JSON.stringify(value)} is not a MicroTime (six fractional digits)`);
      }
    }
  }
  if (plural === 'events' && !obj.involvedObject?.name) throw new ApiError(422, 'Invalid', 'involvedObject.name: Required value');
}

export function matches(obj: Obj, selectors: Selectors): boolean {
  if (selectors.namespace !== null && obj.metadata?.namespace !== selectors.namespace) return false;
  for (const term of (selectors.fieldSelector ?? '').split(',').filter(Boolean)) {
    const [field = '', value = ''] = term.split('=');
    const actual = field === 'metadata.name' ? obj.metadata?.name : field === 'metadata.namespace' ? obj.metadata?.namespace : undefined;
    if (actual !== value) return false;
  }
  for (const term of (selectors.labelSelector ?? '').split(',').filter(Boolean)) {
    const [label = '', value = ''] = term.split('=');
    if (obj.metadata?.labels?.[label] !== value) return false;
  }
  return true;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Obj = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [key, value] of Object.entries(patch as Obj)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
