import { sameJson } from '../stable-json.js';
import { KINDS, type Kind, type KindMap, type KubeObject, type Snapshot } from './types.js';

/** Kinds without a namespace; every other kind Portico reads is namespaced. */
const CLUSTER_SCOPED: ReadonlySet<Kind> = new Set(['IngressClass']);

/** What one origin holds under one key. */
interface Entry {
  origin: string;
  kind: Kind;
  namespace: string;
  name: string;
  obj: KubeObject['obj'];
}

/**
 * The cache every source fills and the model reads. Objects are keyed by kind + namespace/name;
 * each origin (a manifest file, the API) contributes its own set, and where two origins hold the
 * same key the latest write wins until it is withdrawn, which brings back the other copy.
 */
export class Store {
  /** origin → key → that origin's copy. */
  private readonly byOrigin = new Map<string, Map<string, Entry>>();
  /** key → every origin's copy, latest write last; the last one is the one served. */
  private readonly holders = new Map<string, Entry[]>();
  private readonly listeners = new Set<() => void>();
  private cachedSnapshot: Snapshot | null = null;
  private changes = 0;

  /** Bumps on each effective change. */
  get version(): number {
    return this.changes;
  }

  /** Replace everything one origin contributed, as one change. */
  replace(origin: string, objects: readonly KubeObject[]): void {
    this.replaceMany(new Map([[origin, objects]]));
  }

  /** Replace the contributions of several origins as one change (a source's initial load). */
  replaceMany(contributions: ReadonlyMap<string, readonly KubeObject[]>): void {
    const writes: Array<[string, string, Entry | null]> = [];
    const strings: Strings = new Map();
    for (const [origin, objects] of contributions) {
      const next = new Map<string, Entry>();
      for (const { kind, obj } of objects) {
        if (!KINDS.includes(kind)) continue;
        const entry = toEntry(origin, kind, obj, strings);
        next.set(keyOf(kind, entry.namespace, entry.name), entry);
      }
      const previous = this.byOrigin.get(origin) ?? new Map<string, Entry>();
      for (const key of previous.keys()) {
        if (!next.has(key)) writes.push([origin, key, null]);
      }
      for (const [key, entry] of next) writes.push([origin, key, entry]);
    }
    this.write(writes);
  }

  /** Add or update one object of one origin (an informer's add/update). */
  upsert<K extends Kind>(origin: string, kind: K, obj: KindMap[K]): void {
    if (!KINDS.includes(kind)) return;
    const entry = toEntry(origin, kind, obj, new Map());
    this.write([[origin, keyOf(kind, entry.namespace, entry.name), entry]]);
  }

  /** Withdraw one object of one origin (an informer's delete); the namespace is ignored for cluster-scoped kinds. */
  remove(origin: string, kind: Kind, namespace: string, name: string): void {
    this.write([[origin, keyOf(kind, namespace, name), null]]);
  }

  /** Everything served now, each array sorted by namespace then name; the same object until the next change. */
  snapshot(): Snapshot {
    this.cachedSnapshot ??= this.buildSnapshot();
    return this.cachedSnapshot;
  }

  /** Calls the listener after each effective change (once per change, not per object); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Applies writes (entry null = withdraw) and announces one change if any served object differs. */
  private write(writes: ReadonlyArray<[origin: string, key: string, entry: Entry | null]>): void {
    let changed = false;
    for (const [origin, key, entry] of writes) {
      const own = this.byOrigin.get(origin);
      const previous = own?.get(key);
      if (entry === null ? previous === undefined : sameContent(previous, entry)) continue;

      const before = this.holders.get(key)?.at(-1);
      const others = (this.holders.get(key) ?? []).filter((held) => held.origin !== origin);
      if (entry === null) {
        own?.delete(key);
        if (own?.size === 0) this.byOrigin.delete(origin);
      } else {
        this.byOrigin.set(origin, (own ?? new Map()).set(key, entry));
        others.push(entry);
      }
      if (others.length === 0) this.holders.delete(key);
      else this.holders.set(key, others);
      if (!sameContent(others.at(-1), before)) changed = true;
    }
    if (!changed) return;
    this.changes += 1;
    this.cachedSnapshot = null;
    for (const listener of [...this.listeners]) listener();
  }

