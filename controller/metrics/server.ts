import { createServer, type Server } from 'node:http';
import { once } from 'node:events';

export interface StatusChecks {
  /** OpenResty is running and has served the first rendered configuration. */
  healthy: () => boolean;
}

/** The status port: `/healthz` answers 200 once OpenResty serves a rendered configuration, 503 before. */
export async function startStatusServer(port: number, host: string | null, checks: StatusChecks): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const ok = checks.healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.listen(port, host ?? undefined);
  await once(server, 'listening');
  return server;
}
