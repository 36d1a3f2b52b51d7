import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PorticoError } from '../errors.js';

/**
 * The OpenResty master as the Applier drives it, whoever runs the process: the controller itself (a child,
 * `--nginx-mode child`) or the OpenResty container of the same pod (`--nginx-mode sidecar`).
 */
export interface NginxMaster {
  /** Pid of the live master, if any. */
  readonly pid: number | undefined;
  /** A master is alive (it may still be loading its configuration). */
  readonly running: boolean;
  /** `nginx -t` on a configuration file; throws CONFIG_INVALID with nginx's own message. */
  test(confFile: string): Promise<void>;
  /** Gets a master running on `confFile` when none runs. */
  start(confFile: string): void;
  /**
   * Starts a master on `confFile` in place of `test` + `start`, when none runs and nothing has been served yet:
   * the master parses the file as `nginx -t` would, so a separate test would only double the cold start. Resolves
   * once the master has loaded the file; rejects with CONFIG_INVALID and nginx's own message when it exits first,
   * and is then not restarted. Absent where the controller does not run the master (a sidecar: `nginx -t` stays).
   */
  startUnchecked?(confFile: string): Promise<void>;
  /** Asks the master to load the configuration file again (graceful: old workers finish their requests). */
  reload(): void;
  /** Called on controller shutdown. */
  stop(): Promise<void>;
}

/** The pid file the rendered configuration names (`pid` directive; see render/view.ts). */
export function pidFile(workDir: string): string {
  return join(workDir, 'nginx.pid');
}

/**
 * The pid in the work dir's pid file when it names a live nginx master; a stale file (a killed master, its pid
 * since reused by another process) gives undefined. nginx titles its master `nginx: master process …`.
 */
export function liveMasterPid(workDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(workDir), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return title.startsWith('nginx: master process') ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function testConfiguration(binary: string, workDir: string, confFile: string): Promise<void> {
  const result = await execa(binary, ['-t', '-q', '-e', 'stderr', '-p', workDir, '-c', confFile], { reject: false, all: true });
  if (result.exitCode !== 0) throw new PorticoError('CONFIG_INVALID', (result.all ?? result.message).trim());
}
