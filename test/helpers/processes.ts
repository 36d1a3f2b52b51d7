import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ECHO_BACKEND = fileURLToPath(new URL('./echo-backend.mjs', import.meta.url));

/** Polls `check` until it returns a truthy value (returned) or the deadline passes (throws with `what`). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await delay(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/**
 * Ports tests listen on are taken below Linux's ephemeral range (32768 and up): a port the kernel handed out
 * for a listener and released could next become the local port of some outgoing connection (a client, an
 * upstream connection) before the test binds it.
 */
const LISTEN_PORTS = { low: 20_000, high: 32_767 };

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for tests that start right away). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LISTEN_PORTS.low + Math.floor(Math.random() * (LISTEN_PORTS.high - LISTEN_PORTS.low + 1));
    if (await canBind(port)) return port;
  }
  throw new Error('no free port');
}

/** Waits for a child to exit, killing it with SIGKILL if SIGTERM did not end it in time. */
export async function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** A real backend process ("pod") answering with JSON that names it (`pod: "address:port"`). */
export interface Backend {
  address: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `delayMs`: every answer waits this long (a slow pod); `script`: another backend program taking the same ADDRESS:PORT argument. */
export async function startBackend(address: string, port: number, options: { delayMs?: number; script?: string } = {}): Promise<Backend> {
  const env = { ...process.env, ECHO_DELAY_MS: String(options.delayMs ?? 0) };
  const child = spawn(process.execPath, [options.script ?? ECHO_BACKEND, `${address}:${port}`], { stdio: ['ignore', 'pipe', 'inherit'], env });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`echo backend ${address}:${port} exited with ${code}`)));
    child.stdout?.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  return { address, port, child, stop: () => stopProcess(child) };
}

/** Starts one backend per address, all on `port`, as pods of one Service would be. */
export async function startBackends(addresses: string[], port: number): Promise<Backend[]> {
  return Promise.all(addresses.map((address) => startBackend(address, port)));
}
