import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile, unlink } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT, eventually, freePort, stopProcess } from './processes.js';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Portico {
  child: ChildProcess;
  httpPort: number;
  httpsPort: number;
  statusPort: number;
  workDir: string;
  manifestsDir: string;
  logs: LogRecord[];
  /** Writes (or replaces) one manifest file; objects are serialised as multi-document YAML. */
  writeManifest(name: string, objects: object[] | string): Promise<void>;
  removeManifest(name: string): Promise<void>;
  waitForLog(what: string, match: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  /** Pids of the current nginx worker processes: a reload replaces them, a dynamic update does not. */
  workerPids(): Promise<number[]>;
  masterPid(): Promise<number>;
  reloads(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Manifest files written before start, by file name. */
  manifests?: Record<string, object[] | string>;
  args?: string[];
  /** A work dir that outlives this controller (the sidecar layout's shared volume); default: a fresh one, removed on stop. */
  workDir?: string;
  /** Traffic ports, to serve on those of a previous controller; default: free ones. */
  ports?: { http: number; https: number };
  /** Read objects from the API server this kubeconfig names instead of the manifests directory. */
  kubeconfig?: string;
  /** Extra environment (the downward API's POD_NAME, NODE_NAME, …). */
  env?: Record<string, string>;
  /** How long to wait for /readyz 200 (default 30 s; the scale bench starts with thousands of Ingresses). */
  readyTimeoutMs?: number;
  /** Return once the process runs, without waiting for /readyz 200 (a start that is meant to fail). */
  waitReady?: boolean;
}

export async function startPortico(options: StartOptions = {}): Promise<Portico> {
  const root = await mkdtemp(join(tmpdir(), 'portico-test-'));
  // Workers (nobody when tests run as root) read files under the work dir per request, such as htpasswd files.
  await chmod(root, 0o755);
  const manifestsDir = join(root, 'manifests');
  const workDir = options.workDir ?? join(root, 'work');
  await mkdir(manifestsDir);
  const writeManifest = async (name: string, objects: object[] | string): Promise<void> => {
    const text = typeof objects === 'string' ? objects : objects.map((object) => stringify(object)).join('---\n');
    // Write then rename, as kubectl-style tools and editors do, so the watcher never sees half a file.
    const staged = join(root, `.${name}.tmp`);
    await writeFile(staged, text);
    await rename(staged, join(manifestsDir, name));
  };
  for (const [name, objects] of Object.entries(options.manifests ?? {})) await writeManifest(name, objects);

  const [httpPort, httpsPort, statusPort] = [options.ports?.http ?? (await freePort()), options.ports?.https ?? (await freePort()), await freePort()];
  const args = [
    join(REPO_ROOT, 'bin/portico'),
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : ['--manifests', manifestsDir]),
    '--work-dir', workDir,
    '--bind-address', '127.0.0.1',
    '--http-port', String(httpPort),
    '--https-port', String(httpsPort),
    '--status-port', String(statusPort),
    '--min-reload-interval', '0.2',
    '--log-level', 'debug',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const logs: LogRecord[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (process.env.PORTICO_TEST_LOGS) process.stderr.write(`${line}\n`);
      try {
        logs.push(JSON.parse(line) as LogRecord);
      } catch {
        logs.push({ level: 30, msg: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));

  const masterPid = async (): Promise<number> => Number((await readFile(join(workDir, 'nginx.pid'), 'utf8')).trim());
  const portico: Portico = {
    child,
    httpPort,
    httpsPort,
    statusPort,
    workDir,
    manifestsDir,
    logs,
    writeManifest,
    removeManifest: (name) => unlink(join(manifestsDir, name)),
    waitForLog: (what, match, timeoutMs) => eventually(what, () => logs.find(match), timeoutMs),
    masterPid,
    async workerPids() {
      const children = await readFile(`/proc/${await masterPid()}/task/${await masterPid()}/children`, 'utf8');
      return children.trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
    },
    reloads: () => logs.filter((record) => record.msg === 'configuration reloaded').length,
    async stop() {
      await stopProcess(child, 15_000);
      await rm(root, { recursive: true, force: true });
    },
  };
  if (options.waitReady === false) return portico;
  await eventually('Portico /readyz 200', async () => (await get(portico, { path: '/readyz', port: statusPort })).status === 200, options.readyTimeoutMs ?? 30_000).catch(
    async (err: unknown) => {
      await portico.stop();
      throw err;
    },
  );
  return portico;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The echo backend's answer, when the body is one. */
  json: { pod: string; url: string; headers: Record<string, string>; method: string; httpVersion: string; firstBodyByteAt: number | null } | null;
}

export interface RequestOptions {
  host?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** Send over TLS to the https port; `servername` (SNI) defaults to host. */
  https?: boolean;
  /** PEM CA to verify the server certificate against; without it the certificate is not verified. */
  ca?: string;
  port?: number;
  body?: string;
  /** Source address to send from (any 127.0.0.0/8 address works on loopback), as a client elsewhere would. */
  localAddress?: string;
  /** PEM client certificate and key presented over TLS. */
  clientCertificate?: { cert: string; key: string };
}

/** One request on a fresh connection (no keepalive: a reload's old workers never answer it). */
export function get(portico: Pick<Portico, 'httpPort' | 'httpsPort'>, options: RequestOptions = {}): Promise<Answer & { certificate?: { subject: Record<string, string> } }> {
  const secure = options.https ?? false;
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.host) headers.host = options.host;
  const common = {
    hostname: '127.0.0.1',
    port: options.port ?? (secure ? portico.httpsPort : portico.httpPort),
    path: options.path ?? '/',
    method: options.method ?? 'GET',
    headers,
    agent: false as const,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      const socket = res.socket as import('node:tls').TLSSocket;
      const peer = secure ? socket.getPeerCertificate() : undefined;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(body);
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json, certificate: peer ? { subject: peer.subject as unknown as Record<string, string> } : undefined });
      });
      res.on('error', reject);
    };
    const req = secure
      ? httpsRequest({ ...common, servername: options.host, ca: options.ca, rejectUnauthorized: options.ca !== undefined, ...options.clientCertificate }, onResponse)
      : httpRequest(common, onResponse);
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}
