// How requests reach the endpoints, through real OpenResty: timeouts firing on a slow backend, the body-size
// limit, HTTPS and gRPC(S) upstreams, WebSocket upgrades, service-upstream, custom errors served by another
// Service with ingress-nginx's headers, and --default-backend-service as the catch-all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, selfSigned, service, tlsSecret } from '../helpers/manifests.js';
import { grpcSay, startGrpcBackend, startHttpsBackend, startUpgradeBackend, upgradeAndEcho, type Stoppable } from '../helpers/protocol-backends.js';

const A = 'nginx.ingress.kubernetes.io';
const POD = { echo: '127.0.8.1', grpc: '127.0.8.2', https: '127.0.8.3', clusterIp: '127.0.8.5', endpoint: '127.0.8.6', errors: '127.0.8.7', grpcs: '127.0.8.8', ws: '127.0.8.9' };
const certificate = selfSigned(['grpc.test', 'grpcs.test']);
let port: number;
let portico: Portico;
let backends: Array<Backend | Stoppable> = [];

const route = (name: string, host: string, serviceName: string, annotations: Record<string, string> = {}, extra: Parameters<typeof ingress>[2] = {}) =>
  ingress(name, [{ host, paths: [{ path: '/', service: serviceName }] }], { annotations, ...extra });

/** A Service whose ClusterIP is `clusterIp` and whose endpoint is `endpoint`, both on `port`. */
function serviceWithClusterIp(name: string, clusterIp: string, endpoint: string): object[] {
  const [svc, slice] = service(name, [endpoint], { ports: [{ port, targetPort: port }] }) as [{ spec: Record<string, unknown> }, object];
  svc.spec.clusterIP = clusterIp;
  return [svc, slice];
}

