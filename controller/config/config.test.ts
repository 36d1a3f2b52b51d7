// Every ConfigMap key's parser, as a table: values it must accept (with the typed result) and values it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, type SettingName } from './registry.js';
import { DEFAULT_SETTINGS, readSettings } from './read.js';

type Table = { [K in SettingName]: { accepts: Array<[string, unknown]>; rejects: string[] } };

const HOSTILE = ['x;', '"', '{', '}', '\\', '${x}', 'x\ny', 'include /etc/passwd'];
// Keys whose grammar is free text: nginx syntax characters are text there (quoted when rendered; see the fuzz test).
const FREE_TEXT = new Set<SettingName>(['logFormatUpstream', 'blockUserAgents', 'blockReferers']);

const TABLE: Table = {
  logFormatUpstream: {
    accepts: [
      ['$remote_addr "$request" $status', { format: '${remote_addr} "${request}" ${status}', json: false }],
      ['${host}:${server_port} $req_id [$proxy_alternative_upstream_name]', { format: '${host}:${server_port} ${portico_request_id} []', json: false }],
      ['{"ua": "$http_user_agent"}', { format: '{"ua": "${http_user_agent}"}', json: false }],
    ],
    rejects: ['$cookie_session', '$arg_token', '$1', 'cost: $', 'a ${host', '$document_root', 'x'.repeat(5000)],
  },
  logFormatEscapeJson: { accepts: [['true', true]], rejects: ['json'] },
  accessLogPath: {
    accepts: [['off', null], ['/dev/stdout', '/dev/stdout'], ['/var/log/portico/access.log', '/var/log/portico/access.log'], ['/var/log/$host.log', '/var/log/${host}.log']],
    rejects: ['access.log', '/var/log/$request_uri.log', '/var/../etc/x', '//proc/self/fd/1', '/proc/1/fd/3', '/dev/sda', '/var/log/a b', 'syslog:server=x', '/var/log/$host;.log'],
  },
  enableAccessLogForDefaultBackend: { accepts: [['true', true]], rejects: ['on'] },
  errorLogLevel: { accepts: [['warn', 'warn'], ['debug', 'debug']], rejects: ['verbose', 'WARN'] },
  useForwardedHeaders: { accepts: [['true', true]], rejects: ['yes'] },
  forwardedForHeader: { accepts: [['X-Real-Client', 'X-Real-Client']], rejects: ['X Real', 'X:Y'] },
  computeFullForwardedFor: { accepts: [['false', false]], rejects: ['no'] },
  enableRealIp: { accepts: [['true', true]], rejects: ['2'] },
  proxyRealIpCidr: { accepts: [['10.0.0.0/8, 192.168.1.7', ['10.0.0.0/8', '192.168.1.7/32']], ['2001:db8::/32', ['2001:db8::/32']]], rejects: ['10.0.0.0/33', 'example.com', ''] },
  useProxyProtocol: { accepts: [['true', true]], rejects: ['v2'] },
  sslProtocols: { accepts: [['TLSv1.3', ['TLSv1.3']], ['TLSv1.2  TLSv1.3', ['TLSv1.2', 'TLSv1.3']]], rejects: ['TLSv1.4', 'TLSv1.2;', ''] },
  sslCiphers: { accepts: [['HIGH:!aNULL:!MD5', 'HIGH:!aNULL:!MD5']], rejects: ['HIGH !aNULL', 'HIGH;', 'NO-SUCH-CIPHER'] },
  sslSessionCache: { accepts: [['false', false]], rejects: ['off'] },
  sslSessionCacheSize: { accepts: [['20m', '20m'], ['64K', '64k']], rejects: ['20 m', '5', '32k', '0m'] },
  sslSessionTimeout: { accepts: [['1h', 3_600_000], ['300', 300_000]], rejects: ['1d'] },
  hsts: { accepts: [['false', false]], rejects: ['off'] },
  hstsMaxAge: { accepts: [['0', 0], ['63072000', 63_072_000]], rejects: ['-1', '1e9'] },
  hstsIncludeSubdomains: { accepts: [['false', false]], rejects: ['no'] },
  hstsPreload: { accepts: [['true', true]], rejects: ['preload'] },
  workerProcesses: { accepts: [['auto', 'auto'], ['4', 4]], rejects: ['0', 'all', '2000'] },
  maxWorkerConnections: { accepts: [['1024', 1024]], rejects: ['10', 'many'] },
  keepAlive: { accepts: [['75', 75_000], ['0', 0], ['30s', 30_000]], rejects: ['forever'] },
  keepAliveRequests: { accepts: [['100', 100]], rejects: ['0'] },
  upstreamKeepaliveConnections: { accepts: [['0', 0], ['64', 64]], rejects: ['-1'] },
  upstreamKeepaliveTimeout: { accepts: [['5m', 300_000]], rejects: ['5 m'] },
  upstreamKeepaliveRequests: { accepts: [['50', 50]], rejects: ['x'] },
  useHttp2: { accepts: [['false', false]], rejects: ['h2'] },
  proxyBodySize: { accepts: [['8m', '8m'], ['0', '0']], rejects: ['8mb'] },
  proxyConnectTimeout: { accepts: [['10', 10_000]], rejects: ['10x'] },
  proxyReadTimeout: { accepts: [['120s', 120_000]], rejects: [''] },
  proxySendTimeout: { accepts: [['500ms', 500]], rejects: ['-5'] },
  clientHeaderBufferSize: { accepts: [['2k', '2k'], ['512', '512']], rejects: ['2 k', '0', '1g', '2048m'] },
  largeClientHeaderBuffers: { accepts: [['8 16k', { count: 8, size: '16k' }], ['4 512', { count: 4, size: '512' }]], rejects: ['16k', '4 0', '4 8k 1', '4 1g', '4 256', '0 8k', '65 8k'] },
  customHttpErrors: { accepts: [['404,503', [404, 503]]], rejects: ['200', '404;'] },
  serverTokens: { accepts: [['true', true]], rejects: ['on'] },
  limitReqStatusCode: { accepts: [['429', 429]], rejects: ['200', '600'] },
  limitConnStatusCode: { accepts: [['503', 503]], rejects: ['0'] },
  useGzip: { accepts: [['true', true]], rejects: ['gzip'] },
  gzipTypes: { accepts: [['text/css application/json', ['text/css', 'application/json']], ['*', ['*']]], rejects: ['text/css;', 'css', 'text/$x'] },
  gzipLevel: { accepts: [['5', 5]], rejects: ['10'] },
  gzipMinLength: { accepts: [['1000', 1000]], rejects: ['-1'] },
  blockCidrs: { accepts: [['', []], ['1.2.3.4, 10.0.0.0/8', ['1.2.3.4/32', '10.0.0.0/8']]], rejects: ['1.2.3.4/40', 'x'] },
  blockUserAgents: {
    accepts: [['BadBot/1.0 (x; y), ~*crawler', [{ exact: 'BadBot/1.0 (x; y)' }, { regex: 'crawler', caseInsensitive: true }]], ['', []]],
    rejects: ['default', 'include', '~(?=x)', '~a(b', 'a"b', 'a$b'],
  },
  blockReferers: { accepts: [['~^https?://spam\\.example', [{ regex: '^https?://spam\\.example', caseInsensitive: false }]]], rejects: ['volatile', 'a\\b'] },
  allowSnippetAnnotations: { accepts: [['true', true]], rejects: ['enabled'] },
  annotationsRiskLevel: { accepts: [['Critical', 'Critical'], ['Low', 'Low']], rejects: ['critical', 'None'] },
};

