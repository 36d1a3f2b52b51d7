#!/usr/bin/env node
// An external auth service for tests (auth-url): `Authorization: Bearer good` passes (200, naming the user in
// X-User), anything else is refused (401). It insists on the headers Portico must send with the subrequest.
// Usage: auth-backend.mjs ADDRESS:PORT
import { createServer } from 'node:http';

const [listen = ''] = process.argv.slice(2);
const split = listen.lastIndexOf(':');
const server = createServer((req, res) => {
  const original = req.headers['x-original-url'];
  if (typeof original !== 'string' || !req.headers['x-original-method']) {
    res.writeHead(400).end('missing X-Original-URL or X-Original-Method\n');
    return;
  }
  if (req.headers.authorization === 'Bearer good') {
    res.writeHead(200, { 'x-user': 'alice', 'x-auth-method': req.method ?? '' }).end();
    return;
  }
  res.writeHead(401).end();
});
server.on('connection', (socket) => socket.setNoDelay(true));
server.listen(Number(listen.slice(split + 1)), listen.slice(0, split), () => process.stdout.write(`listening ${listen}\n`));
process.on('SIGTERM', () => process.exit(0));