before(async () => {
  port = await freePort();
  backends = [
    ...(await startBackends([POD.echo, POD.clusterIp, POD.endpoint, POD.errors], port)),
    await startHttpsBackend(POD.https, port, certificate),
    await startGrpcBackend(POD.grpc, port),
    await startGrpcBackend(POD.grpcs, port, certificate),
    await startUpgradeBackend(POD.ws, port),
  ];
  const svc = (name: string, pod: string, notReady: string[] = []) => service(name, [pod], { ports: [{ port: 80, targetPort: port }], notReady });
  const tls = { tls: [{ hosts: ['grpc.test', 'grpcs.test'], secretName: 'grpc-tls' }] };
  portico = await startPortico({
    args: ['--default-backend-service', 'default/errors'],
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'services.yaml': [
        ...svc('echo', POD.echo), ...svc('errors', POD.errors), ...svc('secure-app', POD.https), ...svc('grpc', POD.grpc),
        ...svc('grpcs', POD.grpcs), ...svc('ws', POD.ws), ...svc('empty', POD.echo, [POD.echo]),
        ...serviceWithClusterIp('direct', POD.clusterIp, POD.endpoint),
      ],
      'secret.yaml': [tlsSecret('grpc-tls', certificate)],
      'ingresses.yaml': [
        route('slow', 'slow.test', 'echo', { [`${A}/proxy-read-timeout`]: '1' }),
        route('unhurried', 'unhurried.test', 'echo'),
        route('size', 'size.test', 'echo', { [`${A}/proxy-body-size`]: '1k' }),
        route('https', 'https.test', 'secure-app', { [`${A}/backend-protocol`]: 'HTTPS' }),
        route('grpc', 'grpc.test', 'grpc', { [`${A}/backend-protocol`]: 'GRPC' }, tls),
        route('grpcs', 'grpcs.test', 'grpcs', { [`${A}/backend-protocol`]: 'GRPCS' }, tls),
        route('ws', 'ws.test', 'ws'),
        ingress('direct', [{ host: 'direct.test', paths: [{ path: '/', service: 'direct', port }] }], { annotations: { [`${A}/service-upstream`]: 'true' } }),
        ingress('endpoints', [{ host: 'endpoints.test', paths: [{ path: '/', service: 'direct', port }] }]),
        ingress('errors', [{ host: 'errors.test', paths: [{ path: '/', service: 'echo' }, { path: '/empty', service: 'empty' }] }], {
          annotations: { [`${A}/custom-http-errors`]: '404,500', [`${A}/default-backend`]: 'errors' },
        }),
      ],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('proxy-read-timeout fires on a slow backend (504), while the default lets it finish', async () => {
  const started = Date.now();
  const slow = await get(portico, { host: 'slow.test', headers: { 'x-echo-delay-ms': '3000' } });
  assert.equal(slow.status, 504);
  assert.ok(Date.now() - started < 2500, `answered after ${Date.now() - started} ms`);
  const unhurried = await get(portico, { host: 'unhurried.test', headers: { 'x-echo-delay-ms': '1500' } });
  assert.equal(unhurried.status, 200);
});

test('proxy-body-size answers 413 to a larger body and passes a smaller one', async () => {
  assert.equal((await get(portico, { host: 'size.test', method: 'POST', body: 'x'.repeat(2048) })).status, 413);
  const small = await get(portico, { host: 'size.test', method: 'POST', body: 'x'.repeat(512) });
  assert.equal(small.status, 200);
  assert.equal(small.json?.method, 'POST');
});

test('backend-protocol HTTPS reaches a TLS backend', async () => {
  const answer = await get(portico, { host: 'https.test', path: '/secure' });
  assert.equal(answer.status, 200);
  assert.deepEqual(JSON.parse(answer.body), { pod: `${POD.https}:${port}`, url: '/secure', tls: true });
});

test('backend-protocol GRPC and GRPCS carry real gRPC calls (HTTP/2 from the client over TLS)', async () => {
  assert.equal(await grpcSay(portico.httpsPort, 'grpc.test', certificate.certPem, 'hello'), `${POD.grpc}:${port} hello`);
  assert.equal(await grpcSay(portico.httpsPort, 'grpcs.test', certificate.certPem, 'hi'), `${POD.grpcs}:${port} hi`);
});

test('WebSocket upgrades pass through by default', async () => {
  const { status, echoed } = await upgradeAndEcho(portico.httpPort, 'ws.test', 'ping over the upgraded connection');
  assert.match(status, /^HTTP\/1\.1 101 /);
  assert.equal(echoed, 'ping over the upgraded connection');
});

test('service-upstream proxies to the Service cluster IP instead of its endpoints', async () => {
  assert.equal((await get(portico, { host: 'direct.test' })).json?.pod, `${POD.clusterIp}:${port}`);
  assert.equal((await get(portico, { host: 'endpoints.test' })).json?.pod, `${POD.endpoint}:${port}`);
});

test('custom-http-errors: listed codes are served by the default-backend Service with ingress-nginx headers', async () => {
  const ok = await get(portico, { host: 'errors.test', path: '/page', headers: { 'x-echo-status': '200' } });
  assert.equal(ok.json?.pod, `${POD.echo}:${port}`);
  const unlisted = await get(portico, { host: 'errors.test', path: '/page', headers: { 'x-echo-status': '403' } });
  assert.equal(unlisted.status, 403);
  assert.equal(unlisted.json?.pod, `${POD.echo}:${port}`);

  const replaced = await get(portico, { host: 'errors.test', path: '/page?q=1', headers: { 'x-echo-status': '404', accept: 'text/html', 'x-request-id': 'req-42' } });
  assert.equal(replaced.json?.pod, `${POD.errors}:${port}`);
  // Rewritten to / as ingress-nginx does (nginx keeps the query string).
  assert.equal(replaced.json?.url, '/?q=1');
  const headers = replaced.json?.headers ?? {};
  assert.deepEqual(
    [headers['x-code'], headers['x-format'], headers['x-original-uri'], headers['x-namespace'], headers['x-ingress-name'], headers['x-service-name'], headers['x-service-port'], headers['x-request-id']],
    ['404', 'text/html', '/page?q=1', 'default', 'errors', 'echo', '80', 'req-42'],
  );
});

test('default-backend also answers for a path whose Service has no ready endpoint (X-Code 503)', async () => {
  const answer = await get(portico, { host: 'errors.test', path: '/empty' });
  assert.equal(answer.json?.pod, `${POD.errors}:${port}`);
  assert.equal(answer.json?.headers['x-code'], '503');
});

test('--default-backend-service answers what no rule matches', async () => {
  const answer = await get(portico, { host: 'unknown.test', path: '/anything' });
  assert.equal(answer.json?.pod, `${POD.errors}:${port}`);
});
