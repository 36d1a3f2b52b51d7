import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../log.js';
import { PorticoError } from '../errors.js';

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

/**
 * The OpenResty master as a supervised child process: started in the foreground (`daemon off` is in the
 * configuration), validated with `nginx -t`, reloaded with SIGHUP, restarted with the last good
 * configuration if it dies, drained with SIGQUIT on shutdown.
 */
export class Nginx {
  private child: ResultPromise | null = null;
  private stopping = false;
  private restarts = 0;
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

  /** Runs `nginx -t` on a configuration file; throws CONFIG_INVALID with nginx's own message. */
  async test(confFile: string): Promise<void> {
    const result = await execa(this.options.binary, ['-t', '-q', '-e', 'stderr', '-p', this.options.workDir, '-c', confFile], {
      reject: false,
      all: true,
    });
    if (result.exitCode !== 0) {
      throw new PorticoError('CONFIG_INVALID', (result.all ?? result.message).trim());
    }
  }

  /** Starts the master on `confFile`; resolves once the process is spawned. */
  start(confFile: string): void {
    this.stopping = false;
    const child = execa(this.options.binary, ['-e', 'stderr', '-p', this.options.workDir, '-c', confFile], {
      reject: false,
      stdin: 'ignore',
      buffer: false,
    });
    this.child = child;
    const log = this.options.log;
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log.warn({ source: 'nginx' }, line.trim());
    });
    child.stdout?.on('data', (chunk: Buffer) => log.info({ source: 'nginx' }, chunk.toString('utf8').trim()));
    log.info({ pid: child.pid }, 'OpenResty master started');
    this.options.onStart();
    void child.then((result) => this.exited(child, confFile, result.exitCode, result.signal));
  }

  private async exited(child: ResultPromise, confFile: string, code: number | undefined, signal: string | undefined): Promise<void> {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopping) return;
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
