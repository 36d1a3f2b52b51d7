import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from './build.js';
import { matchServer, parseHost } from './hosts.js';
import { httpPath, ingress, OPTIONS, rule, snapshot } from './testdata/fixtures.js';

const parseCases: { raw: string; expected: { host: string; match: string } | RegExp }[] = [
  { raw: 'foo.com', expected: { host: 'foo.com', match: 'exact' } },
  { raw: 'Foo.COM', expected: { host: 'foo.com', match: 'exact' } },
  { raw: 'localhost', expected: { host: 'localhost', match: 'exact' } },
  { raw: '*.foo.com', expected: { host: '*.foo.com', match: 'wildcard' } },
  { raw: 'a-1.b-2.example', expected: { host: 'a-1.b-2.example', match: 'exact' } },
  { raw: 'foo_bar.com', expected: /host "foo_bar.com" is not a valid DNS name/ },
  { raw: '-foo.com', expected: /not a valid DNS name/ },
  { raw: 'foo.com.', expected: /not a valid DNS name/ },
  { raw: 'foo..com', expected: /not a valid DNS name/ },
  { raw: 'foo.*.com', expected: /not a valid DNS name/ },
  { raw: '*', expected: /not a valid DNS name/ },
  { raw: '**.foo.com', expected: /not a valid DNS name/ },
  { raw: 'foo.com:80', expected: /not a valid DNS name/ },
  { raw: `${'a'.repeat(64)}.com`, expected: /not a valid DNS name/ },
  { raw: 'foo.com\n# injected', expected: /host "foo.com\\n# injected"/ },
  { raw: '10.0.0.1', expected: /is an IP address/ },
];

for (const { raw, expected } of parseCases) {
  test(`parseHost(${JSON.stringify(raw)}) → ${expected instanceof RegExp ? 'rejected' : expected.host}`, () => {
    const parsed = parseHost(raw);
    if (expected instanceof RegExp) {
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.reason, expected);
    } else {
      assert.deepEqual(parsed, { ok: true, value: expected });
    }
  });
}

const { model } = buildModel(
  snapshot({
    ingresses: [
      ingress('web', {
        rules: [
          rule('*.foo.com', httpPath('Prefix', '/', 'wild')),
          rule('bar.foo.com', httpPath('Prefix', '/', 'bar')),
          rule('foo.com', httpPath('Prefix', '/', 'apex')),
        ],
      }),
    ],
  }),
  OPTIONS,
);

const serverCases: { request: string; expected: string }[] = [
  { request: 'bar.foo.com', expected: 'bar.foo.com' },
  { request: 'BAR.Foo.com', expected: 'bar.foo.com' },
  { request: 'baz.foo.com', expected: '*.foo.com' },
  { request: 'baz.bar.foo.com', expected: '' },
  { request: 'foo.com', expected: 'foo.com' },
  { request: '.foo.com', expected: '' },
  { request: 'other.org', expected: '' },
  { request: '', expected: '' },
];

for (const { request, expected } of serverCases) {
  test(`matchServer(${JSON.stringify(request)}) → ${expected || 'catch-all'}`, () => {
    assert.equal(matchServer(model, request)?.host, expected);
  });
}
