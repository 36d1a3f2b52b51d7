/**
 * Steady HTTP load through Portico for resilience tests: a few keepalive connections sending one request
 * after another, bounded in time and count, with every answer and failure counted.
 *
 * Retry rule, as browsers and Go's HTTP client apply it: a request sent on a reused keepalive connection
 * that the server closed before any byte of an answer (an old worker closing it after a reload) is
 * retried once on a new connection, and counted as `retried`, not as an error. Anything else that fails
 * (refused or reset on a new connection, cut mid-answer, timed out) is an error.
 *
 * "Reused" is counted here, per socket, not read from `req.reusedSocket`: Node's agent hands a freed socket
 * straight to a queued request without marking it reused, which made keepalive closes look like resets of
 * new connections.
 */
import type { Socket } from 'node:net';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface LoadStats {
  ok: number;
  /** Answers with a status outside 2xx, by status. */
  non2xx: Record<number, number>;
  errors: string[];
  retried: number;
  /** For each answer: when its request was sent (epoch ms) and the pod that answered (echo backend's x-pod). */
  answers: Array<{ sentAt: number; pod: string }>;
}

export interface Load {
  readonly stats: LoadStats;
  /** Resolves once `count` more requests were answered with 2xx (rejects after timeoutMs). */
  answered(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<LoadStats>;
}

export interface LoadOptions {
  port: number;
  host: string;
  connections?: number;
  /** Hard bounds: the load stops by itself after this long or this many requests. */
  maxSeconds?: number;
  maxRequests?: number;
  headers?: Record<string, string>;
}

interface Outcome {
  status?: number;
  pod?: string;
  /** Failed before any byte of an answer, on a reused connection: a real client retries. */
  retryable?: boolean;
  error?: string;
}

/** Sockets that carried an answer: the next request on one of them reuses it. */
const answeredSockets = new WeakSet<Socket>();

function send(options: LoadOptions, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    let answered = false;
    let reused = false;
    const req: ClientRequest = request(
      { host: '127.0.0.1', port: options.port, path: '/', headers: { host: options.host, ...options.headers }, agent },
      (res: IncomingMessage) => {
        answered = true;
        answeredSockets.add(res.socket);
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, pod: String(res.headers['x-pod'] ?? '') }));
        res.on('error', (err) => resolve({ error: `cut mid-answer: ${err.message}` }));
      },
    );
    req.on('socket', (socket) => {
      reused = answeredSockets.has(socket);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const where = `${answered ? 'after' : 'before'} the answer began, on a ${reused ? 'reused' : 'new'} connection`;
      resolve({ error: `${err.code ?? ''} ${err.message} (${where})`, retryable: !answered && reused && err.code !== 'ETIMEDOUT' });
    });
    req.end();
  });
}

export function startLoad(options: LoadOptions): Load {
  const connections = options.connections ?? 4;
  const deadline = Date.now() + (options.maxSeconds ?? 60) * 1000;
  const maxRequests = options.maxRequests ?? 200_000;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const stats: LoadStats = { ok: 0, non2xx: {}, errors: [], retried: 0, answers: [] };
  let sent = 0;
  let stopped = false;

  const record = (outcome: Outcome, sentAt: number): void => {
    if (outcome.error !== undefined) stats.errors.push(outcome.error);
    else if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) stats.ok += 1;
    else stats.non2xx[outcome.status ?? 0] = (stats.non2xx[outcome.status ?? 0] ?? 0) + 1;
    if (outcome.pod) stats.answers.push({ sentAt, pod: outcome.pod });
  };

  const worker = async (): Promise<void> => {
    while (!stopped && Date.now() < deadline && sent < maxRequests) {
      sent += 1;
      const sentAt = Date.now();
      let outcome = await send(options, agent);
      if (outcome.retryable) {
        stats.retried += 1;
        outcome = await send(options, false);
        if (outcome.error !== undefined) outcome.error = `retry: ${outcome.error}`;
      }
      record(outcome, sentAt);
    }
  };
  const running = Promise.all(Array.from({ length: connections }, worker));

  return {
    stats,
    async answered(count, timeoutMs = 20_000) {
      const target = stats.ok + count;
      const until = Date.now() + timeoutMs;
      while (stats.ok < target) {
        if (Date.now() > until || stopped) throw new Error(`load: ${count} answers not reached in ${timeoutMs} ms (${JSON.stringify({ ok: stats.ok, errors: stats.errors.slice(0, 5) })})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      stopped = true;
      await running;
      agent.destroy();
      return stats;
    },
  };
}
