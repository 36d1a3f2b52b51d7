import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from 'node:tls';
import type { Location, Model, Server } from '../controller/model/types.js';
import { certificatePaths, render, type RenderSettings } from '../controller/render/render.js';
import { PLAIN_SERVER, plainLocation } from '../controller/model/annotated.js';
import { makeWorkDir, request, selfSignedCertificate, startNginx, testConfig, testSettings, writeConfig } from './helpers/nginx-paths.js';
import { DEFAULT_SETTINGS } from '../controller/config/read.js';

const fallback: Location = plainLocation('/', 'prefix', null);
const catchAll: Server = { host: '', match: 'catch-all', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [fallback] };

function server(host: string, locations: Location[], extra: Partial<Server> = {}): Server {
  const match = host.startsWith('*.') ? 'wildcard' : 'exact';
  // Like the model: a `/` fallback unless a rule covers `/` already.
  const hasRoot = locations.some((l) => l.path === '/' && l.match === 'prefix');
  return { host, match, certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: hasRoot ? locations : [...locations, fallback], ...extra };
}

function location(path: string, match: Location['match'], backend: string | null = 'default.echo.80'): Location {
  return plainLocation(path, match, backend, { kind: 'Ingress', namespace: 'default', name: 'echo' });
}

function model(servers: Server[], extra: Partial<Model> = {}): Model {
  return { servers: [catchAll, ...servers], backends: [], certificates: [], defaultCertificate: null, secretFiles: [], settings: DEFAULT_SETTINGS, ...extra };
}

/** A model certificate with real PEM files where apply would write them. */
async function certificate(workDir: string, host: string) {
  const name = `default.${host}`;
  const files = certificatePaths(workDir, name);
  await selfSignedCertificate(host, files);
  const secret = { kind: 'Secret', namespace: 'default', name: host };
  return { name, secret, certPem: 'written to certs/', keyPem: 'written to certs/' };
}

async function assertNginxAccepts(settings: RenderSettings, config: Model): Promise<string> {
  const { text } = render(config, settings);
  const result = await testConfig(settings.workDir, await writeConfig(settings.workDir, text));
  assert.equal(result.exitCode, 0, `nginx -t failed:\n${result.output}\n${text}`);
  return text;
}

test('the catch-all server alone passes nginx -t', async (t) => {
  const settings = await testSettings(await makeWorkDir(t));
  await assertNginxAccepts(settings, model([]));
});

test('exact and wildcard hosts with redirects pass nginx -t', async (t) => {
  const settings = await testSettings(await makeWorkDir(t), { bindAddress: null });
  const text = await assertNginxAccepts(settings, model([
    server('*.foo.com', [location('/', 'prefix')]),
    server('foo.com', [{ ...location('/app', 'prefix'), httpsRedirect: { preserveTrailingSlash: true } }], { sslRedirect: true }),
  ]));
  assert.match(text, /server_name "~\^\[\^\.\]\+\\\\\.foo\\\\\.com\$";/);
  assert.match(text, /server_name "foo\.com";/);
});

test('a host with its own certificate and a model default certificate pass nginx -t', async (t) => {
  const workDir = await makeWorkDir(t);
  const settings = await testSettings(workDir);
  const own = await certificate(workDir, 'secure.com');
  const fallbackCertificate = await certificate(workDir, 'fallback.com');
  const text = await assertNginxAccepts(settings, model([server('secure.com', [], { certificate: own.name }), server('plain.com', [])], {
    certificates: [own, fallbackCertificate].sort((a, b) => a.name.localeCompare(b.name)),
    defaultCertificate: fallbackCertificate.name,
  }));
  assert.ok(text.includes(`ssl_certificate "${certificatePaths(workDir, own.name).certFile}";`));
  assert.ok(!text.includes(settings.defaultCertificate.certFile), 'the model default replaces the settings default');
  // plain.com shares the catch-all's TLS context: only the catch-all and secure.com load a certificate.
  assert.equal(text.split('ssl_certificate "').length - 1, 2);
});

