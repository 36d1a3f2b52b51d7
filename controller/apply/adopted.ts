import type { Logger } from '../log.js';
import { PorticoError } from '../errors.js';
import { liveMasterPid, testConfiguration, type NginxMaster } from './master.js';

export interface AdoptedNginxOptions {
  binary: string;
  workDir: string;
  log: Logger;
  /** Called when a new master appears (the OpenResty container started or restarted), to push backends again. */
  onStart: () => void;
  /** How often the pid file is checked for a new master. */
  pollMs?: number;
}

/**
 * A master the controller does not run: in the sidecar layout the OpenResty container starts it once the first
 * nginx.conf is written (nginx/run) and keeps it across controller restarts. The controller finds it through the
 * pid file in the shared work dir, validates with `nginx -t`, signals it (the pod shares its process namespace)
 * and, on shutdown, leaves it serving.
 */
export class AdoptedNginx implements NginxMaster {
  private known: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: AdoptedNginxOptions) {
    this.known = liveMasterPid(options.workDir);
    if (this.known) options.log.info({ pid: this.known }, 'adopted the running OpenResty master');
    this.timer = setInterval(() => this.poll(), options.pollMs ?? 500);
    this.timer.unref();
  }

  get pid(): number | undefined {
    return liveMasterPid(this.options.workDir);
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  async test(confFile: string): Promise<void> {
    await testConfiguration(this.options.binary, this.options.workDir, confFile);
  }

  /** Nothing to start: the OpenResty container is waiting for the configuration file just written. */
  start(confFile: string): void {
    this.options.log.info({ confFile }, 'waiting for the OpenResty container to start on the first configuration');
  }

  reload(): void {
    const pid = this.pid;
    if (!pid) throw new PorticoError('RELOAD_FAILED', 'no OpenResty master found through the pid file');
    process.kill(pid, 'SIGHUP');
  }

  /** OpenResty keeps serving the last configuration while the controller is away. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  private poll(): void {
    const pid = this.pid;
    if (pid === this.known) return;
    this.known = pid;
    if (pid === undefined) {
      this.options.log.error({ err: new PorticoError('NGINX_EXITED', 'the OpenResty master is gone') }, 'waiting for the OpenResty container to restart it');
      return;
    }
    this.options.log.info({ pid }, 'OpenResty master started');
    this.options.onStart();
  }
}
