import { setTimeout as delay } from 'node:timers/promises';
import { AdoptedNginx } from './adopted.js';
import { liveMasterPid, type NginxMaster } from './master.js';
import { Nginx, type NginxOptions } from './nginx.js';

export type NginxMode = 'child' | 'sidecar';

const STRAY_POLL_MS = 50;

/**
 * The master for `--nginx-mode`. In child mode a live master left in the work dir by a controller that died
 * (the child runs in its own process group, so it outlives a SIGKILLed parent) is drained and replaced: one
 * process supervising its own child stays the simple model outside a cluster, and the ports are freed for it.
 */
export async function openNginxMaster(mode: NginxMode, options: NginxOptions): Promise<NginxMaster> {
  if (mode === 'sidecar') return new AdoptedNginx(options);
  const stray = liveMasterPid(options.workDir);
  if (stray) {
    options.log.warn({ pid: stray }, 'an OpenResty master from a previous controller still runs in the work dir; draining it');
    process.kill(stray, 'SIGQUIT');
    const deadline = Date.now() + (options.drainTimeoutMs ?? 10_000);
    while (liveMasterPid(options.workDir) === stray && Date.now() < deadline) await delay(STRAY_POLL_MS);
    if (liveMasterPid(options.workDir) === stray) process.kill(-stray, 'SIGKILL');
  }
  return new Nginx(options);
}