test('an Exact and a Prefix rule on the same path pass nginx -t with one exact location', async (t) => {
  const settings = await testSettings(await makeWorkDir(t));
  const text = await assertNginxAccepts(settings, model([
    server('foo.com', [location('/aaa', 'exact', 'default.exact.80'), location('/aaa', 'prefix', 'default.prefix.80')]),
  ]));
  assert.equal(text.split('location = "/aaa" {').length - 1, 1);
  assert.match(text, /location = "\/aaa" \{\s+set \$portico_metric_key "[^"]*";\s+(set \$\w+ "[^"]*";\s+)*set \$proxy_upstream_name "default\.exact\.80";/);
  assert.match(text, /location "\/aaa\/" \{\s+set \$portico_metric_key "[^"]*";\s+(set \$\w+ "[^"]*";\s+)*set \$proxy_upstream_name "default\.prefix\.80";/);
});

test('a location without backend passes nginx -t and returns 404', async (t) => {
  const settings = await testSettings(await makeWorkDir(t));
  const text = await assertNginxAccepts(settings, model([server('foo.com', [location('/gone', 'prefix', null)])]));
  assert.match(text, /location = "\/gone" \{\s+set \$portico_metric_key "[^"]*";\s+return 404;\s+\}/);
});

test('strings that could change nginx.conf make render throw', async (t) => {
  const settings = await testSettings(await makeWorkDir(t));
  const unsafe: Record<string, Model> = {
    'host with a quote': model([server('foo.com"; x', [])]),
    'host with a dollar': model([server('$host', [])]),
    'wildcard host with a newline': model([server('*.foo\n.com', [])]),
    'path with a dollar': model([server('foo.com', [location('/$uri', 'prefix')])]),
    'path with a newline': model([server('foo.com', [location('/a\nb', 'exact')])]),
    'path that is a regex': model([server('foo.com', [location('~ .*', 'prefix')])]),
    'backend with a dollar': model([server('foo.com', [location('/a', 'prefix', '$x')])]),
  };
  for (const [name, config] of Object.entries(unsafe)) {
    assert.throws(() => render(config, settings), { name: 'PorticoError' }, name);
  }
});

/** The subject CN of the certificate nginx serves for an SNI name. */
function servedCertificateName(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const commonName = String(socket.getPeerCertificate().subject.CN);
      socket.end();
      resolve(commonName);
    });
    socket.on('error', reject);
  });
}

test('real nginx routes hosts and paths as rendered', async (t) => {
  const workDir = await makeWorkDir(t);
  const settings = await testSettings(workDir);
  const secure = await certificate(workDir, 'secure.test');
  // No backends are pushed, so a routed location answers 503 and a backend-less one 404.
  const config = model([
    server('*.wild.test', [location('/', 'prefix')]),
    server('foo.test', [location('/aaa', 'prefix'), location('/exact', 'exact')]),
    server('secure.test', [{ ...fallback, httpsRedirect: { preserveTrailingSlash: false } }], { certificate: secure.name, sslRedirect: true }),
  ], { certificates: [secure] });
  const { text, hash } = render(config, settings);
  await startNginx(t, workDir, text, hash);

  const cases: [host: string, path: string, status: number][] = [
    ['foo.test', '/aaa', 503],
    ['foo.test', '/aaa/b', 503],
    ['FOO.test', '/aaa', 503],
    ['foo.test', '/aaab', 404],
    ['foo.test', '/exact', 503],
    ['foo.test', '/exact/b', 404],
    ['a.wild.test', '/', 503],
    ['a.b.wild.test', '/', 404],
    ['wild.test', '/', 404],
    ['other.test', '/aaa', 404],
  ];
  for (const [host, path, status] of cases) {
    const answer = await request({ host: '127.0.0.1', port: settings.httpPort, path, headers: { host } });
    assert.equal(answer.status, status, `${host}${path}`);
  }

  const redirect = await request({ host: '127.0.0.1', port: settings.httpPort, path: '/a?b=c', headers: { host: 'secure.test' } });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.location, `https://secure.test:${settings.httpsPort}/a?b=c`);
  assert.equal(await servedCertificateName(settings.httpsPort, 'secure.test'), 'secure.test');
  assert.equal(await servedCertificateName(settings.httpsPort, 'foo.test'), 'portico-default');
});
