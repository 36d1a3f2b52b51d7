// Every annotation's parser, as a table: values it must accept (with the typed result) and values it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATIONS, type AnnotationName } from './registry.js';
import { DEFAULT_ANNOTATIONS_PREFIX, readAnnotations } from './read.js';

// `spaces`: free text quoted as one string, where a space is just a character.
type Table = { [K in AnnotationName]: { accepts: Array<[string, unknown]>; rejects: string[]; spaces?: true } };

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
  proxyBufferSize: { accepts: [['16k', '16k'], ['1024M', '1024m'], ['1', '1']], rejects: ['16kb', '0', '1g', '1025m', '1073741825'] },
  proxyRequestBuffering: { accepts: [['off', false]], rejects: ['0'] },
  clientBodyBufferSize: { accepts: [['1m', '1m']], rejects: ['big', '1g'] },
  proxyNextUpstream: { accepts: [['error timeout http_502', ['error', 'timeout', 'http_502']], ['off', ['off']]], rejects: ['error;', 'http_418', 'off error', ''] },
  proxyNextUpstreamTries: { accepts: [['0', 0], ['5', 5]], rejects: ['-1', '101', 'x'] },
  proxyNextUpstreamTimeout: { accepts: [['10', 10_000]], rejects: ['10x'] },
  proxyHttpVersion: { accepts: [['1.0', '1.0'], ['1.1', '1.1']], rejects: ['2', '2.0', '1'] },
  connectionProxyHeader: { accepts: [['keep-alive', 'keep-alive'], ['close', 'close'], ['upgrade, keep-alive', 'upgrade, keep-alive']], rejects: ['$http_connection', 'a;b', 'a"'] },
  loadBalance: { accepts: [['ewma', 'ewma'], ['round_robin', 'round_robin']], rejects: ['EWMA', 'least_conn', ''] },
  upstreamHashBy: {
    accepts: [
      ['$request_uri', [{ variable: 'request_uri' }]],
      ['$host$request_uri', [{ variable: 'host' }, { variable: 'request_uri' }]],
      ['${http_x_user}:$arg_id', [{ variable: 'http_x_user' }, { text: ':' }, { variable: 'arg_id' }]],
    ],
    rejects: ['request_uri', '$request_body', '$http_', '$ssl_client_cert', '$remote_addr;', '$uri $args', ''],
  },
  upstreamHashBySubset: { accepts: [['true', true]], rejects: ['subset'] },
  upstreamHashBySubsetSize: { accepts: [['3', 3], ['10', 10]], rejects: ['0', '101', 'three'] },
  affinity: { accepts: [['cookie', 'cookie']], rejects: ['Cookie', 'header'] },
  affinityMode: { accepts: [['persistent', 'persistent'], ['balanced', 'balanced']], rejects: ['sticky'] },
  sessionCookieName: { accepts: [['route', 'route'], ['my-Cookie_1', 'my-Cookie_1']], rejects: ['a=b', 'a,b', ''] },
  sessionCookiePath: { accepts: [['/app', '/app']], rejects: ['app', '/a;b'] },
  sessionCookieMaxAge: { accepts: [['3600', 3600], ['0', 0]], rejects: ['-1', '1h'] },
  sessionCookieExpires: { accepts: [['172800', 172800]], rejects: ['tomorrow'] },
  sessionCookieSamesite: { accepts: [['None', 'None'], ['Lax', 'Lax'], ['Strict', 'Strict']], rejects: ['none', 'lax'] },
  sessionCookieConditionalSamesiteNone: { accepts: [['true', true]], rejects: ['yes'] },
  sessionCookieSecure: { accepts: [['false', false]], rejects: ['on'] },
  sessionCookieChangeOnFailure: { accepts: [['true', true]], rejects: ['always'] },
  canary: { accepts: [['true', true], ['false', false]], rejects: ['canary'] },
  canaryByHeader: { accepts: [['X-Lane', 'X-Lane']], rejects: ['X Lane', 'X:Lane'] },
  canaryByHeaderValue: { accepts: [['feature-a', 'feature-a'], ['v2', 'v2']], rejects: ['a;b', ''] },
  canaryByHeaderPattern: { accepts: [['^feature-(a|b)$', '^feature-(a|b)$'], ['\\d+', '\\d+']], rejects: ['(a', '(a)\\1', '(?=a)', 'a b', '[a', '\\u0041'] },
  canaryByCookie: { accepts: [['canary', 'canary']], rejects: ['a=b'] },
  canaryWeight: { accepts: [['0', 0], ['30', 30]], rejects: ['-1', '10.5', '30%'] },
  canaryWeightTotal: { accepts: [['100', 100], ['1000', 1000]], rejects: ['0', 'x'] },
  customHttpErrors: { accepts: [['404,503', [404, 503]], [' 503 , 404 ,503', [503, 404]]], rejects: ['200', '301,404', '404;', '4040', ''] },
  defaultBackend: { accepts: [['errors', 'errors']], rejects: ['Errors', 'ns/errors', 'a.b', ''] },
  limitRps: { accepts: [['5', 5], ['1000', 1000]], rejects: ['0', '-1', '1.5', '5r/s', ''] },
  limitRpm: { accepts: [['300', 300]], rejects: ['0', 'x'] },
  limitConnections: { accepts: [['10', 10]], rejects: ['0', '10;'] },
  limitBurstMultiplier: { accepts: [['1', 1], ['3', 3]], rejects: ['0', '2.5'] },
  limitAllowlist: { accepts: [['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1/32']], ['2001:DB8::1/32', ['2001:db8::/32']]], rejects: ['10.0.0.0/33', 'localhost', '10.0.0.0/8;', '1.2.3.4 5.6.7.8', ''] },
  limitWhitelist: { accepts: [['192.168.1.7/24', ['192.168.1.0/24']]], rejects: ['192.168.1.256'] },
  allowlistSourceRange: { accepts: [['127.0.0.2', ['127.0.0.2/32']], ['::1, 10.0.0.0/8', ['::1/128', '10.0.0.0/8']]], rejects: ['all', 'fe80::1%eth0', '10.0.0.0/8 10.0.0.1', '1.2.3.4/-1'] },
  whitelistSourceRange: { accepts: [['0.0.0.0/0', ['0.0.0.0/0']]], rejects: ['*'] },
  denylistSourceRange: { accepts: [['127.0.0.3/32', ['127.0.0.3/32']]], rejects: ['127.0.0.3/32/1'] },
  authType: { accepts: [['basic', 'basic']], rejects: ['digest', 'Basic', ''] },
  authSecret: { accepts: [['users', { namespace: null, name: 'users' }], ['team/users', { namespace: 'team', name: 'users' }]], rejects: ['a/b/c', 'Users', '/users', 'team/'] },
  authSecretType: { accepts: [['auth-map', 'auth-map'], ['auth-file', 'auth-file']], rejects: ['map'] },
  authRealm: { accepts: [['Staff only', 'Staff only']], rejects: ['a$b', 'a\\b'], spaces: true },
  authUrl: {
    accepts: [['http://127.0.0.1:9000/auth', 'http://127.0.0.1:9000/auth'], ['https://auth.example.com/check?x=1&y=2', 'https://auth.example.com/check?x=1&y=2'], ['http://[::1]:81/', 'http://[::1]:81/']],
    rejects: ['/auth', 'ftp://a/', 'http://a/$host', 'http://a/x;proxy_pass', 'http://a b/', 'http://a:0/', 'http://a/#x', "http://a/'"],
  },
  authMethod: { accepts: [['POST', 'POST']], rejects: ['post', 'FOO'] },
  authSignin: { accepts: [['https://login.example.com/start', 'https://login.example.com/start'], ['https://login.example.com/start?rd=$escaped_request_uri', 'https://login.example.com/start?rd=$escaped_request_uri']], rejects: ['/login', 'https://a/$http_cookie'] },
  authResponseHeaders: { accepts: [['X-User, X-Email,x-user', ['X-User', 'X-Email']]], rejects: ['X User', 'X-User;', ''] },
  authSnippet: { accepts: [], rejects: ['proxy_set_header X-A b;'] },
  authTlsSecret: { accepts: [['default/ca', { namespace: 'default', name: 'ca' }]], rejects: ['default/ca/x'] },
  authTlsVerifyClient: { accepts: [['on', 'on'], ['optional_no_ca', 'optional_no_ca']], rejects: ['true', 'ON'] },
  authTlsVerifyDepth: { accepts: [['2', 2]], rejects: ['0', '17'] },
  authTlsPassCertificateToUpstream: { accepts: [['true', true]], rejects: ['on'] },
  authTlsErrorPage: { accepts: [['https://example.com/cert-help', 'https://example.com/cert-help']], rejects: ['/help', 'https://a/$uri'] },
  satisfy: { accepts: [['any', 'any'], ['all', 'all']], rejects: ['ANY', 'some'] },
  enableCors: { accepts: [['true', true]], rejects: ['yes'] },
  corsAllowOrigin: {
    accepts: [['*', ['*']], ['https://a.com, https://*.Foo.com:8443', ['https://a.com', 'https://*.foo.com:8443']]],
    rejects: ['a.com', 'https://a.com/', 'https://*', 'https://a.*.com', '*, https://a.com', 'https://a.com:99999'],
  },
  corsAllowMethods: { accepts: [['GET,POST', 'GET, POST'], [' PUT , DELETE', 'PUT, DELETE']], rejects: ['GET;', 'GET POST', '*'] },
  corsAllowHeaders: { accepts: [['X-Token,Content-Type', 'X-Token, Content-Type'], ['*', '*']], rejects: ['X Token', 'a:b', ''] },
  corsExposeHeaders: { accepts: [['X-Total', 'X-Total']], rejects: ['X-Total;'] },
  corsAllowCredentials: { accepts: [['false', false]], rejects: ['no'] },
  corsMaxAge: { accepts: [['600', 600]], rejects: ['-1', '10m'] },
  customHeaders: { accepts: [['ingress-nginx/headers', { namespace: 'ingress-nginx', name: 'headers' }]], rejects: ['headers', 'a/b/c', 'A/b'] },
  enableAccessLog: { accepts: [['false', false]], rejects: ['off'] },
  configurationSnippet: {
    accepts: [['more_set_headers "X-A: b";', 'more_set_headers "X-A: b";'], ['if ($x) {\n  return 403;\n}', 'if ($x) {\n  return 403;\n}'], ['# note\nset $a "}";', '# note\nset $a "}";']],
    rejects: ['}', '} server { listen 81; }', 'return 200', 'a "b;', 'x { y;', ';', 'a\u0000;'],
  },
  serverSnippet: { accepts: [['location /x { return 204; }', 'location /x { return 204; }']], rejects: ['location /x { return 204;', 'a } b {'] },
};

for (const [name, { accepts, rejects, spaces }] of Object.entries(TABLE) as Array<[AnnotationName, Table[AnnotationName]]>) {
  const spec = ANNOTATIONS[name];
  test(`${spec.key}: accepts its grammar and refuses everything else`, () => {
    for (const [raw, value] of accepts) assert.deepEqual(spec.parse(raw), { ok: true, value }, `${spec.key}: ${raw}`);
    // Snippets are raw configuration by design: their grammar is structure (whole directives, balanced blocks), not characters.
    for (const raw of [...rejects, ...(spec.snippet ? [] : HOSTILE.filter((value) => !(spaces && value === 'a b')))]) {
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
