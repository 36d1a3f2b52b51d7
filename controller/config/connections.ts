/** Processes and connections: how many workers, how many connections each, how long idle ones are kept. */
import { accept, type Checked } from '../model/validate.js';
import { integerIn, parseDuration } from '../annotations/validators.js';
import { flagSetting, setting } from './types.js';

const count = integerIn(1, 1024);

/** `auto` (one per CPU) or a number; the ConfigMap wins over `--worker-processes`. */
function parseWorkerProcesses(raw: string): Checked<number | 'auto'> {
  return raw === 'auto' ? accept('auto') : count(raw);
}

export const workerProcesses = setting<number | 'auto' | null>({
  key: 'worker-processes',
  default: null,
  defaultDoc: '`--worker-processes` (auto)',
  doc: 'nginx worker processes, a number or `auto` (one per CPU); when set, wins over the `--worker-processes` flag',
  parse: parseWorkerProcesses,
});

export const maxWorkerConnections = setting<number>({
  key: 'max-worker-connections',
  default: 16384,
  doc: 'connections each worker may hold open, clients and upstreams together',
  parse: integerIn(64, 1_048_576),
});

export const keepAlive = setting<number>({
  key: 'keep-alive',
  default: 75_000,
  defaultDoc: '`75` (seconds)',
  doc: 'how long an idle client connection is kept open; seconds or an nginx time, `0` closes after each request',
  parse: parseDuration,
});

export const keepAliveRequests = setting<number>({
  key: 'keep-alive-requests',
  default: 1000,
  doc: 'requests served on one client connection before it is closed',
  parse: integerIn(1, 10_000_000),
});

export const upstreamKeepaliveConnections = setting<number>({
  key: 'upstream-keepalive-connections',
  default: 320,
  doc: 'idle upstream connections each worker keeps for reuse; `0` closes them after each request',
  parse: integerIn(0, 100_000),
});

export const upstreamKeepaliveTimeout = setting<number>({
  key: 'upstream-keepalive-timeout',
  default: 60_000,
  defaultDoc: '`60` (seconds)',
  doc: 'how long an idle upstream connection is kept; seconds or an nginx time',
  parse: parseDuration,
});

export const upstreamKeepaliveRequests = setting<number>({
  key: 'upstream-keepalive-requests',
  default: 10_000,
  doc: 'requests sent on one upstream connection before it is closed',
  parse: integerIn(1, 10_000_000),
});

export const useHttp2 = flagSetting('use-http2', true, 'offer HTTP/2 on the HTTPS port (gRPC needs it)');
