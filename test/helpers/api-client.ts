/** What tests do to the test API server, over HTTP as kubectl would: apply, delete, read. */
import { pluralOf, RESOURCE_INFO, type Obj } from './api-objects.js';

function pathOf(kind: string, namespace: string | undefined, name?: string): string {
  const plural = pluralOf(kind);
  const info = RESOURCE_INFO[plural];
  if (!info) throw new Error(`unknown kind ${kind}`);
  const base = info.apiVersion === 'v1' ? '/api/v1' : `/apis/${info.apiVersion}`;
  const scope = info.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
  return `${base}${scope}/${plural}${name ? `/${name}` : ''}`;
}

async function call(server: string, method: string, path: string, body?: Obj): Promise<{ status: number; body: Obj }> {
  const res = await fetch(`${server}${path}`, {
    method,
    headers: body ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Obj };
}

/** Creates each object, or replaces it (keeping its status) if it exists. */
export async function apply(server: string, ...objects: object[]): Promise<void> {
  for (const object of objects as Obj[]) {
    const { kind, metadata } = object;
    const existing = await call(server, 'GET', pathOf(kind, metadata.namespace, metadata.name));
    const answer = existing.status === 404
      ? await call(server, 'POST', pathOf(kind, metadata.namespace), object)
      : await call(server, 'PUT', pathOf(kind, metadata.namespace, metadata.name), { ...object, metadata: { ...metadata, resourceVersion: existing.body.metadata.resourceVersion } });
    if (answer.status >= 300) throw new Error(`apply ${kind} ${metadata.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

export async function remove(server: string, kind: string, name: string, namespace = 'default'): Promise<void> {
  const answer = await call(server, 'DELETE', pathOf(kind, namespace, name));
  if (answer.status >= 300) throw new Error(`delete ${kind} ${name}: ${answer.status}`);
}

export async function read(server: string, kind: string, name: string, namespace = 'default'): Promise<Obj> {
  const answer = await call(server, 'GET', pathOf(kind, namespace, name));
  if (answer.status >= 300) throw new Error(`get ${kind} ${name}: ${answer.status}`);
  return answer.body;
}

/** Every object of a kind in a namespace (all namespaces when null). */
export async function list(server: string, kind: string, namespace: string | null = null): Promise<Obj[]> {
  const plural = pluralOf(kind);
  const path = namespace === null ? pathOf(kind, undefined).replace(/\/namespaces\/[^/]+/, '') : pathOf(kind, namespace);
  const answer = await call(server, 'GET', path);
  if (answer.status >= 300) throw new Error(`list ${plural}: ${answer.status}`);
  return answer.body.items as Obj[];
}

/** The addresses (IPs or host names) in an Ingress's status.loadBalancer.ingress. */
export async function ingressStatus(server: string, name: string, namespace = 'default'): Promise<string[]> {
  const object = await read(server, 'Ingress', name, namespace);
  return ((object.status?.loadBalancer?.ingress ?? []) as Array<{ ip?: string; hostname?: string }>).map((entry) => entry.ip ?? entry.hostname ?? '');
}
