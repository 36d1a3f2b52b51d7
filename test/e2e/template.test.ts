// --template FILE: a custom main template is watched and re-rendered on change; a template that does not
// compile, or renders a configuration nginx -t rejects, is never loaded and the last good one keeps serving; a
// first configuration the master cannot load is reported the same way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO_ROOT, eventually } from '../helpers/processes.js';
import { get, type Answer, type Portico } from '../helpers/portico.js';
import { startApp, type AppWorld } from '../helpers/app.js';

let world: AppWorld;
let portico: Portico;
let dir: string;
let template: string;
let original: string;

async function loadedConf(): Promise<string> {
  return readFile(join(portico.workDir, 'nginx.conf'), 'utf8');
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-template-'));
  template = join(dir, 'custom.hbs');
  await copyFile(join(REPO_ROOT, 'templates/nginx.conf.hbs'), template);
  original = await readFile(template, 'utf8');
  world = await startApp({ pods: ['127.0.5.1'], args: ['--template', template] });
  portico = world.portico;
});

after(async () => {
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a changed template is re-rendered and reloaded', async () => {
  await writeFile(template, original.replace('http {', '# custom template v2\nhttp {'));
  await portico.waitForLog('reload with the new template', (r) => r.msg === 'configuration reloaded' && String(r.diff).includes('+# custom template v2'));
  assert.match(await loadedConf(), /# custom template v2/);
  assert.equal((await get(portico, { host: 'app.example.com' })).status, 200);
});

test('a template whose output fails nginx -t is never loaded; the old configuration keeps serving', async () => {
  const workers = await portico.workerPids();
  const before = await loadedConf();
  await writeFile(template, original.replace('http {', 'http {\n    no_such_directive on;'));
  const rejected = await portico.waitForLog('nginx -t rejection', (r) => r.msg.startsWith('new configuration rejected by nginx -t'));
  assert.match(JSON.stringify(rejected.err), /no_such_directive/);
  assert.equal(await loadedConf(), before);
  assert.deepEqual(await portico.workerPids(), workers);
  assert.equal((await get(portico, { host: 'app.example.com' })).status, 200);
});

test('a first configuration the master cannot load is reported like one nginx -t rejects, and not retried until it changes', async () => {
  // The first start has no separate nginx -t: the master's own parse is the check.
  const broken = join(dir, 'broken.hbs');
  await writeFile(broken, original.replace('http {', 'http {\n    no_such_directive on;'));
  const first = await startApp({ pods: ['127.0.5.2'], args: ['--template', broken], waitReady: false });
  try {
    const status = (path: string): Promise<Answer> => get(first.portico, { path, port: first.portico.statusPort });
    const rejected = await first.portico.waitForLog('rejection of the first configuration', (r) => r.msg.startsWith('new configuration rejected by nginx -t'));
    assert.match(JSON.stringify(rejected.err), /no_such_directive/);
    assert.equal((await status('/readyz')).status, 503);
    assert.equal((await status('/healthz')).status, 200);
    assert.match((await status('/metrics')).body, /^portico_reload_failures_total 1$/m);
    // Not restarted on a configuration it cannot load.
    await delay(1000);
    assert.equal(first.portico.logs.filter((r) => r.msg === 'OpenResty master started').length, 1);

    await writeFile(broken, original);
    await eventually('ready once the template is fixed', async () => (await status('/readyz')).status === 200);
    assert.equal((await get(first.portico, { host: 'app.example.com' })).status, 200);
  } finally {
    await first.stop();
  }
});

test('a template that does not compile is rejected with a log line naming it', async () => {
  await writeFile(template, original.replace('http {', 'http {\n{{#if}}'));
  const rejected = await portico.waitForLog('template rejection', (r) => r.msg.startsWith('template rejected'));
  assert.equal(rejected.template, template);
  assert.equal((await get(portico, { host: 'app.example.com' })).status, 200);
});
