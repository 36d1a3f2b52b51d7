// The injection payloads published against ingress-nginx, applied to a live Portico at once: the attacked
// Ingresses are refused or their payloads ignored, the configuration OpenResty loads gains no directive that
// loads a file, and a bystander Ingress keeps serving throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, freePort, startBackend, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { parseConfig, walk } from '../helpers/nginx-tokens.js';

const POD = '127.0.8.1';
const PREFIX = 'nginx.ingress.kubernetes.io';
let port: number;
let backend: Backend;
let portico: Portico;

const bystander = () => ingress('bystander', [{ host: 'bystander.example.com', paths: [{ path: '/', service: 'app' }] }]);

/** One Ingress per payload, each on its own host, pointing at the same healthy Service. */
const ATTACKS: Array<[name: string, annotations: Record<string, string>]> = [
  ['match-cn', { 'auth-tls-match-cn': 'CN=abc #(\n){}\n }}\nssl_engine /proc/self/fd/12;\n#' }],
  ['mirror', { 'mirror-target': 'https://example.com/;\n}\nload_module /tmp/evil.so;\n#', 'mirror-host': 'x;\nload_module /tmp/evil.so;' }],
  ['auth-url', { 'auth-url': 'http://auth.example.com/#;\ninclude /var/run/secrets/kubernetes.io/serviceaccount/token;' }],
  ['snippet', { 'configuration-snippet': 'content_by_lua_block { ngx.say(io.open("/var/run/secrets/kubernetes.io/serviceaccount/token"):read("*a")) }' }],
];

const attackIngresses = () =>
  ATTACKS.map(([name, annotations]) =>
    ingress(name, [{ host: `${name}.example.com`, paths: [{ path: '/', service: 'app' }] }], {
      annotations: Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`${PREFIX}/${key}`, value])),
    }),
  );

const pathAttack = () =>
  ingress('path', [{ host: 'path.example.com', paths: [
    { path: '/ok', service: 'app' },
    { path: '/api;alias /var/run/secrets/;', pathType: 'Exact', service: 'app' },
    { path: '/../../var/run/secrets', service: 'app' },
  ] }]);

const served = async () => readFile(join(portico.workDir, 'nginx.conf'), 'utf8');

before(async () => {
  port = await freePort();
  backend = await startBackend(POD, port);
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'app.yaml': service('app', [POD], { ports: [{ port: 80, targetPort: port }] }),
      'bystander.yaml': [bystander()],
    },
  });
});

after(async () => {
  await portico?.stop();
  await backend?.stop();
});

test('every payload at once: refused or ignored, no file-loading directive in the served configuration, the bystander keeps serving', async () => {
  assert.equal((await get(portico, { host: 'bystander.example.com' })).status, 200);
  await portico.writeManifest('attacks.yaml', [...attackIngresses(), pathAttack()]);

  for (const name of ['auth-url', 'snippet']) {
    await portico.waitForLog(`${name} refused`, (record) => (record.object as { name?: string } | undefined)?.name === name && String(record.reason).endsWith('the Ingress is not served'));
  }
  await portico.waitForLog('the path injection refused', (record) => (record.object as { name?: string } | undefined)?.name === 'path' && String(record.reason).includes('http.paths[1]'));
  // The Ingresses whose payload sits in an annotation Portico does not implement are served, without it.
  await eventually('the ignored-payload Ingresses served', async () => (await get(portico, { host: 'mirror.example.com' })).status === 200);
  assert.equal((await get(portico, { host: 'match-cn.example.com' })).status, 200);
  assert.equal((await get(portico, { host: 'path.example.com', path: '/ok' })).status, 200);
  for (const host of ['auth-url', 'snippet']) assert.equal((await get(portico, { host: `${host}.example.com` })).status, 404);

  const text = await served();
  const loaders = [...walk(parseConfig(text))]
    .map(({ directive }) => directive)
    .filter((directive) => ['ssl_engine', 'include'].includes(directive.name) || (directive.name === 'load_module' && !directive.args[0]!.startsWith('/usr/lib/nginx/modules/')));
  assert.deepEqual(loaders, []);
  assert.doesNotMatch(text, /serviceaccount|evil\.so|\/proc\/self/);
  assert.equal((await get(portico, { host: 'bystander.example.com' })).status, 200);
});
