/** The results file's shape, the machine it ran on, and the table printed after a run. */
import { cpus } from 'node:os';
import { execa } from 'execa';
import type { BurstResult } from './burst.js';
import type { DataplaneResult } from './dataplane.js';
import type { PropagationResult } from './propagation.js';
import type { ScaleResult } from './scale.js';

export interface Results {
  dataplane: DataplaneResult;
  /** Through the manifests source. */
  propagation: PropagationResult;
  /** Through the API source (a test API server on loopback). */
  propagation_api: PropagationResult;
  scale: ScaleResult[];
  burst: BurstResult;
  machine: { cpus: number; node: string; nginx: string; cpu_model: string; quick: boolean; date: string };
}

export async function machine(quick: boolean): Promise<Results['machine']> {
  const version = await execa('nginx', ['-v'], { reject: false, all: true });
  return {
    cpus: cpus().length,
    node: process.version,
    nginx: (version.all ?? '').replace(/^nginx version:\s*/, '').trim(),
    cpu_model: cpus()[0]?.model ?? 'unknown',
    quick,
    date: new Date().toISOString(),
  };
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}

function propagationRows(area: string, p: PropagationResult, fromWrite: string): Array<[string, string, string, string]> {
  return [
    [area, `${p.changes} endpoint changes, from seen`, `p50 ${p.p50_ms} ms, p99 ${p.p99_ms} ms`, `p99 ≤ 50 ms ${verdict(p.p99_ms <= 50)}`],
    [area, fromWrite, `p50 ${p.from_write_p50_ms} ms, p99 ${p.from_write_p99_ms} ms`, ''],
    [area, 'reloads', String(p.reloads), `0 ${verdict(p.reloads === 0)}`],
  ];
}

/** A Markdown table (it is pasted into README.md as is), one line per measure, with its target. */
export function table(results: Results): string {
  const { dataplane: d, propagation: p, burst: b } = results;
  const rows: Array<[string, string, string, string]> = [
    ['data plane', 'static nginx upstream', `${d.static_rps} req/s, p99 ${d.static_p99_ms} ms`, ''],
    ['data plane', 'Portico (Lua balancer)', `${d.portico_rps} req/s, p99 ${d.portico_p99_ms} ms`, ''],
    ['data plane', 'ratio', String(d.ratio), `≥ 0.95 ${verdict(d.ratio >= 0.95)}`],
    ['data plane', 'proxy worker CPU per request: static, Portico (ratio)', `${d.static_cpu_us_per_request} µs, ${d.portico_cpu_us_per_request} µs (${d.cpu_ratio})`, 'the ratio if the proxy were the bottleneck'],
    ...propagationRows('propagation', p, 'from the file write'),
    ...propagationRows('propagation (API)', results.propagation_api, 'from the PUT returning'),
    ...results.scale.flatMap((s): Array<[string, string, string, string]> => s.error ? [['scale', `${s.ingresses} Ingresses`, `failed: ${s.error}`, 'MISSED']] : [
      ['scale', `${s.ingresses} Ingresses: ready`, `${s.ready_s} s`, s.ingresses === 10_000 ? `≤ 10 s ${verdict((s.ready_s ?? Infinity) <= 10)}` : ''],
      ['scale', `${s.ingresses}: render, nginx -t + reload`, `${s.render_ms} ms, ${s.reload_ms} ms`, ''],
      ['scale', `${s.ingresses}: nginx.conf`, `${((s.conf_bytes ?? 0) / 1024 / 1024).toFixed(1)} MiB`, ''],
      ['scale', `${s.ingresses}: memory controller (RSS), OpenResty (PSS)`, `${s.controller_rss_mb} MB, ${s.nginx_rss_mb} MB`, s.ingresses === 10_000 ? `controller ≤ 200 MB ${verdict((s.controller_rss_mb ?? Infinity) <= 200)}` : ''],
    ]),
    ['burst', `${b.changes} Ingress updates in ${b.window_s} s`, `${b.reloads} reloads`, `≤ 3 ${verdict(b.reloads <= 3)}`],
  ];
  const lines = rows.map((row) => `| ${row.join(' | ')} |`);
  return ['| area | measure | result | target |', '| --- | --- | --- | --- |', ...lines].join('\n');
}
