/**
 * A test Kubernetes API server on loopback that speaks the real HTTP protocol for what Portico uses:
 * LIST (with resourceVersion, limit/continue, field and label selectors), WATCH streams (ADDED,
 * MODIFIED, DELETED, BOOKMARK, and ERROR 410 for an expired version), create/replace/merge-patch/delete,
 * the status subresource, Leases, Events, Nodes, Pods. Tests can drop every watch, force 410 (compact),
 * and take the server down and bring it back on the same port. Every request is recorded with the
 * attributes RBAC authorizes it by.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, ObjectStore, matches, type Change, type Obj, type Selectors } from './api-objects.js';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string;
  /** What RBAC authorizes it by; null for a path that names no resource. */
  attributes: RequestAttributes | null;
}

/** A request as the API server's authorizer sees it (its RequestInfo), for RBAC checks. */
export interface RequestAttributes {
  verb: string;
  /** '' is the core group. */
  group: string;
  /** The plural, with the subresource if any: `ingresses/status`. */
  resource: string;
  /** '' for a cluster-scoped resource or a request across all namespaces. */
  namespace: string;
  /** The object named in the path; '' for a collection. */
  name: string;
}

export interface ApiServer {
  url: string;
  objects: ObjectStore;
  /** Every request, oldest first (watch requests included). */
  requests: RecordedRequest[];
  /** Writes a kubeconfig for this server whose user sends `Bearer <token>`; returns its path. */
  kubeconfig(token?: string): Promise<string>;
  /** Ends every open watch stream abruptly, as a broken connection would. */
  dropWatches(): void;
  /** Closes the listener and every connection; connections are refused until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

interface Route {
  group: string;
  plural: string;
  namespace: string | null;
  name: string | null;
  subresource: string | null;
}

const PATH = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

function route(path: string): Route | null {
  const found = PATH.exec(path);
  if (!found) return null;
  const [, group = '', namespace, plural = '', name, subresource] = found;
  return { group, plural, namespace: namespace ? decodeURIComponent(namespace) : null, name: name ? decodeURIComponent(name) : null, subresource: subresource ?? null };
}

/** RBAC verbs by HTTP method, for a collection and for a named object. */
const VERBS: Record<string, [collection: string, object: string]> = {
  GET: ['list', 'get'],
  POST: ['create', 'create'],
  PUT: ['update', 'update'],
  PATCH: ['patch', 'patch'],
  DELETE: ['deletecollection', 'delete'],
};

function attributesOf(method: string, target: Route, query: URLSearchParams): RequestAttributes {
  const watch = method === 'GET' && ['1', 'true'].includes(query.get('watch') ?? '');
  const [collection, object] = VERBS[method] ?? [method.toLowerCase(), method.toLowerCase()];
  return {
    verb: watch ? 'watch' : target.name ? object : collection,
    group: target.group,
    resource: target.subresource ? `${target.plural}/${target.subresource}` : target.plural,
    namespace: target.namespace ?? '',
    name: target.name ?? '',
  };
}

function status(res: ServerResponse, err: ApiError): void {
  res.writeHead(err.code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: err.message, reason: err.reason, code: err.code }));
}

async function readBody(req: IncomingMessage): Promise<Obj> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Obj;
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body is not JSON');
  }
}

