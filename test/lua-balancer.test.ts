import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { PLAIN_SERVER, plainLocation } from '../controller/model/annotated.js';
import type { Model } from '../controller/model/types.js';
import { render } from '../controller/render/render.js';
import { configRequest, makeWorkDir, request, startNginx, testSettings } from './helpers/nginx-paths.js';
import { DEFAULT_SETTINGS } from '../controller/config/read.js';

const BACKEND = 'default.echo.80';

const model: Model = {
  servers: [{
    host: '',
    match: 'catch-all',
    certificate: null,
    sslRedirect: false,
    ...PLAIN_SERVER,
    locations: [plainLocation('/', 'prefix', BACKEND)],
  }],
  backends: [],
  certificates: [],
  defaultCertificate: null,
  secretFiles: [],
  settings: DEFAULT_SETTINGS,
};

/** A loopback HTTP server answering with its own port; closed after the test. */
async function startBackend(t: TestContext, address = '127.0.0.1'): Promise<number> {
  const server = createServer((req, res) => res.end(String((server.address() as AddressInfo).port)));
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  t.after(() => {
    // nginx holds keepalive connections open; without this, close() would wait for them.
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A backend with a sticky cookie whose settings are valid except for `cookie`'s overrides. */
function stickyBody(cookie: Record<string, unknown>): string {
  const valid = { mode: 'balanced', name: 'route', path: '/', secure: false, changeOnFailure: false, conditionalSameSiteNone: false };
  return JSON.stringify([{ name: 'x', endpoints: [], balancing: { strategy: 'sticky', cookie: { ...valid, ...cookie } }, routes: [] }]);
}

function backendsJson(ports: number[], address = '127.0.0.1'): string {
  return JSON.stringify([{ name: BACKEND, endpoints: ports.map((port) => ({ address, port })), balancing: { strategy: 'round_robin' }, routes: [] }]);
}

test('the Lua balancer serves backends pushed over the configuration socket', async (t) => {
  const workDir = await makeWorkDir(t);
  const settings = await testSettings(workDir);
  const { text, hash } = render(model, settings);
  await startNginx(t, workDir, text, hash);
  const ports = [await startBackend(t), await startBackend(t), await startBackend(t)];
  const workerPid = (await configRequest(workDir, 'GET', '/configuration/workers')).body;

  const push = async (body: string) => (await configRequest(workDir, 'POST', '/configuration/backends', body)).status;
  /** Which backend port answered each of `count` requests. */
  const answers = async (count: number) => {
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await request({ host: '127.0.0.1', port: settings.httpPort, path: '/' });
      assert.equal(answer.status, 200, answer.body);
      bodies.push(answer.body);
    }
    return bodies;
  };
  const countByPort = (bodies: string[]) => Object.fromEntries([...new Set(bodies)].sort().map((b) => [b, bodies.filter((x) => x === b).length]));

  await t.test('answers 503 at once before any backends are pushed', async () => {
    const answer = await request({ host: '127.0.0.1', port: settings.httpPort, path: '/' });
    assert.equal(answer.status, 503);
  });

  await t.test('round robin spreads requests evenly over all endpoints', async () => {
    assert.equal(await push(backendsJson(ports)), 201);
    assert.deepEqual(countByPort(await answers(9)), Object.fromEntries(ports.map((p) => [String(p), 3]).sort()));
  });

  await t.test('pushing unchanged endpoints keeps the balancer and its rotation', async () => {
    const [first] = await answers(1);
    assert.equal(await push(backendsJson(ports)), 201);
    const [second] = await answers(1);
    // A rebuilt balancer would start over at the first endpoint.
    assert.equal(ports.indexOf(Number(second)), (ports.indexOf(Number(first)) + 1) % ports.length);
  });

  await t.test('a new endpoint set applies at once, in the same worker', async () => {
    const kept = ports.slice(0, 2);
    assert.equal(await push(backendsJson(kept)), 201);
    assert.deepEqual(countByPort(await answers(6)), Object.fromEntries(kept.map((p) => [String(p), 3]).sort()));
    assert.equal((await configRequest(workDir, 'GET', '/configuration/workers')).body, workerPid);
  });

  await t.test('GET returns the stored backends', async () => {
    const stored = await configRequest(workDir, 'GET', '/configuration/backends');
    assert.equal(stored.status, 200);
    assert.equal(stored.body, backendsJson(ports.slice(0, 2)));
  });

  await t.test('an empty endpoint list answers 503 at once', async () => {
    assert.equal(await push(backendsJson([])), 201);
    const started = Date.now();
    const answer = await request({ host: '127.0.0.1', port: settings.httpPort, path: '/' });
    assert.equal(answer.status, 503);
    assert.ok(Date.now() - started < 1000, 'answered without waiting on any upstream');
  });

  await t.test('a failed connect moves on to a live endpoint', async () => {
    const live = String(ports[0]);
    assert.equal(await push(backendsJson([await deadPort(), Number(live)])), 201);
    assert.deepEqual(await answers(6), Array(6).fill(live));
  });

  await t.test('a retry takes the endpoint after the one that failed, found in $upstream_addr', async () => {
    const [first, third] = [String(ports[0]), String(ports[1])];
    assert.equal(await push(backendsJson([Number(first), await deadPort(), Number(third)])), 201);
    // Round robin picks first, dead, third in turn; the dead pick's retry goes to third, not back to first.
    assert.deepEqual(countByPort(await answers(6)), { [first]: 2, [third]: 4 });
  });

  await t.test('an IPv6 endpoint is reached', async () => {
    const port = await startBackend(t, '::1');
    assert.equal(await push(backendsJson([port], '::1')), 201);
    assert.deepEqual(await answers(2), [String(port), String(port)]);
  });

  await t.test('a malformed body is refused with 400 and keeps the stored backends', async () => {
    const before = (await configRequest(workDir, 'GET', '/configuration/backends')).body;
    const refused: [body: string, reason: RegExp][] = [
      ['not json', /invalid JSON/],
      ['{"name": "x"}', /must be a JSON array/],
      ['[{"endpoints": []}]', /no string name/],
      ['[{"name": "x", "endpoints": [{"address": "127.0.0.1", "port": 0}]}]', /string address and a port/],
      ['[{"name": "x", "endpoints": [], "balancing": {"strategy": "least_conn"}, "routes": []}]', /known strategy/],
      ['[{"name": "x", "endpoints": [], "balancing": {"strategy": "chash", "hashBy": []}, "routes": []}]', /hashBy must be a non-empty array/],
      ['[{"name": "x", "endpoints": [], "balancing": {"strategy": "chash", "hashBy": [{"variable": "a b"}]}, "routes": []}]', /variable name/],
      [stickyBody({ name: 'a\r\nSet-Cookie: x' }), /valid name and path/],
      [stickyBody({ path: '/a;Domain=evil' }), /valid name and path/],
      [stickyBody({ sameSite: 'Sometimes' }), /sameSite/],
      ['[{"name": "x", "endpoints": [], "balancing": {"strategy": "round_robin"}, "routes": [{"route": "r", "lanes": [{"backend": "y", "weight": 1, "weightTotal": 0}]}]}]', /weightTotal above 0/],
    ];
    for (const [body, reason] of refused) {
      const answer = await configRequest(workDir, 'POST', '/configuration/backends', body);
      assert.equal(answer.status, 400, body);
      assert.match(answer.body, reason);
    }
    assert.equal((await configRequest(workDir, 'GET', '/configuration/backends')).body, before);
  });

  await t.test('after a reload, fresh workers serve the backends stored before it', async () => {
    const stored = (await configRequest(workDir, 'GET', '/configuration/backends')).body;
    process.kill(Number(await readFile(join(workDir, 'nginx.pid'), 'utf8')), 'SIGHUP');
    const deadline = Date.now() + 10_000;
    while ((await configRequest(workDir, 'GET', '/configuration/workers')).body === workerPid) {
      assert.ok(Date.now() < deadline, 'no new worker within 10s of SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [answer] = await answers(1);
    assert.equal(JSON.parse(stored)[0].endpoints[0].port, Number(answer));
  });
});
