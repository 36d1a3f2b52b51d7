import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../log.js';
import { PorticoError } from '../errors.js';
import { CONFIG_SOCKET, UNAVAILABLE_SOCKET } from '../render/settings.js';
import { pidFile, testConfiguration, type NginxMaster } from './master.js';

export interface NginxOptions {
  binary: string;
  /** nginx's prefix (`-p`): the rendered configuration, pid file and temp paths live here. */
  workDir: string;
  log: Logger;
  /** Called each time a master has been (re)started, so dynamic state (backends) can be pushed again. */
  onStart: () => void;
  /** How long a graceful stop may drain connections before the master is killed. */
  drainTimeoutMs?: number;
}

const RESTART_BACKOFF_MS = [100, 250, 500, 1000, 2000];
/** How often a master started without `nginx -t` is checked for having loaded its configuration. */
const LOAD_POLL_MS = 20;
/** How long the lines a master wrote before it exited may take to arrive through the pipe. */
const STDERR_DRAIN_MS = 1000;

/** nginx error_log lines carry their own level: `2026/01/01 00:00:00 [warn] 1#1: …`. */
function nginxLogLevel(line: string): 'debug' | 'info' | 'warn' | 'error' {
  const level = /\[(\w+)\]/.exec(line)?.[1];
  if (level === 'debug') return 'debug';
  if (level === 'info' || level === 'notice') return 'info';
  if (level === 'warn') return 'warn';
  return 'error';
}

/**
 * Whether pid is an nginx master past loading its configuration: once it has parsed it and bound the ports,
 * nginx writes its pid file, then retitles itself `nginx: master process …` (either shows it, should a custom
 * template move the pid file or a platform not support the title).
 */
function hasLoaded(pid: number | undefined, workDir: string): boolean {
  if (pid === undefined) return false;
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx: master process')) return true;
    return Number(readFileSync(pidFile(workDir), 'utf8').trim()) === pid;
  } catch {
    return false;
  }
}

/** Kills what is left of a master's process group (workers orphaned by a master that died). */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/**
 * The OpenResty master as a supervised child process: started in the foreground (`daemon off` is in the
 * configuration), validated with `nginx -t`, reloaded with SIGHUP, restarted with the last good
 * configuration if it dies, drained with SIGQUIT on shutdown.
 */
export class Nginx implements NginxMaster {
  private child: ResultPromise | null = null;
  private stopping = false;
  private restarts = 0;
  /** A master started by startUnchecked until it has loaded its configuration, with the stderr lines it wrote meanwhile. */
  private loading: { child: ResultPromise; lines: string[] } | null = null;
  private readonly options: Required<NginxOptions>;

  constructor(options: NginxOptions) {
    this.options = { drainTimeoutMs: 10_000, ...options };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async test(confFile: string): Promise<void> {
    await testConfiguration(this.options.binary, this.options.workDir, confFile);
  }

  /** Starts the master on `confFile`; returns once the process is spawned. */
  start(confFile: string): void {
    this.launch(confFile);
  }

  async startUnchecked(confFile: string): Promise<void> {
    const child = this.launch(confFile);
    const lines: string[] = [];
    this.loading = { child, lines };
    try {
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        const timer = setInterval(() => {
          if (settled || !hasLoaded(child.pid, this.options.workDir)) return;
          settled = true;
          clearInterval(timer);
          resolve();
        }, LOAD_POLL_MS);
        child.once('exit', (code, signal) => {
          clearInterval(timer);
          if (settled) return;
          settled = true;
          const fail = (): void => {
            const reason = lines.filter((line) => /\[(emerg|alert|crit)\]/.test(line)).join('\n') || lines.join('\n');
            reject(new PorticoError('CONFIG_INVALID', reason || `OpenResty exited while loading the configuration (code ${code ?? '-'} signal ${signal ?? '-'})`));
          };
          // Its last lines, the reason, may still be in the pipe.
          const stderr = child.stderr;
          if (!stderr || stderr.readableEnded) return fail();
          const late = setTimeout(fail, STDERR_DRAIN_MS);
          stderr.once('end', () => {
            clearTimeout(late);
            fail();
          });
        });
      });
    } finally {
      this.loading = null;
    }
  }

  private launch(confFile: string): ResultPromise {
    this.stopping = false;
    // A master killed with SIGKILL leaves its unix sockets behind, and nginx refuses to bind over them.
    for (const socket of [CONFIG_SOCKET, UNAVAILABLE_SOCKET]) rmSync(join(this.options.workDir, socket), { force: true });
    const child = execa(this.options.binary, ['-e', 'stderr', '-p', this.options.workDir, '-c', confFile], {
      reject: false,
      stdin: 'ignore',
      buffer: false,
      // Its own process group: if the master dies, its orphaned workers still hold the listening
      // sockets, and only the group id reaches them.
      detached: true,
    });
    this.child = child;
    const log = this.options.log;
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        log[nginxLogLevel(line)]({ source: 'nginx' }, line.trim());
        if (this.loading?.child === child) this.loading.lines.push(line.trim());
      }
    });
    log.info({ pid: child.pid }, 'OpenResty master started');
    this.options.onStart();
    // 'exit', not the promise: orphaned workers may keep the stderr pipe open after the master died.
    child.once('exit', (code, signal) => void this.exited(child, confFile, code ?? undefined, signal ?? undefined));
    return child;
  }

  private async exited(child: ResultPromise, confFile: string, code: number | undefined, signal: string | undefined): Promise<void> {
    if (this.child !== child) return;
    this.child = null;
    killGroup(child.pid);
    // A master that could not load a first configuration is not restarted on it: startUnchecked reports why.
    if (this.stopping || this.loading?.child === child) return;
    const wait = RESTART_BACKOFF_MS[Math.min(this.restarts, RESTART_BACKOFF_MS.length - 1)] ?? 2000;
    this.restarts += 1;
    this.options.log.error(
      { err: new PorticoError('NGINX_EXITED', `code ${code ?? '-'} signal ${signal ?? '-'}`), restartInMs: wait },
      'OpenResty master exited; restarting with the last good configuration',
    );
    await delay(wait);
    if (!this.stopping && this.child === null) this.start(confFile);
  }

  /** Asks the master to load the configuration file again (graceful: old workers finish their requests). */
  reload(): void {
    if (!this.child?.pid) throw new PorticoError('RELOAD_FAILED', 'OpenResty is not running');
    this.restarts = 0;
    process.kill(this.child.pid, 'SIGHUP');
  }

  /** Graceful shutdown: SIGQUIT lets workers finish open requests; SIGKILL after the drain timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child?.pid) return;
    child.kill('SIGQUIT');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.drainTimeoutMs);
    await child;
    clearTimeout(timer);
    this.child = null;
  }
}
