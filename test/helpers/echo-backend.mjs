#!/usr/bin/env node
// A demo/test backend ("pod"): answers every request with JSON describing what it received, including the
// HTTP version it was spoken to in and when the first body byte arrived (epoch ms, null without a body).
// Usage: echo-backend.mjs ADDRESS:PORT [ADDRESS:PORT…]   (one process may stand for several pods)
// Request headers that change the answer:
//   x-echo-status: CODE           answer with this status (only on the pod at x-echo-status-pod: ADDRESS, if given)
//   x-echo-delay-ms: MS           answer after MS (at most 10 s); ECHO_DELAY_MS makes a slow pod
//   x-echo-header-bytes: N        add a response header x-echo-filler of N bytes (at most 1 MB)
//   x-echo-body-bytes: N          answer N filler bytes (at most 64 MB) instead of the JSON
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
    let firstBodyByteAt = null;
    req.on('data', (chunk) => {
      firstBodyByteAt ??= Date.now();
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = JSON.stringify({
        pod: `${address}:${port}`,
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        firstBodyByteAt,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const statusPod = req.headers['x-echo-status-pod'];
      const status = statusPod === undefined || statusPod === address ? Number(req.headers['x-echo-status'] ?? 200) : 200;
      const delay = Math.min(Number(req.headers['x-echo-delay-ms'] ?? process.env.ECHO_DELAY_MS ?? 0), 10_000);
      const filler = Math.min(Number(req.headers['x-echo-header-bytes'] ?? 0), 1_000_000);
      const bodyBytes = Math.min(Number(req.headers['x-echo-body-bytes'] ?? 0), 64 * 1024 * 1024);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': bodyBytes > 0 ? 'application/octet-stream' : 'application/json', 'x-pod': `${address}:${port}`, ...(filler > 0 ? { 'x-echo-filler': 'f'.repeat(filler) } : {}) });
        res.end(bodyBytes > 0 ? Buffer.alloc(bodyBytes, 'b') : `${body}\n`);
      }, delay);
    });
  });
  // Without Nagle's delay small keepalive responses are not held back ~40 ms by delayed ACKs.
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.listen(port, address, () => process.stdout.write(`listening ${address}:${port}\n`));
}
process.on('SIGTERM', () => process.exit(0));
