/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset deploy/ uses: `resources` (files and
 * directories holding a kustomization) and `patches` with a `target` (kind, name) and an inline or file JSON 6902
 * patch (add, remove, replace), optionally changing the kind. Anything else in a kustomization is refused, so the
 * manifests cannot drift beyond what the tests render.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type KubeManifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [field: string]: unknown };

interface Operation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

interface Patch {
  target: { kind: string; name: string };
  patch?: string;
  path?: string;
  options?: { allowKindChange?: boolean };
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'patches']);

export function kustomize(dir: string): KubeManifest[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${dir}/kustomization.yaml: ${field} is not supported by the test renderer`);
  }
  const objects = ((kustomization.resources ?? []) as string[]).flatMap((resource) => load(join(dir, resource)));
  for (const patch of (kustomization.patches ?? []) as Patch[]) {
    const text = patch.patch ?? readFileSync(join(dir, patch.path ?? ''), 'utf8');
    const targets = objects.filter((object) => object.kind === patch.target.kind && object.metadata.name === patch.target.name);
    if (targets.length !== 1) throw new Error(`${dir}: patch target ${patch.target.kind}/${patch.target.name} matches ${targets.length} objects`);
    const target = targets[0]!;
    const kind = target.kind;
    for (const operation of parse(text) as Operation[]) apply(target, operation);
    if (target.kind !== kind && !patch.options?.allowKindChange) throw new Error(`${dir}: patch changes the kind of ${kind}/${target.metadata.name}`);
  }
  return objects;
}

function load(path: string): KubeManifest[] {
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'kustomization.yaml'))) throw new Error(`${path} has no kustomization.yaml`);
    return kustomize(path);
  }
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => document.toJS() as KubeManifest | null)
    .filter((object): object is KubeManifest => object !== null);
}

/** JSON pointer segments, with `~1` for `/` and `~0` for `~`. */
function segments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function apply(document: KubeManifest, { op, path, value }: Operation): void {
  const keys = segments(path);
  const last = keys.pop();
  if (last === undefined) throw new Error(`patch path ${path} names the whole document`);
  let parent: unknown = document;
  for (const key of keys) {
    parent = (parent as Record<string, unknown>)[key];
    if (parent === null || typeof parent !== 'object') throw new Error(`patch path ${path}: ${key} does not exist`);
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (op === 'add') parent.splice(index, 0, value);
    else if (index >= parent.length) throw new Error(`patch path ${path} does not exist`);
    else if (op === 'remove') parent.splice(index, 1);
    else parent[index] = value;
    return;
  }
  const container = parent as Record<string, unknown>;
  if (op !== 'add' && !(last in container)) throw new Error(`patch path ${path} does not exist`);
  if (op === 'remove') delete container[last];
  else container[last] = value;
}

