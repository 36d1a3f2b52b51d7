// The controller's ConfigMap end to end: JSON access log lines, per-host log files, HSTS on TLS hosts, a change
// applied live, and an invalid value logged with its key while everything keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startBackend, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, selfSigned, service, tlsSecret } from '../helpers/manifests.js';

const POD = '127.0.7.1';
let port: number;
let backend: Backend;
let portico: Portico;
let logDir: string;

function configMap(data: Record<string, string>): object[] {
  return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'portico-controller', namespace: 'ingress-nginx' }, data }];
}

/** The access log lines of `file` that parse as JSON. */
async function jsonLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

before(async () => {
  port = await freePort();
  backend = await startBackend(POD, port);
  logDir = await mkdtemp(join(tmpdir(), 'portico-logs-'));
  // The workers (nobody, when the master is root) create the per-host files.
  await chmod(logDir, 0o777);
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'app.yaml': service('app', [POD], { ports: [{ port: 80, targetPort: port }] }),
      'tls.yaml': [tlsSecret('secure-tls', selfSigned(['secure.example.com']))],
      'ingress.yaml': [
        ingress(
          'app',
          [
            { host: 'plain.example.com', paths: [{ path: '/', service: 'app' }] },
            { host: 'secure.example.com', paths: [{ path: '/', service: 'app' }] },
          ],
          { tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }] },
        ),
      ],
      'configmap.yaml': configMap({ 'log-format-upstream': 'json' }),
    },
  });
});

