import { parseAllDocuments } from 'yaml';
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
 * The objects of kinds Portico reads from one manifest file: YAML (any number of documents) or
 * JSON, which YAML 1.2 parses as well. `List` and `*List` documents contribute their items; empty
 * documents and other kinds (Deployments, Pods…) are skipped. Errors name the file and, for a
 * single bad object, its document number (counting from 1).
 */
export function parseManifests(text: string, fileName: string): ParsedManifests {
  const documents = parseAllDocuments(text);
  const syntaxError = documents.flatMap((document) => document.errors)[0];
  if (syntaxError) {
    // The message's first line holds the reason and "at line L, column C"; the rest is a code frame.
    const reason = syntaxError.message.split('\n')[0]?.replace(/:$/, '');
    return { objects: [], errors: [`${fileName}: ${reason}`] };
  }

  const objects: KubeObject[] = [];
  const errors: string[] = [];
  documents.forEach((document, index) => {
    const where = `${fileName}: document ${index + 1}`;
    let value: unknown;
    try {
      value = document.toJS();
    } catch (err) {
      // Well-formed but unusable, such as an alias bomb past the parser's alias limit.
      errors.push(`${where}: ${(err as Error).message}`);
      return;
    }
    if (value === null || value === undefined) return;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value);
}