const configMap = (data: Record<string, unknown>, name = 'portico-controller', namespace = 'ingress') => ({ metadata: { name, namespace }, data }) as never;

for (const [name, { accepts, rejects }] of Object.entries(TABLE) as Array<[SettingName, Table[SettingName]]>) {
  const key = SETTINGS[name].key;
  test(`${key}: accepts its grammar, keeps the default and names key and value otherwise`, () => {
    for (const [raw, value] of accepts) {
      const { settings, problems } = readSettings([configMap({ [key]: raw })], null);
      assert.deepEqual(problems, [], `${key}: ${JSON.stringify(raw)}`);
      assert.deepEqual(settings[name], value, `${key}: ${JSON.stringify(raw)}`);
    }
    for (const raw of [...rejects, ...(FREE_TEXT.has(name) ? ['x\ny', 'a\u0000b'] : HOSTILE)]) {
      const { settings, problems } = readSettings([configMap({ [key]: raw })], null);
      if (raw === '' && accepts.some(([accepted]) => accepted === '')) continue;
      assert.deepEqual(settings[name], DEFAULT_SETTINGS[name], `${key}: ${JSON.stringify(raw)} should keep the default`);
      assert.equal(problems.length, 1, `${key}: ${JSON.stringify(raw)} should be reported`);
      assert.match(problems[0]!.reason, new RegExp(`^key ${key} value `));
      assert.deepEqual(problems[0]!.object, { kind: 'ConfigMap', namespace: 'ingress', name: 'portico-controller' });
    }
  });
}

test('every registered key has a table row', () => {
  assert.deepEqual(Object.keys(TABLE).sort(), Object.keys(SETTINGS).sort());
});

test('--configmap picks its ConfigMap; without it, portico-controller in any namespace, the first by namespace', () => {
  const maps = [configMap({ 'use-gzip': 'true' }, 'other', 'a'), configMap({ hsts: 'false' }, 'portico-controller', 'z'), configMap({ 'use-http2': 'false' }, 'portico-controller', 'b')];
  const named = readSettings(maps, 'a/other');
  assert.equal(named.settings.useGzip, true);
  assert.deepEqual(named.problems, []);
  const byName = readSettings(maps, null);
  assert.equal(byName.settings.useHttp2, false);
  assert.equal(byName.settings.hsts, true);
  assert.deepEqual(byName.problems.map((problem) => [problem.object.namespace, problem.reason]), [['z', 'ignored: "ingress/portico-controller" is the controller\'s ConfigMap (name one with --configmap)'.replace('ingress', 'b')]]);
  assert.deepEqual(readSettings(maps, 'a/missing').settings, DEFAULT_SETTINGS);
});

test('unknown keys are ignored; a YAML boolean is refused as not a string', () => {
  const { settings, problems } = readSettings([configMap({ 'no-such-key': 'x', 'use-gzip': true })], null);
  assert.equal(settings.useGzip, false);
  assert.deepEqual(problems.map((problem) => problem.reason), ['key use-gzip value "true": expected a string (quote the value in YAML); the default is used']);
});
