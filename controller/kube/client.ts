/** A small Kubernetes API client over node:http(s): JSON requests and line-delimited watch streams. */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** A non-2xx answer of the API server, with its HTTP status and the Status object's reason. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface RequestBody {
  value: unknown;
  /** `application/json` (the default) or `application/merge-patch+json` for PATCH. */
  contentType?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Talks to the API server the KubeConfig names, with its credentials. The options are rebuilt for
 * every request so that rotated service-account tokens (re-read from their file) are picked up.
 */
export class KubeClient {
  readonly server: URL;

  constructor(private readonly config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    this.server = new URL(cluster.server);
  }

  /** One request; resolves with the decoded JSON answer, rejects with KubeApiError on a non-2xx status. */
  async request<T>(method: string, path: string, body?: RequestBody): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body.value);
    const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': body?.contentType ?? 'application/json' };
    const res = await this.send(method, path, headers, payload, REQUEST_TIMEOUT_MS);
    const text = await readAll(res);
    if (!isSuccess(res)) throw apiError(res.statusCode ?? 0, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * GETs a watch stream and calls onLine for each line. Resolves when the server ends the stream;
   * rejects on a non-2xx answer, a broken connection, or no data for idleMs. `signal` aborts it.
   */
  async stream(path: string, onLine: (line: string) => void, idleMs: number, signal: AbortSignal): Promise<void> {
    const res = await this.send('GET', path, {}, undefined, idleMs, signal);
    if (!isSuccess(res)) throw apiError(res.statusCode ?? 0, await readAll(res));
    let buffered = '';
    res.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onLine(line);
      });
      res.on('error', reject);
      res.on('close', () => (res.complete ? resolve() : reject(new Error('watch connection closed'))));
    });
  }

  private async send(method: string, path: string, headers: Record<string, string>, payload: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    const options: RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      path: `${this.server.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`,
      headers: { accept: 'application/json', 'user-agent': 'portico', ...headers },
      signal,
    };
    // Adds the CA, client certificate or token and an agent (plain http only when the kubeconfig allows it).
    await this.config.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'http:' ? httpRequest : httpsRequest)(options, resolve);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from the API server in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function isSuccess(res: IncomingMessage): boolean {
  const status = res.statusCode ?? 0;
  return status >= 200 && status < 300;
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The error for a failed request, taking reason and message from the Status object the server sends. */
export function apiError(status: number, text: string): KubeApiError {
  let reason = '';
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { reason?: string; message?: string };
    reason = parsed.reason ?? '';
    message = parsed.message ?? message;
  } catch {
    // Not a Status object: keep the start of the body as the message.
  }
  return new KubeApiError(status, reason, `API server answered ${status}${reason ? ` ${reason}` : ''}: ${message}`);
}
