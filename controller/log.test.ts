import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatText } from './log.js';

test('text format prints time, level, message and fields on one line', () => {
  const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5), msg: 'Ingress default/x rejected', reason: 'bad "path"' });
  assert.equal(formatText(line), '2026-01-02T03:04:05.000Z WARN  Ingress default/x rejected reason="bad \\"path\\""\n');
});

test('text format prints a configuration diff as-is below the line, for kubectl logs', () => {
  const diff = '--- nginx.conf\n+++ nginx.conf\n@@ -1 +1 @@\n-a\n+b\n';
  const out = formatText(JSON.stringify({ level: 30, time: 0, msg: 'configuration reloaded', hash: 'abc', diff }));
  assert.equal(out, `1970-01-01T00:00:00.000Z INFO  configuration reloaded hash="abc"\n${diff}`);
});
