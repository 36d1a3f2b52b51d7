import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { settingsReference, updateSettingsReference } from './docs.js';
import { SETTINGS } from './registry.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

test('README.md carries the ConfigMap reference generated from the registry (run `npm run docs`)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(updateSettingsReference(readme), readme);
});

test('the reference lists every registered key once', () => {
  const reference = settingsReference();
  for (const spec of Object.values(SETTINGS)) assert.equal(reference.split(`| \`${spec.key}\` |`).length, 2, spec.key);
});
