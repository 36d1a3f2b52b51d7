// `npx tsx bench/instructions.ts`: user-space instructions the proxy executes per request, static nginx upstream
// vs Portico, counted by valgrind's callgrind on the data-plane benchmark's setup. Unlike req/s or CPU time, an
// instruction count does not move with the machine's load, so a change to the Lua hot path or the template can be
// judged on a busy machine; kernel time (about two thirds of a proxied request here) is not in it.
// Each proxy runs as a single process (`master_process off`) under callgrind; counting starts after a warm-up.
// INSTR_SECONDS (default 5) of wrk load is counted for each. Needs valgrind (Debian package `valgrind`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { eventually, freePort, stopProcess } from '../test/helpers/processes.js';
import { startPortico } from '../test/helpers/portico.js';
import { HOST, PODS, dataplaneManifests } from './dataplane.js';
import { accepts, plainNginxConf, startFastBackends, staticProxyHttp } from './nginx.js';
import { runWrk } from './system.js';
import { CONFIG_SOCKET } from '../controller/render/settings.js';

const seconds = Number(process.env.INSTR_SECONDS ?? 5);
const CONNECTIONS = 8;
/** Functions whose inclusive cost is reported per request too: Portico's two Lua phases. */
const PHASES = { balancer: 'ngx_http_lua_balancer_handler_inline', log: 'ngx_http_lua_log_handler_inline' };

interface Counted {
  instructions: number;
  requests: number;
  /** Inclusive instructions per request in each of PHASES (0 when the function never ran). */
  phases: Record<keyof typeof PHASES, number>;
}

function postBackends(socketPath: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/configuration/backends', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`backends push answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs nginx on `conf` under callgrind, lets `prepare` run once it listens, counts a wrk run after a warm-up. */
async function count(dir: string, conf: string, port: number, prepare: () => Promise<void> = async () => {}): Promise<Counted> {
  const out = join(dir, 'callgrind.out');
  const child: ChildProcess = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, 'nginx', '-e', 'stderr', '-p', dir, '-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await eventually('nginx under callgrind listening', () => child.exitCode === null && accepts('127.0.0.1', port), 120_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${stderr.slice(-2000)}`);
    });
    await prepare();
    const url = `http://127.0.0.1:${port}/`;
    await runWrk(url, { host: HOST, seconds: 2, connections: CONNECTIONS, cpu: null });
    await execa('callgrind_control', ['--zero', String(child.pid)]);
    const { requests, errors } = await runWrk(url, { host: HOST, seconds, connections: CONNECTIONS, cpu: null });
    if (errors > 0) throw new Error(`${errors} failed requests while counting`);
    await execa('callgrind_control', ['--dump', String(child.pid)]);
    const dump = (await readdir(dir)).filter((name) => name.startsWith('callgrind.out.')).sort().at(-1);
    if (!dump) throw new Error('callgrind wrote no dump');
    const text = await readFile(join(dir, dump), 'utf8');
    const instructions = Number(/^summary: (\d+)/m.exec(text)?.[1] ?? /^totals: (\d+)/m.exec(text)?.[1]);
    const { stdout } = await execa('callgrind_annotate', ['--inclusive=yes', '--threshold=100', join(dir, dump)]);
    const inclusive = (fn: string): number => Number(new RegExp(`^\\s*([\\d,]+) .*:${fn} `, 'm').exec(stdout)?.[1]?.replaceAll(',', '') ?? 0);
    return {
      instructions,
      requests,
      phases: { balancer: Math.round(inclusive(PHASES.balancer) / requests), log: Math.round(inclusive(PHASES.log) / requests) },
    };
  } finally {
    await stopProcess(child, 30_000);
  }
}

async function countStatic(backendPort: number): Promise<Counted> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-instr-static-'));
  try {
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, plainNginxConf(dir, staticProxyHttp({ address: '127.0.0.1', port }, PODS, backendPort), { masterProcess: false }));
    return await count(dir, conf, port);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Portico renders and loads its configuration as usual; the same files then run under callgrind, backends pushed again. */
async function countPortico(backendPort: number): Promise<Counted> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-instr-'));
  try {
    const portico = await startPortico({ manifests: dataplaneManifests(backendPort), workDir: dir, args: ['--worker-processes', '1', '--log-level', 'info'] });
    const socketPath = join(dir, CONFIG_SOCKET);
    const backends = await new Promise<string>((resolve, reject) => {
      request({ socketPath, path: '/configuration/backends' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
    const port = portico.httpPort;
    await portico.stop();
    const conf = join(dir, 'nginx.single.conf');
    await writeFile(conf, (await readFile(join(dir, 'nginx.conf'), 'utf8')).replace(/^master_process on;$/m, 'master_process off;'));
    return await count(dir, conf, port, () => postBackends(socketPath, backends));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const backendPort = await freePort();
const backends = await startFastBackends(PODS, backendPort);
try {
  const staticCount = await countStatic(backendPort);
  const porticoCount = await countPortico(backendPort);
  const perRequest = (counted: Counted): number => Math.round(counted.instructions / counted.requests);
  process.stdout.write(
    `${JSON.stringify({
      static_instructions_per_request: perRequest(staticCount),
      portico_instructions_per_request: perRequest(porticoCount),
      ratio: Number((perRequest(staticCount) / perRequest(porticoCount)).toFixed(3)),
      portico_balancer_phase: porticoCount.phases.balancer,
      portico_log_phase: porticoCount.phases.log,
      requests: { static: staticCount.requests, portico: porticoCount.requests },
    })}\n`,
  );
} finally {
  await backends.stop();
}