after(async () => {
  await portico?.stop();
  await backend?.stop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

test('log-format-upstream: json writes one parseable JSON line per request with request id, upstream address, status and timings', async () => {
  // What no rule serves is not logged by default (enable-access-log-for-default-backend).
  assert.equal((await get(portico, { host: 'unknown.example.com', headers: { 'x-request-id': 'req-unknown-1' } })).status, 404);
  const answer = await get(portico, { host: 'plain.example.com', path: '/json?x=1', headers: { 'x-request-id': 'req-json-1' } });
  assert.equal(answer.status, 200);
  const line = await eventually('the JSON access log line', async () =>
    (await jsonLines(join(portico.workDir, 'access.log'))).find((entry) => entry.request_id === 'req-json-1'),
  );
  assert.equal(line.host, 'plain.example.com');
  assert.equal(line.uri, '/json?x=1');
  assert.equal(line.status, 200);
  assert.equal(line.upstream_addr, `${POD}:${port}`);
  assert.equal(line.upstream_status, '200');
  assert.equal(line.namespace, 'default');
  assert.equal(line.ingress, 'app');
  assert.equal(line.service, 'app');
  assert.equal(typeof line.request_time, 'number');
  assert.match(String(line.upstream_response_time), /^\d+\.\d{3}$/);
  assert.match(String(line.upstream_connect_time), /^\d+\.\d{3}$/);
  assert.equal((await jsonLines(join(portico.workDir, 'access.log'))).find((entry) => entry.request_id === 'req-unknown-1'), undefined);
});

test('hsts: Strict-Transport-Security on HTTPS answers of TLS hosts only', async () => {
  const secure = await get(portico, { host: 'secure.example.com', https: true });
  assert.equal(secure.status, 200);
  assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  const plainOverTls = await get(portico, { host: 'plain.example.com', https: true });
  assert.equal(plainOverTls.status, 200);
  assert.equal(plainOverTls.headers['strict-transport-security'], undefined);
  const plain = await get(portico, { host: 'plain.example.com' });
  assert.equal(plain.headers['strict-transport-security'], undefined);
});

test('a ConfigMap change applies live: per-host access log files and new HSTS values', async () => {
  await portico.writeManifest('configmap.yaml', configMap({
    'access-log-path': `${logDir}/$host.log`,
    'hsts-max-age': '600',
    'hsts-include-subdomains': 'false',
    'hsts-preload': 'true',
    'enable-access-log-for-default-backend': 'true',
  }));
  await eventually('the new HSTS value', async () =>
    (await get(portico, { host: 'secure.example.com', https: true })).headers['strict-transport-security'] === 'max-age=600; preload');
  await get(portico, { host: 'plain.example.com', path: '/per-host' });
  await get(portico, { host: 'secure.example.com', path: '/per-host', https: true });
  await get(portico, { host: 'unknown.example.com', path: '/per-host' });
  for (const host of ['plain.example.com', 'secure.example.com', 'unknown.example.com']) {
    const text = await eventually(`${host}.log`, async () => {
      const content = await readFile(join(logDir, `${host}.log`), 'utf8').catch(() => '');
      return content.includes('GET /per-host') ? content : null;
    });
    // Back to ingress-nginx's upstreaminfo text format, with the upstream address in it.
    if (host === 'unknown.example.com') assert.match(text, /"GET \/per-host HTTP\/1.1" 404 /);
    else assert.match(text, new RegExp(`"GET /per-host HTTP/1.1" 200 .* ${POD.replaceAll('.', '\\.')}:${port} `));
  }
});

test('an invalid value is logged with its key and value, keeps its default, and everything keeps serving', async () => {
  await portico.writeManifest('configmap.yaml', configMap({ 'hsts-max-age': 'forever', 'keep-alive': '75;' }));
  for (const [key, value] of [['hsts-max-age', 'forever'], ['keep-alive', '75;']]) {
    const record = await portico.waitForLog(`the warning about ${key}`, (entry) => typeof entry.reason === 'string' && entry.reason.startsWith(`key ${key} value ${JSON.stringify(value)}`));
    assert.equal(record.level, 40);
    assert.deepEqual(record.object, { kind: 'ConfigMap', namespace: 'ingress-nginx', name: 'portico-controller' });
  }
  await eventually('the default HSTS value again', async () =>
    (await get(portico, { host: 'secure.example.com', https: true })).headers['strict-transport-security'] === 'max-age=31536000; includeSubDomains');
  assert.equal((await get(portico, { host: 'plain.example.com' })).status, 200);
});

test('use-forwarded-headers trusts the proxy in front; block-cidrs and block-user-agents answer 403', async () => {
  const sent = { 'x-forwarded-for': '127.1.2.3', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example.com' };
  const direct = await get(portico, { host: 'plain.example.com', headers: sent, localAddress: '127.0.7.9' });
  assert.equal(direct.json?.headers['x-real-ip'], '127.0.7.9', 'by default the peer is the client');
  assert.equal(direct.json?.headers['x-forwarded-proto'], 'http');
  assert.equal(direct.json?.headers['x-forwarded-host'], 'plain.example.com');

  await portico.writeManifest('configmap.yaml', configMap({
    'use-forwarded-headers': 'true',
    'proxy-real-ip-cidr': '127.0.7.0/24',
    'block-cidrs': '127.0.7.66',
    'block-user-agents': '~*evil-?bot, Exact Agent/1.0',
  }));
  const trusted = await eventually('forwarded headers trusted', async () => {
    const answer = await get(portico, { host: 'plain.example.com', headers: sent, localAddress: '127.0.7.9' });
    return answer.json?.headers['x-real-ip'] === '127.1.2.3' ? answer : null;
  });
  assert.equal(trusted.json?.headers['x-forwarded-proto'], 'https');
  assert.equal(trusted.json?.headers['x-forwarded-host'], 'public.example.com');
  assert.equal((await get(portico, { host: 'plain.example.com', localAddress: '127.0.7.66' })).status, 403);
  // A location allowing a source range that holds the blocked address still refuses it.
  await portico.writeManifest('ranged.yaml', [ingress('ranged', [{ host: 'ranged.example.com', paths: [{ path: '/', service: 'app' }] }], {
    annotations: { 'nginx.ingress.kubernetes.io/allowlist-source-range': '127.0.7.0/24' },
  })]);
  await eventually('the ranged Ingress served', async () => (await get(portico, { host: 'ranged.example.com', localAddress: '127.0.7.9' })).status === 200);
  assert.equal((await get(portico, { host: 'ranged.example.com', localAddress: '127.0.7.66' })).status, 403);
  assert.equal((await get(portico, { host: 'plain.example.com', headers: { 'user-agent': 'Mozilla EVIL-BOT' } })).status, 403);
  assert.equal((await get(portico, { host: 'plain.example.com', headers: { 'user-agent': 'Exact Agent/1.0' } })).status, 403);
  assert.equal((await get(portico, { host: 'plain.example.com', headers: { 'user-agent': 'Exact Agent/1.01' } })).status, 200);
});

test('use-gzip compresses the gzip-types; proxy-body-size answers 413 beyond it; server-tokens off hides the version', async () => {
  const gzipped = (answer: { headers: Record<string, unknown> }) => answer.headers['content-encoding'] === 'gzip';
  assert.equal(gzipped(await get(portico, { host: 'plain.example.com', headers: { 'accept-encoding': 'gzip' } })), false);
  await portico.writeManifest('configmap.yaml', configMap({ 'use-gzip': 'true', 'gzip-min-length': '10', 'proxy-body-size': '1k' }));
  await eventually('gzip on', async () => gzipped(await get(portico, { host: 'plain.example.com', headers: { 'accept-encoding': 'gzip' } })));
  const small = await get(portico, { host: 'plain.example.com', method: 'POST', body: 'x'.repeat(512) });
  assert.equal(small.status, 200);
  const large = await get(portico, { host: 'plain.example.com', method: 'POST', body: 'x'.repeat(4096) });
  assert.equal(large.status, 413);
  assert.equal(large.headers.server, 'nginx');
});
