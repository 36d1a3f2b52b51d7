#!/usr/bin/env node
// A demo/test backend ("pod"): answers every request with JSON describing what it received.
// Usage: echo-backend.mjs ADDRESS:PORT [ADDRESS:PORT…]   (one process may stand for several pods)
import { createServer } from 'node:http';

const listens = process.argv.slice(2);
if (listens.length === 0) {
  process.stderr.write('usage: echo-backend.mjs ADDRESS:PORT [ADDRESS:PORT...]\n');
  process.exit(2);
}

for (const listen of listens) {
  const split = listen.lastIndexOf(':');
  const address = listen.slice(0, split).replace(/^\[|\]$/g, '');
  const port = Number(listen.slice(split + 1));
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.stringify({
        pod: `${address}:${port}`,
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      // Tests ask for a status (x-echo-status) or a slow answer (x-echo-delay-ms, at most 10 s); ECHO_DELAY_MS makes a slow pod.
      const status = Number(req.headers['x-echo-status'] ?? 200);
      const delay = Math.min(Number(req.headers['x-echo-delay-ms'] ?? process.env.ECHO_DELAY_MS ?? 0), 10_000);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-pod': `${address}:${port}` }).end(`${body}\n`);
      }, delay);
    });
  });
  // Without Nagle's delay small keepalive responses are not held back ~40 ms by delayed ACKs.
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.listen(port, address, () => process.stdout.write(`listening ${address}:${port}\n`));
}
process.on('SIGTERM', () => process.exit(0));
