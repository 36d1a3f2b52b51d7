import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime, secondsTime } from './time.js';

test('MicroTime has six fractional digits, Time none', () => {
  const date = new Date('2026-01-02T03:04:05.678Z');
  assert.equal(microTime(date), '2026-01-02T03:04:05.678000Z');
  assert.equal(secondsTime(date), '2026-01-02T03:04:05Z');
});
