// Access policy through real OpenResty: rate and connection limits answering the ConfigMap's status, allow/deny ranges by
// source address, basic auth (htpasswd file and user map), CORS preflight and simple requests, custom headers,
// and snippets refused until the ConfigMap allows them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { eventually, freePort, startBackend, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const POD = '127.0.71.1';
/** Answers after 1.5 s, so connections to it stay open long enough to count. */
const SLOW_POD = '127.0.71.60';
const A = 'nginx.ingress.kubernetes.io';
let portico: Portico;
let backends: Backend[] = [];

const base64 = (text: string) => Buffer.from(text).toString('base64');
const apr1 = (password: string) => execFileSync('openssl', ['passwd', '-apr1', password]).toString().trim();
const basic = (user: string, password: string) => ({ authorization: `Basic ${base64(`${user}:${password}`)}` });

/** The controller's ConfigMap: a trusted proxy at 127.0.71.50 names the client in X-Forwarded-For. */
const controllerConfig = (extra: Record<string, string> = {}) =>
  configMap('portico-controller', { 'limit-req-status-code': '429', 'use-forwarded-headers': 'true', 'proxy-real-ip-cidr': '127.0.71.50/32', ...extra });

function configMap(name: string, data: Record<string, string>, namespace = 'default'): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

function secret(name: string, data: Record<string, string>): object {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64(v)])) };
}

const site = (name: string, annotations: Record<string, string>) =>
  ingress(name, [{ host: `${name}.example.com`, paths: [{ path: '/', service: 'app' }] }], { annotations });

