/** Backends speaking what the echo backend does not: HTTPS, gRPC (HTTP/2) and raw WebSocket-style upgrades. */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { TestCertificate } from './manifests.js';

const PROTO = fileURLToPath(new URL('./echo.proto', import.meta.url));

export interface Stoppable {
  stop(): Promise<void>;
}

function listen(server: HttpServer, address: string, port: number): Promise<Stoppable> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () =>
      resolve({ stop: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }) }));
  });
}

/** An HTTPS server answering JSON `{ pod, url, tls: true }`. */
export function startHttpsBackend(address: string, port: number, certificate: TestCertificate): Promise<Stoppable> {
  const server = createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pod: `${address}:${port}`, url: req.url, tls: true }));
  });
  return listen(server, address, port);
}

/** Answers upgrade requests with 101 and then echoes every byte back, as a WebSocket echo server would frames. */
export function startUpgradeBackend(address: string, port: number): Promise<Stoppable> {
  const server = createHttpServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`);
    socket.pipe(socket);
  });
  return listen(server, address, port);
}

type EchoClient = grpc.Client & { Say(message: { text: string }, callback: (err: grpc.ServiceError | null, reply?: { text: string }) => void): void };
type EchoConstructor = new (target: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => EchoClient;

function echoService(): { service: grpc.ServiceDefinition; Client: EchoConstructor } {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO)) as unknown as { portico: { test: { Echo: EchoConstructor & { service: grpc.ServiceDefinition } } } };
  const Echo = loaded.portico.test.Echo;
  return { service: Echo.service, Client: Echo };
}

/** A gRPC server (cleartext HTTP/2, or TLS with `certificate`) whose Say answers `<address:port> <text>`. */
export async function startGrpcBackend(address: string, port: number, certificate?: TestCertificate): Promise<Stoppable> {
  const server = new grpc.Server();
  server.addService(echoService().service, {
    Say: (call: grpc.ServerUnaryCall<{ text: string }, { text: string }>, callback: grpc.sendUnaryData<{ text: string }>) =>
      callback(null, { text: `${address}:${port} ${call.request.text}` }),
  });
  const credentials = certificate
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(certificate.certPem), private_key: Buffer.from(certificate.keyPem) }])
    : grpc.ServerCredentials.createInsecure();
  await new Promise<number>((resolve, reject) => server.bindAsync(`${address}:${port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound))));
  return { stop: () => new Promise<void>((done) => server.tryShutdown(() => done())) };
}

/** One Say call through Portico's HTTPS port, trusting `ca` and naming `host` (SNI and :authority). */
export function grpcSay(httpsPort: number, host: string, ca: string, text: string): Promise<string> {
  const { Client } = echoService();
  const client = new Client(`127.0.0.1:${httpsPort}`, grpc.credentials.createSsl(Buffer.from(ca)), {
    'grpc.ssl_target_name_override': host,
    'grpc.default_authority': host,
  });
  return new Promise((resolve, reject) => {
    client.Say({ text }, (err, reply) => {
      client.close();
      if (err) reject(err);
      else resolve(reply?.text ?? '');
    });
  });
}

/** Sends an upgrade request for `host` to Portico, then `message` over the upgraded connection; resolves to what came back. */
export function upgradeAndEcho(httpPort: number, host: string, message: string): Promise<{ status: string; echoed: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(httpPort, '127.0.0.1');
    let received = '';
    let status = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no echo within 5 s; got ${JSON.stringify(received)}`)), 5000);
    socket.on('connect', () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (!status && end >= 0) {
        status = received.slice(0, received.indexOf('\r\n'));
        received = received.slice(end + 4);
        if (!status.includes(' 101 ')) {
          clearTimeout(timer);
          socket.destroy();
          resolve({ status, echoed: '' });
          return;
        }
        socket.write(message);
      }
      if (status && received.length >= message.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status, echoed: received });
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
