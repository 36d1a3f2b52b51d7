import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTwoFilesPatch } from 'diff';
import { configDiff } from './config-diff.js';

const lines = (count: number, label = 'line') => Array.from({ length: count }, (_, i) => `${label} ${i};\n`).join('');

test('the diff of a change inside a large file equals the diff of the whole files', () => {
  const before = lines(2000);
  const cases = [
    before.replace('line 1000;\n', 'line 1000 changed;\n'),
    before.replace('line 5;\n', ''),
    before.replace('line 1999;\n', 'line 1999;\nline 2000;\n'),
    `first;\n${before}`,
    before.replace('line 700;\nline 701;\n', 'other 700;\n').replace('line 1500;\n', 'line 1500;\nextra;\n'),
    before.replace('line 10', 'line 10x'),
    '',
  ];
  for (const after of cases) {
    const whole = createTwoFilesPatch('nginx.conf', 'nginx.conf', before, after, 'loaded', 'new', { context: 2 });
    assert.equal(configDiff(before, after, 2000), whole);
  }
  assert.equal(configDiff(before, before, 2000), createTwoFilesPatch('nginx.conf', 'nginx.conf', before, before, 'loaded', 'new', { context: 2 }));
});

test('strings named as the same (the two hashes) count as equal wherever they stand', () => {
  const [old, neu] = ['a'.repeat(64), 'b'.repeat(64)];
  const file = (hash: string, body: string) => `# configuration ${hash}\n${body}server {\n  return 200 "${hash}";\n}\n`;
  const body = lines(500);
  const cases = [
    body,
    body.replace('line 250;\n', 'line 250 changed;\n'),
    body.replace('line 0;\n', ''),
    body.replace('line 499;\n', 'line 499;\nline 500;\n'),
    `${body}extra ${neu};\n`,
    lines(3),
    '',
  ];
  for (const after of cases) {
    const [beforeText, afterText] = [file(old, body), file(neu, after)];
    const whole = createTwoFilesPatch('nginx.conf', 'nginx.conf', beforeText.replaceAll(old, neu), afterText, 'loaded', 'new', { context: 2 });
    assert.equal(configDiff(beforeText, afterText, 2000, { before: old, after: neu }), whole);
  }
});
