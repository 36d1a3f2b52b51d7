import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { annotationsReference, updateReadme } from './docs.js';
import { ANNOTATIONS } from './registry.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

test('README.md carries the annotation reference generated from the registry (run `npm run docs`)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(updateReadme(readme), readme);
});

test('the reference lists every registered annotation once', () => {
  const reference = annotationsReference();
  for (const spec of Object.values(ANNOTATIONS)) {
    assert.equal(reference.split(`| \`${spec.key}\` |`).length, 2, spec.key);
  }
});
