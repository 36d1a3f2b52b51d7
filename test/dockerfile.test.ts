// There is no Docker engine here: check what can be checked without one. Every path the Dockerfile copies from
// the build context exists and is not excluded by .dockerignore, the entry point is bin/portico and its default
// arguments parse, and every /app path the deploy/ manifests run is one the image contains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../controller/cli/flags.js';
import { REPO_ROOT } from './helpers/processes.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

/** `COPY [--flags] SRC… DEST` from the build context (not `--from` another stage): [sources, destination]. */
const contextCopies = instructions
  .filter((line) => /^COPY\s/i.test(line) && !/--from=/.test(line))
  .map((line) => {
    const words = line.split(/\s+/).slice(1).filter((word) => !word.startsWith('--'));
    return { sources: words.slice(0, -1), destination: words.at(-1) ?? '' };
  });

function execForm(instruction: string): string[] {
  const line = instructions.find((candidate) => candidate.toUpperCase().startsWith(`${instruction} `));
  assert.ok(line, `Dockerfile has no ${instruction}`);
  return JSON.parse(line.slice(instruction.length + 1)) as string[];
}

test('every path the Dockerfile copies from the context exists and is not ignored', () => {
  const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  assert.ok(contextCopies.length > 0);
  for (const { sources } of contextCopies) {
    for (const source of sources) {
      assert.ok(existsSync(join(REPO_ROOT, source)), `COPY ${source}: no such path`);
      assert.ok(!ignored.includes(source.split('/')[0] ?? ''), `COPY ${source}: excluded by .dockerignore`);
    }
  }
});

test('the entry point is bin/portico behind an init, and the default arguments parse', async () => {
  const entrypoint = execForm('ENTRYPOINT');
  assert.deepEqual(entrypoint, ['/usr/bin/tini', '--', '/app/bin/portico']);
  const args = execForm('CMD');
  assert.doesNotThrow(() => parseFlags(args));
  const { exitCode } = await execa(process.execPath, [join(REPO_ROOT, 'bin/portico'), ...args, '--help'], { reject: false });
  assert.equal(exitCode, 0);
});

test('the image holds every /app path the deploy manifests run', () => {
  const copied = contextCopies.filter(({ destination }) => destination.startsWith('./')).flatMap(({ sources }) => sources);
  const manifests = ['deploy/base/daemonset.yaml'].map((file) => readFileSync(join(REPO_ROOT, file), 'utf8')).join('\n');
  const paths = [...manifests.matchAll(/\/app\/([\w./-]+)/g)].map((match) => match[1] ?? '');
  assert.ok(paths.length >= 2);
  for (const path of paths) {
    assert.ok(copied.includes(path.split('/')[0] ?? ''), `/app/${path} is not copied into the image`);
    assert.ok(existsSync(join(REPO_ROOT, path)), `/app/${path} does not exist in the repository`);
  }
});
