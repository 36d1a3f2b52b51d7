// Balancing strategies and session affinity through real OpenResty: ewma prefers the faster endpoint,
// consistent hashing keeps keys in place when an endpoint goes, cookies keep sessions on one endpoint and
// move them when it goes; strategy changes apply without a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePort, startBackend, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Answer, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const PREFIX = 'nginx.ingress.kubernetes.io';
const PODS = ['127.0.42.1', '127.0.42.2', '127.0.42.3', '127.0.42.4'];
const FAST = '127.0.43.1';
const SLOW = '127.0.43.2';
/** Pods of the change-on-failure test; the first one's process is stopped while it stays in the endpoints. */
const FAILING = ['127.0.44.1', '127.0.44.2'];
let port: number;
let portico: Portico;
let backends: Backend[] = [];

const podsService = (name: string, pods: string[]): object[] => service(name, pods, { ports: [{ port: 80, targetPort: port }] });

function annotated(name: string, host: string, backend: string, annotations: Record<string, string>): object {
  const prefixed = Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`${PREFIX}/${key}`, value]));
  return ingress(name, [{ host, paths: [{ path: '/', service: backend }] }], { annotations: prefixed });
}

const podOf = (answer: Answer): string => answer.json?.pod.split(':')[0] ?? String(answer.status);

/** The pod serving each of `paths` on `host`. */
async function podsByPath(host: string, paths: string[]): Promise<Map<string, string>> {
  const pods = new Map<string, string>();
  for (const path of paths) pods.set(path, podOf(await get(portico, { host, path })));
  return pods;
}

/** The affinity cookie's `name=value`, and its attributes, from an answer's Set-Cookie. */
function affinityCookie(answer: Answer, name: string): { pair: string; attributes: string } | null {
  const header = [answer.headers['set-cookie'] ?? []].flat().find((cookie) => cookie.startsWith(`${name}=`));
  if (!header) return null;
  const [pair = '', ...attributes] = header.split('; ');
  return { pair, attributes: attributes.join('; ') };
}

async function expectNoReload(change: () => Promise<void>): Promise<void> {
  const workers = await portico.workerPids();
  const reloads = portico.reloads();
  await change();
  assert.deepEqual(await portico.workerPids(), workers, 'nginx workers were replaced: a reload happened');
  assert.equal(portico.reloads(), reloads);
}