export async function startApiServer(options: { bookmarkIntervalMs?: number; maxHistory?: number } = {}): Promise<ApiServer> {
  const objects = new ObjectStore(options.maxHistory);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const watches = new Set<ServerResponse>();
  const kubeconfigDirs: string[] = [];

  const serveWatch = (req: IncomingMessage, res: ServerResponse, plural: string, selectors: Selectors, query: URLSearchParams): void => {
    const info = objects.info(plural);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const send = (type: string, object: Obj): boolean => res.write(`${JSON.stringify({ type, object })}\n`);
    const asTyped = (object: Obj): Obj => ({ kind: info.kind, apiVersion: info.apiVersion, ...object });
    const from = query.get('resourceVersion') ?? '';
    let replay: Change[];
    if (from === '' || from === '0') {
      replay = objects.list(plural, selectors).map((object) => ({ rv: 0, type: 'ADDED', plural, object }));
    } else {
      const since = objects.changesSince(Number(from));
      if (since === 'gone') {
        send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${from}` });
        res.end();
        return;
      }
      replay = since.filter((change) => change.plural === plural && matches(change.object, selectors));
    }
    for (const change of replay) send(change.type, asTyped(change.object));
    const unsubscribe = objects.subscribe((change) => {
      if (change.plural === plural && matches(change.object, selectors)) send(change.type, asTyped(change.object));
    });
    const timers: NodeJS.Timeout[] = [];
    if (query.get('allowWatchBookmarks') === 'true') {
      timers.push(setInterval(() => send('BOOKMARK', { kind: info.kind, apiVersion: info.apiVersion, metadata: { resourceVersion: objects.resourceVersion } }), options.bookmarkIntervalMs ?? 1000));
    }
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
    watches.add(res);
    res.on('close', () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      watches.delete(res);
    });
    req.on('close', () => res.end());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = route(url.pathname);
    const attributes = target && attributesOf(req.method ?? '', target, url.searchParams);
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization ?? '', attributes });
    if (!target || !attributes) throw new ApiError(404, 'NotFound', `no route for ${url.pathname}`);
    const { plural, name, subresource } = target;
    const namespace = target.namespace ?? '';
    const json = (code: number, body: Obj): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const info = objects.info(plural);
    const typed = (object: Obj): Obj => ({ kind: info.kind, apiVersion: info.apiVersion, ...object });
    switch (req.method) {
      case 'GET': {
        if (name) return json(200, typed(objects.get(plural, namespace, name)));
        const selectors: Selectors = { namespace: target.namespace, fieldSelector: url.searchParams.get('fieldSelector'), labelSelector: url.searchParams.get('labelSelector') };
        if (attributes.verb === 'watch') return serveWatch(req, res, plural, selectors, url.searchParams);
        const all = objects.list(plural, selectors).sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
        const offset = Number(url.searchParams.get('continue') || 0);
        const limit = Number(url.searchParams.get('limit') || all.length);
        const items = all.slice(offset, offset + limit);
        const next = offset + limit < all.length ? String(offset + limit) : undefined;
        // Items carry no kind or apiVersion, as a real LIST answers.
        return json(200, { kind: `${info.kind}List`, apiVersion: info.apiVersion, metadata: { resourceVersion: objects.resourceVersion, ...(next ? { continue: next } : {}) }, items });
      }
      case 'POST':
        return json(201, typed(objects.create(plural, namespace, await readBody(req))));
      case 'PUT':
        return json(200, typed(objects.replace(plural, namespace, name ?? '', await readBody(req), subresource ?? undefined)));
      case 'PATCH':
        if (req.headers['content-type'] !== 'application/merge-patch+json') throw new ApiError(415, 'UnsupportedMediaType', `only merge patches are served, not ${req.headers['content-type']}`);
        return json(200, typed(objects.patch(plural, namespace, name ?? '', await readBody(req), subresource ?? undefined)));
      case 'DELETE':
        objects.remove(plural, namespace, name ?? '');
        return json(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not supported`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => status(res, err instanceof ApiError ? err : new ApiError(500, 'InternalError', String(err))));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;

  const down = async (): Promise<void> => {
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url,
    objects,
    requests,
    async kubeconfig(token = 'portico-test') {
      const dir = await mkdtemp(join(tmpdir(), 'portico-kubeconfig-'));
      kubeconfigDirs.push(dir);
      const file = join(dir, 'config');
      await writeFile(file, [
        'apiVersion: v1', 'kind: Config', 'current-context: test',
        'clusters:', `- name: test`, '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true',
        'users:', '- name: test', '  user:', `    token: ${token}`,
        'contexts:', '- name: test', '  context:', '    cluster: test', '    user: test',
      ].join('\n'));
      return file;
    },
    dropWatches() {
      for (const res of watches) res.socket?.destroy();
    },
    down,
    async up() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async stop() {
      await down();
      await Promise.all(kubeconfigDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
