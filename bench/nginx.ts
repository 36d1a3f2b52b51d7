/** Plain nginx processes (no Lua) for the benchmarks: fast backends and the static-upstream baseline. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, stopProcess } from '../test/helpers/processes.js';

export interface PlainNginx {
  child: ChildProcess;
  stop(): Promise<void>;
}

export function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** nginx.conf for one worker with `http` as its http block's body, its files under `prefix`. */
export function plainNginxConf(prefix: string, http: string, options: { masterProcess?: boolean } = {}): string {
  return `worker_processes 1;
daemon off;
master_process ${options.masterProcess === false ? 'off' : 'on'};
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 1000000;
    ${http}
}
`;
}

/** Starts nginx with one worker and `http` as its http block's body; resolves once `probe` accepts connections. */
export async function startPlainNginx(http: string, probe: { address: string; port: number }): Promise<PlainNginx> {
  const prefix = await mkdtemp(join(tmpdir(), 'portico-bench-nginx-'));
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, plainNginxConf(prefix, http));
  const child = spawn('nginx', ['-e', 'stderr', '-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    await rm(prefix, { recursive: true, force: true });
  };
  await eventually(`nginx on ${probe.address}:${probe.port}`, () => child.exitCode === null && accepts(probe.address, probe.port), 10_000).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { child, stop };
}

/** Backends ("pods") on each address and the same port, answering 200 with their own address. */
export function startFastBackends(addresses: string[], port: number): Promise<PlainNginx> {
  const listens = addresses.map((address) => `listen ${address}:${port};`).join(' ');
  return startPlainNginx(`server { ${listens} location / { default_type text/plain; return 200 "$server_addr\\n"; } }`, {
    address: addresses[0] ?? '127.0.0.1',
    port,
  });
}

/**
 * The limit Portico is compared with: a static upstream block with keepalive to the same backends,
 * proxying with the request headers every ingress sends (the ones Portico's locations set).
 */
export function staticProxyHttp(listen: { address: string; port: number }, backends: string[], backendPort: number): string {
  const servers = backends.map((address) => `server ${address}:${backendPort};`).join(' ');
  return `upstream backends { ${servers} keepalive 320; keepalive_requests 10000; }
    map $http_x_request_id $request_id_out { default $http_x_request_id; "" $request_id; }
    server {
        listen ${listen.address}:${listen.port};
        location / {
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Request-ID $request_id_out;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Connection "";
            proxy_pass http://backends;
        }
    }`;
}

export function startStaticProxy(listen: { address: string; port: number }, backends: string[], backendPort: number): Promise<PlainNginx> {
  return startPlainNginx(staticProxyHttp(listen, backends, backendPort), listen);
}