before(async () => {
  const port = await freePort();
  backends = [...(await startBackends([POD], port)), await startBackend(SLOW_POD, port, { delayMs: 1500 })];
  portico = await startPortico({
    manifests: {
      'config.yaml': [controllerConfig()],
      'base.yaml': [
        ingressClass('portico'),
        ...service('app', [POD], { ports: [{ port: 80, targetPort: port }] }),
        ...service('slow', [SLOW_POD], { ports: [{ port: 80, targetPort: port }] }),
        configMap('headers', { 'X-Frame-Options': 'DENY', 'X-Team': 'blue team' }),
        secret('users', { auth: `alice:${apr1('wonderland')}\n` }),
        secret('user-map', { bob: apr1('builder') }),
      ],
      'ingresses.yaml': [
        site('limited', { [`${A}/limit-rps`]: '1', [`${A}/limit-burst-multiplier`]: '1', [`${A}/limit-allowlist`]: '127.0.71.9' }),
        site('ranges', { [`${A}/allowlist-source-range`]: '127.0.71.2/32, 127.0.71.3', [`${A}/denylist-source-range`]: '127.0.71.3' }),
        ingress('conns', [{ host: 'conns.example.com', paths: [{ path: '/', service: 'slow' }] }], { annotations: { [`${A}/limit-connections`]: '1' } }),
        site('either', { [`${A}/whitelist-source-range`]: '127.0.71.2', [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'users', [`${A}/satisfy`]: 'any' }),
        site('basic', { [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'users', [`${A}/auth-realm`]: 'Staff only' }),
        site('basicmap', { [`${A}/auth-type`]: 'basic', [`${A}/auth-secret`]: 'default/user-map', [`${A}/auth-secret-type`]: 'auth-map' }),
        site('cors', { [`${A}/enable-cors`]: 'true', [`${A}/cors-allow-origin`]: 'https://app.example.com, https://*.example.org', [`${A}/cors-allow-methods`]: 'GET, POST', [`${A}/cors-max-age`]: '600' }),
        site('headers', { [`${A}/custom-headers`]: 'default/headers' }),
        site('snippet', { [`${A}/configuration-snippet`]: 'more_set_headers "X-Snippet: yes";' }),
      ],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('limit-rps: beyond the rate and its burst a client gets limit-req-status-code; an allowlisted client is never limited', async () => {
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await get(portico, { host: 'limited.example.com', localAddress: '127.0.71.5' })).status);
  assert.equal(statuses[0], 200);
  assert.ok(statuses.includes(429), `expected some 429 among ${statuses.join(' ')}`);
  for (let i = 0; i < 6; i++) assert.equal((await get(portico, { host: 'limited.example.com', localAddress: '127.0.71.9' })).status, 200);
});

test('allowlist-source-range admits only its ranges; denylist-source-range refuses first', async () => {
  const from = async (address: string) => (await get(portico, { host: 'ranges.example.com', localAddress: address })).status;
  assert.equal(await from('127.0.71.2'), 200);
  assert.equal(await from('127.0.71.4'), 403);
  assert.equal(await from('127.0.71.3'), 403);
});

test('address ranges apply to the real client: the one a trusted proxy names in X-Forwarded-For, not an untrusted sender\'s claim', async () => {
  const via = async (proxy: string, client: string) =>
    (await get(portico, { host: 'ranges.example.com', localAddress: proxy, headers: { 'x-forwarded-for': client } })).status;
  assert.equal(await via('127.0.71.50', '127.0.71.2'), 200);
  assert.equal(await via('127.0.71.50', '127.0.71.4'), 403);
  assert.equal(await via('127.0.71.51', '127.0.71.2'), 403);
});

test('limit-connections: a second concurrent connection from the same client gets limit-conn-status-code (503)', async () => {
  const statuses = await Promise.all([0, 1, 2].map(() => get(portico, { host: 'conns.example.com', localAddress: '127.0.71.6' }).then((answer) => answer.status)));
  assert.equal(statuses.filter((status) => status === 200).length >= 1, true, statuses.join(' '));
  assert.ok(statuses.includes(503), `expected a 503 among ${statuses.join(' ')}`);
});

test('satisfy: any lets an allowed address in without credentials, and others in with them', async () => {
  assert.equal((await get(portico, { host: 'either.example.com', localAddress: '127.0.71.2' })).status, 200);
  assert.equal((await get(portico, { host: 'either.example.com', localAddress: '127.0.71.4' })).status, 401);
  assert.equal((await get(portico, { host: 'either.example.com', localAddress: '127.0.71.4', headers: basic('alice', 'wonderland') })).status, 200);
});

test('basic auth: 401 with the realm without or with wrong credentials, 200 with a user of the htpasswd file or the user map', async () => {
  const none = await get(portico, { host: 'basic.example.com' });
  assert.equal(none.status, 401);
  assert.equal(none.headers['www-authenticate'], 'Basic realm="Staff only"');
  assert.equal((await get(portico, { host: 'basic.example.com', headers: basic('alice', 'wrong') })).status, 401);
  assert.equal((await get(portico, { host: 'basic.example.com', headers: basic('alice', 'wonderland') })).status, 200);
  assert.equal((await get(portico, { host: 'basicmap.example.com' })).status, 401);
  assert.equal((await get(portico, { host: 'basicmap.example.com', headers: basic('bob', 'builder') })).status, 200);
});

test('CORS: a preflight from an allowed origin is answered 204 at the edge; simple requests get the headers only for allowed origins', async () => {
  const preflight = await get(portico, { host: 'cors.example.com', method: 'OPTIONS', headers: { origin: 'https://a.example.org', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.json, null, 'the preflight must not reach the backend');
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://a.example.org');
  assert.equal(preflight.headers['access-control-allow-methods'], 'GET, POST');
  assert.equal(preflight.headers['access-control-max-age'], '600');
  assert.equal(preflight.headers['access-control-allow-credentials'], 'true');

  const allowed = await get(portico, { host: 'cors.example.com', headers: { origin: 'https://app.example.com' } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com');

  for (const origin of ['https://evil.com', 'https://a.b.example.org', 'http://app.example.com']) {
    const other = await get(portico, { host: 'cors.example.com', headers: { origin } });
    assert.equal(other.status, 200);
    assert.equal(other.headers['access-control-allow-origin'], undefined, origin);
  }
});

test('custom-headers: every key of the ConfigMap is set on the response', async () => {
  const answer = await get(portico, { host: 'headers.example.com' });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['x-frame-options'], 'DENY');
  assert.equal(answer.headers['x-team'], 'blue team');
});

test('configuration-snippet: refused (Ingress not served, reason logged) until the ConfigMap allows snippets at Critical risk', async () => {
  assert.equal((await get(portico, { host: 'snippet.example.com' })).status, 404);
  await portico.waitForLog('snippet refusal', (record) => String(record.reason ?? record.msg).includes('configuration-snippet') && String(record.reason ?? record.msg).includes('allow-snippet-annotations'));

  await portico.writeManifest('config.yaml', [controllerConfig({ 'allow-snippet-annotations': 'true' })]);
  await portico.waitForLog('risk refusal', (record) => /risk \(Critical\) is above/.test(String(record.reason ?? record.msg)));
  assert.equal((await get(portico, { host: 'snippet.example.com' })).status, 404);

  await portico.writeManifest('config.yaml', [controllerConfig({ 'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical' })]);
  const answer = await eventually('snippet served', async () => {
    const got = await get(portico, { host: 'snippet.example.com' });
    return got.status === 200 ? got : null;
  });
  assert.equal(answer.headers['x-snippet'], 'yes');
});
