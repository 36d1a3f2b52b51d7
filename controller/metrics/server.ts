import { createServer, type Server } from 'node:http';
import { once } from 'node:events';

export interface StatusChecks {
  /** Liveness: the controller's loop answers (this server runs on it) and OpenResty's master is alive once started. */
  alive: () => boolean;
  /** Readiness: the initial sync has been applied and served. */
  ready: () => boolean;
  /** Prometheus text exposition of every metric, controller and data plane. */
  metrics: () => Promise<{ contentType: string; text: string }>;
}

function check(ok: boolean, failure: string): { status: number; body: string } {
  return ok ? { status: 200, body: 'ok\n' } : { status: 503, body: `${failure}\n` };
}

/** The status port: `/healthz` (liveness), `/readyz` (readiness) and `/metrics` (Prometheus). */
export async function startStatusServer(port: number, host: string | null, checks: StatusChecks): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const plain = (status: number, body: string): void => void res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    if (path === '/healthz') {
      const { status, body } = check(checks.alive(), 'OpenResty master not running');
      plain(status, body);
    } else if (path === '/readyz') {
      const { status, body } = check(checks.ready(), 'initial configuration not applied yet');
      plain(status, body);
    } else if (path === '/metrics') {
      checks.metrics().then(
        ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(text),
        (err: unknown) => plain(500, `metrics unavailable: ${(err as Error).message}\n`),
      );
    } else {
      plain(404, 'not found\n');
    }
  });
  server.listen(port, host ?? undefined);
  await once(server, 'listening');
  return server;
}
