import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameJson, stableJson } from './stable-json.js';

const CASES: unknown[] = [
  null,
  undefined,
  0,
  -0,
  1,
  Number.NaN,
  Infinity,
  'a',
  '',
  true,
  false,
  [],
  {},
  [null],
  [undefined],
  [() => 1],
  { a: undefined },
  { a: null },
  { a: 1, b: 2 },
  { b: 2, a: 1 },
  { a: 1, b: undefined },
  { a: 1, c: 2 },
  { a: [1, 2] },
  { a: [2, 1] },
  { a: { b: { c: 'd' } } },
  { a: { b: { c: 'e' } } },
  { a: { b: { c: 'd' }, x: Symbol('s') } },
  { 2: 'x', 10: 'y' },
  { 10: 'y', 2: 'x' },
  { a: new Date(0) },
  { a: '1970-01-01T00:00:00.000Z' },
  { a: NaN },
  { a: null, b: 1 },
  [{ a: 1 }, { b: 2 }],
  [{ b: 2 }, { a: 1 }],
];

test('sameJson agrees with comparing stableJson texts', () => {
  for (const a of CASES) {
    for (const b of CASES) {
      assert.equal(sameJson(a, b), stableJson(a) === stableJson(b), `${String(stableJson(a))} vs ${String(stableJson(b))}`);
    }
  }
});

test('sameJson does not depend on key order', () => {
  assert.ok(sameJson({ metadata: { name: 'a', namespace: 'b' }, spec: { x: [1, { y: 2, z: 3 }] } }, { spec: { x: [1, { z: 3, y: 2 }] }, metadata: { namespace: 'b', name: 'a' } }));
});