before(async () => {
  port = await freePort();
  backends = [...(await startBackends([...PODS, FAST, ...FAILING], port)), await startBackend(SLOW, port, { delayMs: 150 })];
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'services.yaml': [...podsService('hashed', PODS), ...podsService('sticky', PODS.slice(0, 3)), ...podsService('persist', PODS.slice(0, 3)), ...podsService('mixed', [FAST, SLOW])],
      'hash.yaml': [annotated('hash', 'hash.example.com', 'hashed', {})],
      'subset.yaml': [
        ...podsService('subset', PODS),
        annotated('subset', 'subset.example.com', 'subset', { 'upstream-hash-by': '$request_uri', 'upstream-hash-by-subset': 'true', 'upstream-hash-by-subset-size': '2' }),
      ],
      'sticky.yaml': [
        annotated('sticky', 'sticky.example.com', 'sticky', { affinity: 'cookie', 'session-cookie-name': 'route', 'session-cookie-max-age': '3600', 'session-cookie-samesite': 'Lax' }),
        annotated('persist', 'persist.example.com', 'persist', { affinity: 'cookie', 'affinity-mode': 'persistent', 'session-cookie-path': '/app' }),
        ...podsService('samesite', PODS.slice(0, 1)),
        annotated('samesite', 'samesite.example.com', 'samesite', {
          affinity: 'cookie',
          'session-cookie-samesite': 'None',
          'session-cookie-conditional-samesite-none': 'true',
          'session-cookie-secure': 'true',
          'session-cookie-expires': '172800',
        }),
      ],
      'ewma.yaml': [annotated('ewma', 'ewma.example.com', 'mixed', { 'load-balance': 'ewma' })],
      'failover.yaml': [
        ...podsService('change', FAILING),
        ...podsService('keep', FAILING),
        annotated('change', 'change.example.com', 'change', { affinity: 'cookie', 'affinity-mode': 'persistent', 'session-cookie-change-on-failure': 'true' }),
        annotated('keep', 'keep.example.com', 'keep', { affinity: 'cookie', 'affinity-mode': 'persistent' }),
      ],
    },
    // Each worker learns response times on its own: two workers keep the exploration of the slow pod short.
    args: ['--worker-processes', '2'],
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('upstream-hash-by: switching on applies without a reload, and each key sticks to one endpoint', async () => {
  const paths = Array.from({ length: 40 }, (_, i) => `/key-${i}`);
  await expectNoReload(async () => {
    await portico.writeManifest('hash.yaml', [annotated('hash', 'hash.example.com', 'hashed', { 'upstream-hash-by': '$request_uri' })]);
    await eventually('requests hashed by URI', async () => {
      const [first, second] = [await podsByPath('hash.example.com', paths), await podsByPath('hash.example.com', paths)];
      return JSON.stringify([...first]) === JSON.stringify([...second]);
    });
  });
  const pods = new Set((await podsByPath('hash.example.com', paths)).values());
  assert.equal(pods.size, PODS.length, 'keys spread over every endpoint');
});

test('upstream-hash-by: removing one of four endpoints moves only its keys (about 1/4)', async () => {
  const paths = Array.from({ length: 400 }, (_, i) => `/item/${i}`);
  const before = await podsByPath('hash.example.com', paths);
  const removed = PODS[3]!;
  await expectNoReload(async () => {
    await portico.writeManifest('services.yaml', [...podsService('hashed', PODS.slice(0, 3)), ...podsService('sticky', PODS.slice(0, 3)), ...podsService('persist', PODS.slice(0, 3)), ...podsService('mixed', [FAST, SLOW])]);
    await eventually('removed endpoint out of rotation', async () => !new Set((await podsByPath('hash.example.com', paths.slice(0, 40))).values()).has(removed));
  });
  const after = await podsByPath('hash.example.com', paths);
  const moved = paths.filter((path) => before.get(path) !== after.get(path));
  assert.ok(moved.every((path) => before.get(path) === removed), 'only keys of the removed endpoint moved');
  const share = moved.length / paths.length;
  assert.ok(share > 0.1 && share < 0.4, `${moved.length} of ${paths.length} keys moved, expected about a quarter`);
});

test('upstream-hash-by on a header and literal text: one user stays on one endpoint whatever the URI', async () => {
  await expectNoReload(async () => {
    await portico.writeManifest('hash.yaml', [annotated('hash', 'hash.example.com', 'hashed', { 'upstream-hash-by': 'user:${http_x_user}' })]);
    await eventually('requests hashed by user', async () => {
      const pods = new Set<string>();
      for (let i = 0; i < 12; i++) pods.add(podOf(await get(portico, { host: 'hash.example.com', path: `/page/${i}`, headers: { 'x-user': 'alice' } })));
      return pods.size === 1;
    });
  });
  const users = new Set<string>();
  for (let i = 0; i < 30; i++) users.add(podOf(await get(portico, { host: 'hash.example.com', path: '/', headers: { 'x-user': `user-${i}` } })));
  assert.ok(users.size > 1, 'thirty users all hashed onto one endpoint');
});

test('upstream-hash-by-subset: a key maps to a group of endpoints, requests spread within it', async () => {
  const groups = new Set<string>();
  for (const path of ['/a', '/b', '/c', '/d', '/e', '/f']) {
    const pods = new Set<string>();
    for (let i = 0; i < 20; i++) pods.add(podOf(await get(portico, { host: 'subset.example.com', path })));
    assert.equal(pods.size, 2, `${path} went to ${[...pods].join(', ')}`);
    groups.add([...pods].sort().join(' '));
  }
  // Four endpoints in groups of two, in address order.
  for (const group of groups) assert.ok([PODS.slice(0, 2).join(' '), PODS.slice(2, 4).join(' ')].includes(group), group);
});

test('affinity cookie (balanced): the first answer sets the cookie, later requests with it stay on one endpoint', async () => {
  const first = await get(portico, { host: 'sticky.example.com' });
  const cookie = affinityCookie(first, 'route');
  assert.ok(cookie, `no affinity cookie in ${JSON.stringify(first.headers['set-cookie'])}`);
  assert.match(cookie.attributes, /^Path=\/; HttpOnly; Max-Age=3600; SameSite=Lax$/);
  const pods = new Set<string>([podOf(first)]);
  for (let i = 0; i < 20; i++) {
    const answer = await get(portico, { host: 'sticky.example.com', headers: { cookie: cookie.pair } });
    assert.equal(affinityCookie(answer, 'route'), null, 'a valid cookie is not set again');
    pods.add(podOf(answer));
  }
  assert.deepEqual([...pods], [podOf(first)]);
  // New sessions are spread: thirty of them do not all land on one endpoint.
  const fresh = new Set<string>();
  for (let i = 0; i < 30; i++) fresh.add(podOf(await get(portico, { host: 'sticky.example.com' })));
  assert.ok(fresh.size > 1, 'new sessions all went to one endpoint');
});

test('affinity cookie attributes: Secure, Expires, and SameSite=None left out for browsers that reject it', async () => {
  const modern = affinityCookie(await get(portico, { host: 'samesite.example.com', headers: { 'user-agent': 'Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36' } }), 'INGRESSCOOKIE');
  assert.match(modern?.attributes ?? '', /^Path=\/; HttpOnly; Secure; Expires=\w{3}, \d\d-\w{3}-\d\d \d\d:\d\d:\d\d GMT; SameSite=None$/);
  const expires = Date.parse((/Expires=([^;]+)/.exec(modern?.attributes ?? '')?.[1] ?? '').replace(/-/g, ' '));
  assert.ok(Math.abs(expires - Date.now() - 172_800_000) < 60_000, 'expires two days from now');
  const old = affinityCookie(await get(portico, { host: 'samesite.example.com', headers: { 'user-agent': 'Mozilla/5.0 Chrome/59.0.3071.115 Safari/537.36' } }), 'INGRESSCOOKIE');
  assert.ok(old && !old.attributes.includes('SameSite'), `SameSite sent to Chrome 59: ${old?.attributes}`);
});

/** A cookie (from a fresh session) whose endpoint is `pod`, for `host`. */
async function sessionOn(host: string, name: string, pod: string): Promise<string> {
  return eventually(`a session on ${pod}`, async () => {
    const answer = await get(portico, { host, path: '/app' });
    return podOf(answer) === pod ? affinityCookie(answer, name)?.pair : undefined;
  });
}

test('affinity: when the sticky endpoint goes away, the session moves to another one (balanced and persistent)', async () => {
  const gone = PODS[0]!;
  const balanced = await sessionOn('sticky.example.com', 'route', gone);
  const persistent = await sessionOn('persist.example.com', 'INGRESSCOOKIE', gone);
  await portico.writeManifest('services.yaml', [...podsService('hashed', PODS.slice(0, 3)), ...podsService('sticky', PODS.slice(1, 3)), ...podsService('persist', PODS.slice(1, 3)), ...podsService('mixed', [FAST, SLOW])]);
  await eventually('balanced session moved', async () => podOf(await get(portico, { host: 'sticky.example.com', headers: { cookie: balanced } })) !== gone);
  // Balanced: the same key hashes onto a remaining endpoint, so the cookie stays valid and is not replaced.
  const moved = await get(portico, { host: 'sticky.example.com', headers: { cookie: balanced } });
  assert.equal(affinityCookie(moved, 'route'), null);
  const movedPod = podOf(moved);
  for (let i = 0; i < 5; i++) assert.equal(podOf(await get(portico, { host: 'sticky.example.com', headers: { cookie: balanced } })), movedPod);
  // Persistent: the cookie named the endpoint, so a new one is set for the endpoint that takes over.
  const answer = await get(portico, { host: 'persist.example.com', path: '/app', headers: { cookie: persistent } });
  const renewed = affinityCookie(answer, 'INGRESSCOOKIE');
  assert.ok(renewed && renewed.pair !== persistent, 'persistent mode sets a new cookie');
  assert.match(renewed.attributes, /^Path=\/app; HttpOnly$/);
  for (let i = 0; i < 5; i++) assert.equal(podOf(await get(portico, { host: 'persist.example.com', path: '/app', headers: { cookie: renewed.pair } })), podOf(answer));
});

test('load-balance ewma sends most requests to the faster endpoint', async () => {
  let slow = 0;
  const count = 60;
  for (let i = 0; i < count; i++) if (podOf(await get(portico, { host: 'ewma.example.com' })) === SLOW) slow++;
  // Round robin would send half; ewma tries the slow endpoint about once per worker, then keeps away from it.
  assert.ok(slow <= 8, `${slow} of ${count} requests went to the slow endpoint`);
});

test('affinity: when the sticky endpoint fails, change-on-failure moves the cookie to the endpoint that answered', async () => {
  const [dead, live] = FAILING as [string, string];
  const changing = await sessionOn('change.example.com', 'INGRESSCOOKIE', dead);
  const keeping = await sessionOn('keep.example.com', 'INGRESSCOOKIE', dead);
  // The pod stops answering but stays in the endpoints (not yet seen as not ready): connects fail and are retried.
  await backends.find((backend) => backend.address === dead)?.stop();
  const changed = await get(portico, { host: 'change.example.com', path: '/app', headers: { cookie: changing } });
  assert.equal(podOf(changed), live);
  const moved = affinityCookie(changed, 'INGRESSCOOKIE');
  assert.ok(moved && moved.pair !== changing, 'the cookie follows the retry');
  assert.equal(podOf(await get(portico, { host: 'change.example.com', path: '/app', headers: { cookie: moved.pair } })), live);
  const kept = await get(portico, { host: 'keep.example.com', path: '/app', headers: { cookie: keeping } });
  assert.equal(podOf(kept), live);
  assert.equal(affinityCookie(kept, 'INGRESSCOOKIE'), null, 'without change-on-failure the cookie is kept');
});
