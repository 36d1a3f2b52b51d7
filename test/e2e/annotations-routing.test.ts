// Rewrites and redirects through real OpenResty: rewrite-target with captures on a regex host, each redirect
// kind and code, ssl-redirect / force-ssl-redirect / preserve-trailing-slash, app-root, server-alias,
// from-to-www-redirect, x-forwarded-prefix, upstream-vhost, and an invalid value dropping only its Ingress.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type LogRecord, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, selfSigned, service, tlsSecret, type Rule } from '../helpers/manifests.js';

const A = 'nginx.ingress.kubernetes.io';
let portico: Portico;
let backends: Backend[] = [];

/** An Ingress sending `paths` of `host` to the echo Service, with these annotations. */
function annotated(name: string, host: string, paths: Rule['paths'] extends Array<infer P> ? Array<Omit<P, 'service'>> : never, annotations: Record<string, string>, extra: Parameters<typeof ingress>[2] = {}): object {
  return ingress(name, [{ host, paths: paths.map((path) => ({ ...path, service: 'echo' })) }], { annotations, ...extra });
}

before(async () => {
  const port = await freePort();
  backends = await startBackends(['127.0.7.1'], port);
  const certificate = selfSigned(['secure.test']);
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'echo.yaml': service('echo', ['127.0.7.1'], { ports: [{ port: 80, targetPort: port }] }),
      'secret.yaml': [tlsSecret('secure-tls', certificate)],
      'ingresses.yaml': [
        annotated('rewrite', 'rewrite.test', [{ path: '/something(/|$)(.*)', pathType: 'ImplementationSpecific' }], { [`${A}/use-regex`]: 'true', [`${A}/rewrite-target`]: '/$2' }),
        annotated('plain', 'rewrite.test', [{ path: '/plain' }], {}),
        annotated('perm', 'redirect.test', [{ path: '/perm' }], { [`${A}/permanent-redirect`]: 'https://example.com/new$request_uri' }),
        annotated('perm308', 'redirect.test', [{ path: '/perm308' }], { [`${A}/permanent-redirect`]: 'https://example.com/p', [`${A}/permanent-redirect-code`]: '308' }),
        annotated('temp', 'redirect.test', [{ path: '/temp' }], { [`${A}/temporal-redirect`]: 'https://example.com/t' }),
        annotated('temp307', 'redirect.test', [{ path: '/temp307' }], { [`${A}/temporal-redirect`]: 'https://example.com/t', [`${A}/temporal-redirect-code`]: '307', [`${A}/permanent-redirect`]: 'https://example.com/loses' }),
        annotated('secure', 'secure.test', [{ path: '/' }], {}, { tls: [{ hosts: ['secure.test'], secretName: 'secure-tls' }] }),
        annotated('secure-open', 'secure.test', [{ path: '/open' }], { [`${A}/ssl-redirect`]: 'false' }),
        annotated('secure-keep', 'secure.test', [{ path: '/keep' }], { [`${A}/preserve-trailing-slash`]: 'true' }),
        annotated('forced', 'force.test', [{ path: '/' }], { [`${A}/force-ssl-redirect`]: 'true' }),
        annotated('root', 'approot.test', [{ path: '/' }], { [`${A}/app-root`]: '/app' }),
        annotated('alias', 'main.test', [{ path: '/' }], { [`${A}/server-alias`]: 'alias-a.test, alias-b.test', [`${A}/from-to-www-redirect`]: 'true' }),
        annotated('headers', 'headers.test', [{ path: '/' }], { [`${A}/x-forwarded-prefix`]: '/mounted', [`${A}/upstream-vhost`]: 'internal.example' }),
        annotated('good', 'bad.test', [{ path: '/good' }], {}),
        annotated('bad', 'bad.test', [{ path: '/bad' }], { [`${A}/proxy-body-size`]: '1mb' }),
      ],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('rewrite-target with capture groups: the upstream sees the rewritten URI, query kept', async () => {
  const cases: Array<[path: string, upstream: string]> = [
    ['/something/new/page?x=1', '/new/page?x=1'],
    ['/something', '/'],
    ['/SOMETHING/case', '/case'],
  ];
  for (const [path, upstream] of cases) {
    const answer = await get(portico, { host: 'rewrite.test', path });
    assert.equal(answer.status, 200, path);
    assert.equal(answer.json?.url, upstream, path);
  }
});

test('use-regex makes the whole host regex, yet a Prefix path still matches whole elements', async () => {
  assert.equal((await get(portico, { host: 'rewrite.test', path: '/plain/x' })).json?.url, '/plain/x');
  assert.equal((await get(portico, { host: 'rewrite.test', path: '/plainx' })).status, 404);
});

test('permanent and temporal redirects answer with their URL and code; temporal wins over permanent', async () => {
  const cases: Array<[path: string, status: number, location: string]> = [
    ['/perm/x?y=1', 301, 'https://example.com/new/perm/x?y=1'],
    ['/perm308', 308, 'https://example.com/p'],
    ['/temp', 302, 'https://example.com/t'],
    ['/temp307', 307, 'https://example.com/t'],
  ];
  for (const [path, status, location] of cases) {
    const answer = await get(portico, { host: 'redirect.test', path });
    assert.equal(answer.status, status, path);
    assert.equal(answer.headers.location, location, path);
  }
});

test('ssl-redirect: a TLS host redirects plain HTTP (308, trailing slash dropped) unless an Ingress turns it off', async () => {
  const https = `https://secure.test:${portico.httpsPort}`;
  const redirect = await get(portico, { host: 'secure.test', path: '/a/b/' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.location, `${https}/a/b`);
  const kept = await get(portico, { host: 'secure.test', path: '/keep/' });
  assert.equal(kept.headers.location, `${https}/keep/`);
  assert.equal((await get(portico, { host: 'secure.test', path: '/open' })).status, 200);
  assert.equal((await get(portico, { host: 'secure.test', path: '/a', https: true })).status, 200);
});

test('force-ssl-redirect redirects a host without TLS', async () => {
  const answer = await get(portico, { host: 'force.test', path: '/x?y' });
  assert.equal(answer.status, 308);
  assert.equal(answer.headers.location, `https://force.test:${portico.httpsPort}/x?y`);
});

test('app-root redirects / (only) to the application root', async () => {
  const answer = await get(portico, { host: 'approot.test', path: '/' });
  assert.equal(answer.status, 302);
  // $http_host: the Host header as the client sent it (here without a port), as ingress-nginx does.
  assert.equal(answer.headers.location, 'http://approot.test/app');
  assert.equal((await get(portico, { host: 'approot.test', path: '/app' })).status, 200);
});

test('server-alias names are served like the host; from-to-www-redirect sends www to the host', async () => {
  for (const host of ['main.test', 'alias-a.test', 'alias-b.test']) {
    assert.equal((await get(portico, { host, path: '/x' })).status, 200, host);
  }
  const www = await get(portico, { host: 'www.main.test', path: '/x?y=1' });
  assert.equal(www.status, 308);
  assert.equal(www.headers.location, `http://main.test:${portico.httpPort}/x?y=1`);
});

test('x-forwarded-prefix and upstream-vhost reach the upstream as headers', async () => {
  const answer = await get(portico, { host: 'headers.test', path: '/' });
  assert.equal(answer.json?.headers['x-forwarded-prefix'], '/mounted');
  assert.equal(answer.json?.headers.host, 'internal.example');
});

test('an invalid annotation value: a log line naming Ingress, annotation and value; only that Ingress stops serving', async () => {
  const record = await portico.waitForLog('annotation rejection', (r: LogRecord) =>
    r.level >= 40 && (r.object as { name?: string } | undefined)?.name === 'bad' && String(r.reason).includes(`${A}/proxy-body-size value "1mb"`));
  assert.match(String(record.reason), /expected an nginx size/);
  assert.equal((await get(portico, { host: 'bad.test', path: '/bad' })).status, 404);
  assert.equal((await get(portico, { host: 'bad.test', path: '/good' })).status, 200);
});