  private buildSnapshot(): Snapshot {
    const served = new Map<Kind, Entry[]>(KINDS.map((kind) => [kind, []]));
    for (const held of this.holders.values()) {
      const entry = held.at(-1);
      if (entry) served.get(entry.kind)?.push(entry);
    }
    const sorted = <K extends Kind>(kind: K): readonly KindMap[K][] =>
      Object.freeze(
        (served.get(kind) ?? [])
          .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name))
          .map((entry) => entry.obj as KindMap[K]),
      );
    return Object.freeze({
      ingresses: sorted('Ingress'),
      ingressClasses: sorted('IngressClass'),
      services: sorted('Service'),
      endpointSlices: sorted('EndpointSlice'),
      secrets: sorted('Secret'),
      configMaps: sorted('ConfigMap'),
    });
  }
}

function keyOf(kind: Kind, namespace: string, name: string): string {
  // One flat string: a template literal makes a tree of concatenations, several objects per key.
  return ownCopy(`${kind}/${CLUSTER_SCOPED.has(kind) ? '' : namespace}/${name}`);
}

/**
 * A frozen copy of obj; namespaced objects without a namespace get "default", as kubectl gives
 * them, so the stored object says what its key says.
 */
function toEntry(origin: string, kind: Kind, obj: KubeObject['obj'], strings: Strings): Entry {
  if (!obj.metadata?.name) throw new TypeError(`${kind} from ${origin} has no metadata.name`);
  const namespace = CLUSTER_SCOPED.has(kind) ? '' : obj.metadata.namespace || 'default';
  const copy = frozenCopy(namespace ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj, strings);
  return { origin, kind, namespace: namespace && (copy.metadata?.namespace ?? ''), name: copy.metadata?.name ?? '', obj: copy };
}

/**
 * Whether two versions of an object say the same: `resourceVersion` and `managedFields` change on every
 * write (and on resyncs) without changing what the object says; key order does not count.
 */
function sameContent(a: Entry | undefined, b: Entry | undefined): boolean {
  if (a === b || a?.obj === b?.obj) return true;
  if (!a || !b) return false;
  const content = (obj: KubeObject['obj']): object => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined, managedFields: undefined } });
  return sameJson(content(a.obj), content(b.obj));
}

/** The strings copied in one write, by value: equal strings of the objects written together share one copy. */
type Strings = Map<string, string>;

/**
 * A string of its own: one parsed from a manifest may be a slice of the whole file's text, and one kept slice
 * keeps all of it (16 MB at 10k Ingresses). V8 makes slices and concatenations only from 13 characters on;
 * a slice of a new concatenation copies the characters into a string of their own.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/**
 * A deep, frozen copy of a JSON-like value, its strings copied once per value within `strings` (namespaces,
 * kinds, API versions, Service names… repeat across objects). Objects are built property by property as
 * literals are, so objects of the same shape share their hidden class (structuredClone's copies, frozen, had
 * one each): together about half the memory of structuredClone + freeze, and faster.
 */
function frozenCopy<T>(value: T, strings: Strings): T {
  if (typeof value === 'string') {
    let copy = strings.get(value);
    if (copy === undefined) {
      copy = ownCopy(value);
      strings.set(copy, copy);
    }
    return copy as T;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map((item: unknown) => frozenCopy(item, strings))) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = frozenCopy((value as Record<string, unknown>)[key], strings);
    // An own "__proto__" key (JSON can have one) must stay a key rather than set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: inner, enumerable: true, writable: true, configurable: true });
    else copy[key] = inner;
  }
  return Object.freeze(copy) as T;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
