// Every access-policy feature rendered at once passes nginx -t, and the directives say what the model asks.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AccessPolicy, Location, Model, Server, ServerPolicy } from '../controller/model/types.js';
import { render } from '../controller/render/render.js';
import { secretFilePath } from '../controller/render/settings.js';
import { PLAIN_SERVER, plainLocation } from '../controller/model/annotated.js';
import { OPEN_POLICY, OPEN_SERVER_POLICY } from '../controller/model/policy.js';
import { DEFAULT_SETTINGS } from '../controller/config/read.js';
import { makeWorkDir, selfSignedCertificate, testConfig, testSettings, writeConfig } from './helpers/nginx-paths.js';

const INGRESS = { kind: 'Ingress', namespace: 'default', name: 'web' };

const FULL_POLICY: AccessPolicy = {
  limits: { zone: 'default.web', rps: 5, rpm: 100, connections: 3, burstMultiplier: 2, allowlist: ['127.0.0.9/32', '::1/128'] },
  allow: ['10.0.0.0/8', '2001:db8::/32'],
  deny: ['10.1.0.0/16'],
  satisfy: 'any',
  basicAuth: { realm: 'Staff only', file: 'htpasswd.default.users' },
  externalAuth: { url: 'http://auth.example.com:9000/check?x=1', method: 'POST', signin: 'https://login.example.com/?rd=$scheme://$http_host$escaped_request_uri', responseHeaders: ['X-User', 'X-Email'] },
  cors: { origins: ['https://a.com', 'https://*.b.org:8443'], methods: 'GET, POST', headers: 'X-Token', exposeHeaders: 'X-Total', credentials: true, maxAge: 600 },
  responseHeaders: [{ name: 'X-Frame-Options', value: 'DENY' }],
  passClientCertificate: true,
  accessLog: false,
  snippet: 'more_set_headers "X-Snippet: yes";\nif ($arg_x) {\n    return 418;\n}',
};

const SERVER_POLICY: ServerPolicy = {
  clientCertificate: { caFile: 'ca.default.ca', verify: 'optional', depth: 2, errorPage: 'https://help.example.com/certs' },
  snippet: 'location = /server-snippet { return 204; }',
};

function model(policy: AccessPolicy, serverPolicy: ServerPolicy): Model {
  const location: Location = { ...plainLocation('/', 'prefix', 'default.web.80', INGRESS), policy };
  const host: Server = { host: 'web.example.com', match: 'exact', certificate: null, sslRedirect: false, ...PLAIN_SERVER, policy: serverPolicy, locations: [location] };
  const catchAll: Server = { host: '', match: 'catch-all', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [plainLocation('/', 'prefix', null)] };
  return { servers: [catchAll, host], backends: [], certificates: [], defaultCertificate: null, secretFiles: [], settings: DEFAULT_SETTINGS };
}

test('a location with every access-policy feature, on a server with client certificates, passes nginx -t', async (t) => {
  const workDir = await makeWorkDir(t);
  const settings = await testSettings(workDir, { resolvers: ['127.0.0.53', '::1'] });
  await mkdir(join(workDir, 'secrets'), { recursive: true });
  await selfSignedCertificate('Test CA', { certFile: secretFilePath(workDir, 'ca.default.ca'), keyFile: join(workDir, 'ca.key') });
  const { text } = render(model(FULL_POLICY, SERVER_POLICY), settings);
  const result = await testConfig(workDir, await writeConfig(workDir, text));
  assert.equal(result.exitCode, 0, `nginx -t failed:\n${result.output}\n${text}`);

  assert.match(text, /geo \$remote_addr \$portico_limit_spared_[0-9a-f]{16} \{\n\s+default 0;\n\s+127\.0\.0\.9\/32 1;\n\s+::1\/128 1;/);
  assert.match(text, /limit_req_zone \$portico_limit_key_[0-9a-f]{16} "zone=default\.web_rps:5m" rate=5r\/s;/);
  assert.match(text, /limit_req_zone \$portico_limit_key_[0-9a-f]{16} "zone=default\.web_rpm:5m" rate=100r\/m;/);
  assert.match(text, /limit_req "zone=default\.web_rps" burst=10 nodelay;/);
  assert.match(text, /limit_conn "default\.web_conn" 3;/);
  assert.match(text, /deny 10\.1\.0\.0\/16;\n\s+allow 10\.0\.0\.0\/8;\n\s+allow 2001:db8::\/32;\n\s+deny all;\n\s+satisfy any;/);
  assert.match(text, /auth_basic "Staff only";\n\s+auth_basic_user_file ".*\/secrets\/htpasswd\.default\.users";/);
  assert.match(text, /auth_request_set \$portico_auth_1 \$upstream_http_x_email;/);
  assert.match(text, /proxy_set_header "X-User" \$portico_auth_0;/);
  assert.match(text, /proxy_set_header "ssl-client-cert" \$ssl_client_escaped_cert;/);
  assert.match(text, /if \(\$http_origin ~\* "\^\(\?:https:\/\/a\\\\\.com\|https:\/\/\[A-Za-z0-9-\]\+\\\\\.b\\\\\.org:8443\)\$"\)/);
  assert.match(text, /more_set_headers "Access-Control-Allow-Origin: \$http_origin";/);
  assert.match(text, /more_set_headers "X-Frame-Options: DENY";/);
  assert.match(text, /access_log off;/);
  assert.match(text, /ssl_verify_client optional;\n\s+ssl_verify_depth 2;\n\s+error_page 495 496 = "https:\/\/help\.example\.com\/certs";/);
  assert.match(text, /resolver 127\.0\.0\.53 \[::1\] valid=30s;/);
  assert.match(text, /proxy_method POST;/);
  assert.match(text, /location = \/server-snippet \{ return 204; \}/);
});

test('an open policy renders no access directive', async (t) => {
  const { text } = render(model(OPEN_POLICY, OPEN_SERVER_POLICY), await testSettings(await makeWorkDir(t)));
  for (const directive of ['limit_req ', 'limit_conn ', 'geo ', 'allow ', 'deny ', 'auth_basic ', 'auth_request ', 'more_set_headers ', 'satisfy ', 'ssl_verify_client ', 'resolver ']) {
    assert.doesNotMatch(text, new RegExp(`^\\s*${directive}`, 'm'), directive);
  }
});
