/** Scale: N Ingresses (own host, two paths, TLS for a tenth, a 3-endpoint Service each) from cold start. */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startPortico, type LogRecord, type Portico } from '../test/helpers/portico.js';
import { ingress, ingressClass, selfSigned, service, tlsSecret, type TestCertificate } from '../test/helpers/manifests.js';
import { eventually } from '../test/helpers/processes.js';
import { childPids, pssMb, rssMb } from './system.js';

export interface ScaleResult {
  ingresses: number;
  ready_s: number | null;
  render_ms: number | null;
  reload_ms: number | null;
  conf_bytes: number | null;
  controller_rss_mb: number | null;
  /** Master and workers, proportional set size (shared pages counted once). */
  nginx_rss_mb: number | null;
  /** Why this size could not be measured (e.g. not ready in time). */
  error?: string;
}

const PER_FILE = 100;
const DOMAIN = 'scale.example.com';
/** A cold start, or the reload of one more Ingress, past this is reported as an error for its size. */
const READY_TIMEOUT_MS = 180_000;

/** The objects of Ingress number i: its Service and EndpointSlice, the Ingress, and a TLS Secret for every tenth. */
function tenant(i: number, certificate: TestCertificate): object[] {
  const name = `app-${i}`;
  const host = `${name}.${DOMAIN}`;
  // Endpoints are never contacted: loopback addresses, unique per Service.
  const pods = [1, 2, 3].map((pod) => `127.${10 + Math.floor(i / 250)}.${i % 250}.${pod}`);
  const tls = i % 10 === 0;
  return [
    ...service(name, pods),
    ...(tls ? [tlsSecret(`${name}-tls`, certificate)] : []),
    ingress(name, [{ host, paths: [{ path: '/', service: name }, { path: '/api', pathType: 'Exact', service: name }] }], {
      ...(tls ? { tls: [{ hosts: [host], secretName: `${name}-tls` }] } : {}),
    }),
  ];
}

/** The manifest files of `count` tenants plus the IngressClass, by file name: multi-document YAML, PER_FILE tenants each. */
export function scaleManifests(count: number, certificate: TestCertificate = selfSigned([`*.${DOMAIN}`])): Map<string, string> {
  const files = new Map([['class.yaml', stringify(ingressClass('portico'))]]);
  for (let first = 0; first < count; first += PER_FILE) {
    const objects: object[] = [];
    for (let i = first; i < Math.min(first + PER_FILE, count); i++) objects.push(...tenant(i, certificate));
    files.set(`tenants-${first}.yaml`, objects.map((object) => stringify(object)).join('---\n'));
  }
  return files;
}

async function writeManifests(dir: string, count: number, certificate: TestCertificate): Promise<void> {
  for (const [name, text] of scaleManifests(count, certificate)) await writeFile(join(dir, name), text);
}

async function nginxRssMb(portico: Portico): Promise<number> {
  const master = await portico.masterPid();
  const sizes = await Promise.all([master, ...(await childPids(master))].map(pssMb));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * The controller's RSS once it is idle after a reload: sampled every 500 ms until it stops falling (the
 * controller collects garbage right after applying a configuration), at most 5 s.
 */
async function settledRssMb(pid: number): Promise<number> {
  let last = await rssMb(pid);
  for (let sample = 0; sample < 10; sample++) {
    await delay(500);
    const now = await rssMb(pid);
    if (now >= last * 0.98) return now;
    last = now;
  }
  return last;
}

function lastLog(portico: Portico, msg: string): LogRecord | undefined {
  return portico.logs.findLast((record) => record.msg === msg);
}

/** Measures one size; a size that fails (not ready in time) is reported with its error, the run goes on. */
export async function benchScale(count: number, certificate: TestCertificate = selfSigned([`*.${DOMAIN}`])): Promise<ScaleResult> {
  try {
    return await measureScale(count, certificate);
  } catch (err) {
    const missing = { ready_s: null, render_ms: null, reload_ms: null, conf_bytes: null, controller_rss_mb: null, nginx_rss_mb: null };
    return { ingresses: count, ...missing, error: (err as Error).message };
  }
}

async function measureScale(count: number, certificate: TestCertificate): Promise<ScaleResult> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-scale-'));
  try {
    await writeManifests(dir, count, certificate);
    const started = performance.now();
    const portico = await startPortico({ args: ['--manifests', dir, '--log-level', 'debug'], readyTimeoutMs: READY_TIMEOUT_MS });
    const readyS = (performance.now() - started) / 1000;
    try {
      // One structural change at this scale: a new Ingress, rendered, tested and reloaded.
      const reloads = portico.reloads();
      await writeFile(join(dir, 'extra.yaml'), tenant(count, certificate).map((object) => stringify(object)).join('---\n'));
      await eventually('reload of the extra Ingress', () => portico.reloads() > reloads, READY_TIMEOUT_MS);
      const reloaded = lastLog(portico, 'configuration reloaded');
      const rendered = lastLog(portico, 'configuration rendered');
      return {
        ingresses: count,
        ready_s: Number(readyS.toFixed(2)),
        render_ms: Number(rendered?.renderMs ?? NaN),
        reload_ms: Number(reloaded?.testMs ?? NaN) + Number(reloaded?.loadMs ?? NaN),
        conf_bytes: (await stat(join(portico.workDir, 'nginx.conf'))).size,
        controller_rss_mb: Math.round(await settledRssMb(portico.child.pid ?? 0)),
        nginx_rss_mb: Math.round(await nginxRssMb(portico)),
      };
    } finally {
      await portico.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
