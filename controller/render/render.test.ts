import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Model } from '../model/types.js';
import { PLAIN_SERVER, plainLocation } from '../model/annotated.js';
import { loadTemplates, render, trimLineEnds, type RenderSettings } from './render.js';
import { DEFAULT_SETTINGS } from '../config/read.js';
import { TEST_SETTINGS } from './testdata/settings.js';

const model: Model = {
  servers: [{ host: '', match: 'catch-all', certificate: null, sslRedirect: false, ...PLAIN_SERVER, locations: [plainLocation('/', 'prefix', 'ns.svc.80')] }],
  backends: [{ name: 'ns.svc.80', service: { kind: 'Service', namespace: 'ns', name: 'svc' }, endpoints: [], balancing: { strategy: 'round_robin' }, routes: [] }],
  certificates: [],
  defaultCertificate: null,
  secretFiles: [],
  settings: DEFAULT_SETTINGS,
};

const settings: RenderSettings = { ...TEST_SETTINGS, user: 'nobody nogroup', workerProcesses: 2 };

test('the hash is the same for equal inputs whatever their key order, and serves as the config hash', () => {
  const { text, hash } = render(model, settings);
  const reordered = Object.fromEntries(Object.entries(settings).reverse()) as unknown as RenderSettings;
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(render(model, reordered).hash, hash);
  assert.notEqual(render(model, { ...settings, httpPort: 81 }).hash, hash);
  assert.ok(text.includes(`return 200 "${hash}";`));
});

test('the hash covers the files the configuration names, and only what OpenResty loads', () => {
  const { hash } = render(model, settings);
  const certificate = { name: 'ns.tls', secret: { kind: 'Secret' as const, namespace: 'ns', name: 'tls' }, certPem: 'CERT\n', keyPem: 'KEY\n' };
  const withCertificate = render({ ...model, certificates: [certificate] }, settings).hash;
  assert.notEqual(withCertificate, hash);
  assert.notEqual(render({ ...model, certificates: [{ ...certificate, keyPem: 'OTHER KEY\n' }] }, settings).hash, withCertificate, 'a new key in the same file');
  const file = { name: 'auth.ns.users', secret: { kind: 'Secret' as const, namespace: 'ns', name: 'users' }, content: 'alice:x\n' };
  assert.notEqual(render({ ...model, secretFiles: [file] }, settings).hash, render({ ...model, secretFiles: [{ ...file, content: 'bob:x\n' }] }, settings).hash);
  const backends = model.backends.map((backend) => ({ ...backend, endpoints: [{ address: '10.0.0.1', port: 80 }] }));
  assert.equal(render({ ...model, backends }, settings).hash, hash, 'endpoints are pushed, not loaded');
  // Each renderer hashes the same text the same way, whatever stood in for the hash while rendering.
  assert.equal(loadTemplates()(model, settings).hash, hash);
});

test('trimLineEnds removes what /[ \\t]+$/gm does', () => {
  for (const text of ['', ' ', 'a', 'a \nb\t\n  \n\tc  ', 'x\n   \n \t \ny', 'a  ', ' \n', '\n \n', 'a \r\nb \u2028c', 'a\t \t\nb']) {
    assert.equal(trimLineEnds(text), text.replace(/[ \t]+$/gm, ''), JSON.stringify(text));
  }
});

test('the rendered text has no trailing whitespace and quotes the user directive per argument', () => {
  const { text } = render(model, settings);
  assert.doesNotMatch(text, /[ \t]$/m);
  assert.match(text, /^user "nobody" "nogroup";$/m);
  assert.match(text, /^worker_processes 2;$/m);
});

test('a custom main template renders with the same view, helpers and partials', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-template-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };

  const custom = loadTemplates(await write('custom.hbs', '{{#each servers}}{{> server}}{{/each}}pid {{q pidFile}};\n'));
  const { text } = custom(model, settings);
  assert.match(text, /^server \{$/m);
  assert.match(text, /^pid "\/run\/portico\/nginx.pid";$/m);

  const missingField = loadTemplates(await write('missing.hbs', '{{noSuchField}}'));
  assert.throws(() => missingField(model, settings), { name: 'PorticoError', code: 'TEMPLATE', message: /missing\.hbs/ });
  const helperMisuse = loadTemplates(await write('misuse.hbs', '{{q httpPort}}'));
  assert.throws(() => helperMisuse(model, settings), { code: 'TEMPLATE' });
  const broken = await write('broken.hbs', '{{#if}}');
  assert.throws(() => loadTemplates(broken), { code: 'TEMPLATE', message: /broken\.hbs/ }, 'a syntax error shows at load');
});
