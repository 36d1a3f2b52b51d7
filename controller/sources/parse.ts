import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml';
import { KINDS, type Kind, type KubeObject } from '../store/types.js';

/**
 * The apiVersion Portico reads each kind in. An object of a known kind in another version (an
 * `extensions/v1beta1` Ingress) has a different shape, so it is reported rather than misread.
 */
const API_VERSIONS: Record<Kind, string> = {
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  Service: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Secret: 'v1',
  ConfigMap: 'v1',
};

export interface ParsedManifests {
  objects: KubeObject[];
  errors: string[];
}

/**
 * A document may hold at most this many values per character of its file once its aliases are expanded: more
 * is only reachable through aliases of aliases (an alias bomb), which the store's JSON copy would expand.
 */
const MAX_VALUES_PER_CHARACTER = 10;

/**
 * The objects of kinds Portico reads from one manifest file: YAML (any number of documents) or
 * JSON, which YAML 1.2 parses as well. `List` and `*List` documents contribute their items; empty
 * documents and other kinds (Deployments, Pods…) are skipped. Errors name the file and, for a
 * single bad object, its document number (counting from 1).
 *
 * js-yaml parses several times faster than `yaml` (10k Ingresses are about 16 MB of YAML). The core schema
 * is YAML 1.2's, as the API server reads it: timestamps stay strings and `<<` is an ordinary key.
 */
export function parseManifests(text: string, fileName: string): ParsedManifests {
  let documents: unknown[];
  try {
    documents = loadAll(text, null, { schema: CORE_SCHEMA, filename: fileName });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    return { objects: [], errors: [`${fileName}: ${err.reason} at line ${err.mark.line + 1}, column ${err.mark.column + 1}`] };
  }

  const objects: KubeObject[] = [];
  const errors: string[] = [];
  const maxValues = MAX_VALUES_PER_CHARACTER * text.length + 1000;
  documents.forEach((value, index) => {
    const where = `${fileName}: document ${index + 1}`;
    if (value === null || value === undefined) return;
    if (!expandsWithin(value, maxValues)) {
      errors.push(`${where}: its aliases expand to more than ${maxValues} values`);
      return;
    }
    if (!isRecord(value)) {
      errors.push(`${where}: not a Kubernetes object`);
      return;
    }
    const kind = value['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
      value['items'].forEach((item: unknown, itemIndex) => {
        readObject(item, `${where}, item ${itemIndex + 1}`, objects, errors);
      });
    } else {
      readObject(value, where, objects, errors);
    }
  });
  return { objects, errors };
}

/** Adds value to objects if it is of a kind Portico reads, or an error to errors if it is malformed. */
function readObject(value: unknown, where: string, objects: KubeObject[], errors: string[]): void {
  if (!isRecord(value) || typeof value['kind'] !== 'string') {
    errors.push(`${where}: object has no kind`);
    return;
  }
  const kind = value['kind'];
  if (!isKind(kind)) return;
  if (value['apiVersion'] !== API_VERSIONS[kind]) {
    errors.push(`${where}: ${kind} has apiVersion ${String(value['apiVersion'])}, expected ${API_VERSIONS[kind]}`);
    return;
  }
  const metadata = value['metadata'];
  if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || metadata['name'] === '') {
    errors.push(`${where}: ${kind} has no metadata.name`);
    return;
  }
  if (metadata['namespace'] !== undefined && typeof metadata['namespace'] !== 'string') {
    errors.push(`${where}: ${kind} ${metadata['name']} has a metadata.namespace that is not a string`);
    return;
  }
  // The shape below metadata is the model's to validate; it reports problems per object.
  objects.push({ kind, obj: value } as KubeObject);
}

/** Whether value holds at most `limit` values, counting each use of a shared (aliased) one again. */
function expandsWithin(value: unknown, limit: number): boolean {
  let left = limit;
  const pending = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    left -= 1;
    if (left < 0) return false;
    if (next !== null && typeof next === 'object') for (const inner of Object.values(next)) pending.push(inner);
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value);
}
