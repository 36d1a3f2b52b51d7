/** What the benchmarks read from and do to processes: wrk runs, CPU pinning, memory. */
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { execa } from 'execa';

export interface WrkResult {
  rps: number;
  /** Requests completed in the whole run. */
  requests: number;
  p99Ms: number;
  /** Socket errors (connect, read, write, timeout) plus non-2xx/3xx answers. */
  errors: number;
}

// USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture Portico runs on.
const CLOCK_TICKS = 100;
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Parses wrk's `--latency` report. */
export function parseWrk(output: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const requests = Number(/^\s*(\d+) requests in /m.exec(output)?.[1]);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  if (!Number.isFinite(rps) || !Number.isFinite(requests) || !p99) throw new Error(`unreadable wrk output:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, requests, p99Ms: Number(p99[1]) * (UNIT_MS[p99[2] ?? 'ms'] ?? 1), errors: socketErrors + non2xx };
}

/** One wrk run (one thread) with a Host header, pinned to `cpu` when the machine has more than one. */
export async function runWrk(url: string, options: { host: string; seconds: number; connections: number; cpu: number | null }): Promise<WrkResult> {
  const wrk = ['wrk', '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-H', `Host: ${options.host}`, url];
  const command = options.cpu === null ? wrk : ['taskset', '-c', String(options.cpu), ...wrk];
  const { stdout } = await execa(command[0] ?? 'wrk', command.slice(1));
  return parseWrk(stdout);
}

/** Pins every thread of each process to one CPU (no-op on a single-CPU machine). */
export async function pin(pids: number[], cpu: number | null): Promise<void> {
  if (cpu === null) return;
  for (const pid of pids) await execa('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdout: 'ignore' });
}

/** The CPUs for the proxy under test and for the load (wrk and backends); null pins nothing. */
export function cpuPlan(): { proxy: number | null; load: number | null } {
  return cpus().length >= 2 ? { proxy: 0, load: 1 } : { proxy: null, load: null };
}

/** CPU time (user + system) a process has used so far, in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from its closing parenthesis: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory of a process in MiB (0 when it is gone). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Proportional memory (shared pages split between the processes sharing them) in MiB: sums honestly over workers. */
export async function pssMb(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const kb = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  return kb / 1024;
}

/** Direct children of a process (an nginx master's workers). */
export async function childPids(pid: number): Promise<number[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return children.trim().split(/\s+/).filter(Boolean).map(Number);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The value below which `p` percent of the values fall (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
