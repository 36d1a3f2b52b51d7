import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Store } from '../store/store.js';
import { watchManifests } from './manifests.js';

function serviceYaml(name: string, port = 80): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: demo\nspec:\n  ports:\n  - port: ${port}\n`;
}

/** Served Services as `name:port`, sorted. */
const services = (store: Store) =>
  store.snapshot().services.map((svc) => `${svc.metadata?.name}:${svc.spec?.ports?.[0]?.port}`);

/** Polls condition every 10 ms for at most timeoutMs; fails naming what was awaited. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 10) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A temporary manifests directory, a store, and a logger whose records the test can read; all cleaned up. */
async function setUp(t: TestContext) {
  const dir = await mkdtemp(path.join(tmpdir(), 'portico-manifests-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const logs: Array<{ level: number; msg: string; file?: string; err?: { message: string } }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const store = new Store();
  const write = (file: string, text: string) => writeFile(path.join(dir, file), text);
  const start = async () => {
    const source = await watchManifests(dir, store, log);
    t.after(() => source.close());
    return source;
  };
  const errorsAbout = (file: string) => logs.filter((record) => record.level === 50 && record.file === path.join(dir, file));
  return { dir, store, log, logs, write, start, errorsAbout };
}

describe('watchManifests', () => {
  it('has loaded every manifest under the directory, as one change, when it resolves', async (t) => {
    const { dir, store, write, start } = await setUp(t);
    await mkdir(path.join(dir, 'nested/deeper'), { recursive: true });
    await mkdir(path.join(dir, '..data'));
    for (let i = 0; i < 20; i += 1) await write(`svc-${String(i).padStart(2, '0')}.yaml`, serviceYaml(`svc-${String(i).padStart(2, '0')}`));
    await write('nested/deeper/class.yml', 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: portico}\n');
    await write('nested/secret.json', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: 'demo' } }));
    await write('nested/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: echo}\n');
    await write('notes.txt', serviceYaml('from-txt'));
    await write('..data/copy.yaml', serviceYaml('from-hidden-dir'));

    await start();

    assert.equal(store.version, 1);
    assert.equal(store.snapshot().services.length, 20);
    assert.ok(!services(store).some((name) => name.startsWith('from-')));
    assert.deepEqual(store.snapshot().ingressClasses.map((c) => c.metadata?.name), ['portico']);
    assert.deepEqual(store.snapshot().secrets.map((s) => s.metadata?.name), ['tls']);
  });

  it('follows files being added, changed and deleted, and directories being removed', async (t) => {
    const { dir, store, write, start } = await setUp(t);
    await start();
    assert.equal(store.version, 0);

    await write('a.yaml', serviceYaml('a'));
    await waitFor(() => services(store).includes('a:80'), 'a.yaml to be added');

    await write('a.yaml', serviceYaml('a', 8080));
    await waitFor(() => services(store).includes('a:8080'), 'a.yaml to change');

    await unlink(path.join(dir, 'a.yaml'));
    await waitFor(() => services(store).length === 0, 'a.yaml to be deleted');

    await mkdir(path.join(dir, 'team'));
    await write('team/b.yaml', serviceYaml('b'));
    await waitFor(() => services(store).includes('b:80'), 'team/b.yaml to be added');
    await rm(path.join(dir, 'team'), { recursive: true });
    await waitFor(() => services(store).length === 0, 'team/ to be removed');
  });

  it('picks up a file an editor replaces by renaming a temporary file over it', async (t) => {
    const { dir, store, write, start } = await setUp(t);
    await write('a.yaml', serviceYaml('a'));
    await start();

    await write('.a.yaml.swp', serviceYaml('a', 9090));
    await rename(path.join(dir, '.a.yaml.swp'), path.join(dir, 'a.yaml'));
    await waitFor(() => services(store).join() === 'a:9090', 'the renamed file to be read');
  });

  it('logs a broken file by name, keeps its last good objects, and keeps applying the other files', async (t) => {
    const { store, write, start, errorsAbout } = await setUp(t);
    await write('a.yaml', serviceYaml('a'));
    await write('b.yaml', serviceYaml('b'));
    await write('c.yaml', 'kind: Service\nmetadata: {name: c\n');
    await start();

    assert.deepEqual(services(store), ['a:80', 'b:80']);
    assert.equal(errorsAbout('c.yaml').length, 1);
    assert.match(errorsAbout('c.yaml')[0]?.err?.message ?? '', /c\.yaml: .* at line \d+, column \d+/);

    await write('a.yaml', serviceYaml('a', 8080).replace('name: a', 'name: [a'));
    await waitFor(() => errorsAbout('a.yaml').length === 1, 'an error about a.yaml');
    await write('b.yaml', serviceYaml('b', 8081));
    await waitFor(() => services(store).includes('b:8081'), 'b.yaml to change');
    assert.deepEqual(services(store), ['a:80', 'b:8081'], "a.yaml's last good Service is still served");

    await write('c.yaml', serviceYaml('c'));
    await waitFor(() => services(store).includes('c:80'), 'c.yaml, once fixed, to be loaded');
  });

  it('stops following the directory once closed', async (t) => {
    const { dir, store, write, start } = await setUp(t);
    const source = await start();
    await source.close();

    // A second watcher on the same directory witnesses when the writes would have been seen; by the
    // time it has read the second file, a watcher still running would have read the first.
    const witness = new Store();
    const witnessSource = await watchManifests(dir, witness, pino({ level: 'silent' }));
    t.after(() => witnessSource.close());
    await write('a.yaml', serviceYaml('a'));
    await waitFor(() => witness.version === 1, 'the witness to load a.yaml');
    await write('b.yaml', serviceYaml('b'));
    await waitFor(() => witness.version === 2, 'the witness to load b.yaml');
    assert.equal(store.version, 0);
  });

  it('loads the examples without errors', async (t) => {
    const { store, log, logs } = await setUp(t);
    const source = await watchManifests(new URL('../../examples', import.meta.url).pathname, store, log);
    t.after(() => source.close());
    const names = (objects: ReadonlyArray<{ metadata?: { name?: string } }>) => objects.map((obj) => obj.metadata?.name);
    const snapshot = store.snapshot();
    assert.deepEqual(logs.filter((record) => record.level >= 40), []);
    assert.deepEqual(names(snapshot.ingressClasses), ['portico']);
    assert.deepEqual(names(snapshot.services), ['echo', 'feature-a', 'feature-b', 'hello']);
    assert.deepEqual(names(snapshot.endpointSlices), ['echo-7x2kq', 'feature-a-q8v2n', 'feature-b-z7k4w', 'hello-m4d9c']);
    assert.deepEqual(names(snapshot.ingresses), ['apps-wildcard', 'demo', 'lanes', 'lanes-feature-a', 'lanes-feature-b', 'secure']);
    assert.deepEqual(names(snapshot.secrets), ['secure-local-tls']);
  });

  it('rejects a directory that does not exist', async (t) => {
    const { dir, store } = await setUp(t);
    await assert.rejects(watchManifests(path.join(dir, 'missing'), store, pino({ level: 'silent' })), /ENOENT/);
  });
});
