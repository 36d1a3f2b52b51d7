import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readText, writeAtomic } from './files.js';

test('writeAtomic and readText keep large texts intact, characters across chunk ends included', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'nginx.conf');
  // A surrogate pair and a multi-byte character straddling each 1 MiB boundary.
  const text = `${'a'.repeat((1 << 20) - 1)}😀${'b'.repeat((1 << 20) - 2)}é€${'c'.repeat(100)}\n`;
  await writeAtomic(file, text, 0o640);
  assert.equal(await readFile(file, 'utf8'), text);
  assert.equal(await readText(file), text);
  assert.equal((await stat(file)).mode & 0o777, 0o640);
  await writeAtomic(file, 'short', 0o640);
  assert.equal(await readText(file), 'short');
  await writeAtomic(file, '', 0o640);
  assert.equal(await readText(file), '');
});
