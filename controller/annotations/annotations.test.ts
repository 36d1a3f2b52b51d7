// Every annotation's parser, as a table: values it must accept (with the typed result) and values it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATIONS, type AnnotationName } from './registry.js';
import { DEFAULT_ANNOTATIONS_PREFIX, readAnnotations } from './read.js';

type Table = { [K in AnnotationName]: { accepts: Array<[string, unknown]>; rejects: string[] } };

const HOSTILE = ['x;', 'a b', '"', '{', '}', '\\', '${x}', 'x\ny'];

const TABLE: Table = {
  rewriteTarget: { accepts: [['/', '/'], ['/$2', '/$2'], ['/api/$1?x=$args', '/api/$1?x=$args'], ['$1', '$1']], rejects: ['api', '/$http_cookie', '/$0', '/a b', '/x;', '/${1', '/"'] },
  useRegex: { accepts: [['true', true], ['False', false], ['1', true]], rejects: ['yes', 'on', ''] },
  appRoot: { accepts: [['/app', '/app'], ['/a/b.html', '/a/b.html']], rejects: ['app', '/a$b', '/a b', '/a?x', 'http://x'] },
  permanentRedirect: { accepts: [['https://example.com/x', 'https://example.com/x'], ['https://new.example.com$request_uri', 'https://new.example.com$request_uri']], rejects: ['/relative', 'ftp://x', 'https://x/$http_authorization', 'https://x/a b', 'https://x/"', 'https://$host/'] },
  permanentRedirectCode: { accepts: [['308', 308], ['301', 301]], rejects: ['200', '309', '30x', '301.0'] },
  temporalRedirect: { accepts: [['http://example.com', 'http://example.com']], rejects: ['example.com', 'https://x/{'] },
  temporalRedirectCode: { accepts: [['307', 307]], rejects: ['400', ''] },
  sslRedirect: { accepts: [['false', false], ['TRUE', true]], rejects: ['off'] },
  forceSslRedirect: { accepts: [['true', true]], rejects: ['maybe'] },
  preserveTrailingSlash: { accepts: [['t', true]], rejects: ['2'] },
  fromToWwwRedirect: { accepts: [['true', true]], rejects: ['y'] },
  xForwardedPrefix: { accepts: [['/api', '/api']], rejects: ['/$uri', 'api', '/a?b'] },
  serverAlias: { accepts: [['a.com', ['a.com']], ['A.com, b.com,a.com', ['a.com', 'b.com']], ['*.c.com', ['*.c.com']]], rejects: ['a_b.com', 'a.com;', ',', 'a.com b.com'] },
  backendProtocol: { accepts: [['GRPCS', 'GRPCS'], ['HTTPS', 'HTTPS']], rejects: ['grpc', 'FCGI', 'AJP'] },
  upstreamVhost: { accepts: [['Internal.Example.com', 'internal.example.com'], ['a.b:8080', 'a.b:8080']], rejects: ['$host', 'a b', 'a:0', 'a:99999'] },
  serviceUpstream: { accepts: [['true', true]], rejects: ['enabled'] },
  proxyConnectTimeout: { accepts: [['15', 15_000], ['500ms', 500], ['2m', 120_000]], rejects: ['-1', '1.5', '5 s', '5d', '1000000h'] },
  proxySendTimeout: { accepts: [['60s', 60_000]], rejects: ['sixty'] },
  proxyReadTimeout: { accepts: [['1h', 3_600_000]], rejects: ['1y'] },
  proxyBodySize: { accepts: [['0', '0'], ['8K', '8k'], ['1m', '1m'], ['100', '100']], rejects: ['1mb', '-1', '1.5m', '1t'] },
  proxyBuffering: { accepts: [['on', true], ['off', false]], rejects: ['true', 'On'] },
  proxyBufferSize: { accepts: [['16k', '16k']], rejects: ['16kb'] },
  proxyRequestBuffering: { accepts: [['off', false]], rejects: ['0'] },
  clientBodyBufferSize: { accepts: [['1m', '1m']], rejects: ['big'] },
  proxyNextUpstream: { accepts: [['error timeout http_502', ['error', 'timeout', 'http_502']], ['off', ['off']]], rejects: ['error;', 'http_418', 'off error', ''] },
  proxyNextUpstreamTries: { accepts: [['0', 0], ['5', 5]], rejects: ['-1', '101', 'x'] },
  proxyNextUpstreamTimeout: { accepts: [['10', 10_000]], rejects: ['10x'] },
  proxyHttpVersion: { accepts: [['1.0', '1.0'], ['1.1', '1.1']], rejects: ['2', '2.0', '1'] },
  connectionProxyHeader: { accepts: [['keep-alive', 'keep-alive'], ['close', 'close'], ['upgrade, keep-alive', 'upgrade, keep-alive']], rejects: ['$http_connection', 'a;b', 'a"'] },
  customHttpErrors: { accepts: [['404,503', [404, 503]], [' 503 , 404 ,503', [503, 404]]], rejects: ['200', '301,404', '404;', '4040', ''] },
  defaultBackend: { accepts: [['errors', 'errors']], rejects: ['Errors', 'ns/errors', 'a.b', ''] },
};

for (const [name, { accepts, rejects }] of Object.entries(TABLE) as Array<[AnnotationName, Table[AnnotationName]]>) {
  const spec = ANNOTATIONS[name];
  test(`${spec.key}: accepts its grammar and refuses everything else`, () => {
    for (const [raw, value] of accepts) assert.deepEqual(spec.parse(raw), { ok: true, value }, `${spec.key}: ${raw}`);
    for (const raw of [...rejects, ...HOSTILE]) {
      const parsed = spec.parse(raw);
      assert.equal(parsed.ok, false, `${spec.key} accepted ${JSON.stringify(raw)}`);
      if (!parsed.ok) assert.match(parsed.reason, /\S/);
    }
  });
}

test('readAnnotations: defaults for absent keys, typed values under the prefix, other prefixes ignored', () => {
  const { values, problems } = readAnnotations(
    { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '30', 'example.com/proxy-read-timeout': 'junk', 'nginx.ingress.kubernetes.io/unknown': 'x' },
    DEFAULT_ANNOTATIONS_PREFIX,
  );
  assert.deepEqual(problems, []);
  assert.equal(values.proxyReadTimeout, 30_000);
  assert.equal(values.sslRedirect, true);
  assert.equal(values.backendProtocol, 'HTTP');
  assert.deepEqual(readAnnotations({ 'example.com/use-regex': 'true' }, 'example.com').values.useRegex, true);
});

test('readAnnotations: each invalid value gives a reason naming the annotation and the value; control characters never pass', () => {
  const { problems } = readAnnotations(
    { 'nginx.ingress.kubernetes.io/proxy-body-size': '1mb', 'nginx.ingress.kubernetes.io/upstream-vhost': 'a.com\nproxy_pass x' },
    DEFAULT_ANNOTATIONS_PREFIX,
  );
  assert.deepEqual(problems, [
    'annotation nginx.ingress.kubernetes.io/upstream-vhost value "a.com\\nproxy_pass x": control characters (such as line breaks) are not allowed',
    'annotation nginx.ingress.kubernetes.io/proxy-body-size value "1mb": expected an nginx size such as 0, 512, 8k, 1m or 1g',
  ]);
});

test('every registered annotation is covered by the table', () => {
  assert.deepEqual(Object.keys(TABLE).sort(), Object.keys(ANNOTATIONS).sort());
});
