import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from './build.js';
import { matchServer } from './hosts.js';
import { compareLocations, matchLocation, parsePath } from './paths.js';
import { httpPath, ingress, OPTIONS, rule, snapshot } from './testdata/fixtures.js';

const parseCases: { path: string | undefined; pathType: string | undefined; expected: { path: string; match: string } | RegExp }[] = [
  { path: '/foo', pathType: 'Exact', expected: { path: '/foo', match: 'exact' } },
  { path: '/foo/', pathType: 'Exact', expected: { path: '/foo/', match: 'exact' } },
  { path: '/aaa/bbb/', pathType: 'Prefix', expected: { path: '/aaa/bbb', match: 'prefix' } },
  { path: '/aaa//', pathType: 'Prefix', expected: { path: '/aaa', match: 'prefix' } },
  { path: '/', pathType: 'Prefix', expected: { path: '/', match: 'prefix' } },
  { path: '/api', pathType: 'ImplementationSpecific', expected: { path: '/api', match: 'prefix' } },
  { path: undefined, pathType: 'Prefix', expected: { path: '/', match: 'prefix' } },
  { path: '/a-b_c.d~e+f:g@h,i=j/%20k', pathType: 'Prefix', expected: { path: '/a-b_c.d~e+f:g@h,i=j/%20k', match: 'prefix' } },
  { path: '/foo', pathType: 'Regex', expected: /pathType "Regex" is not Exact, Prefix or ImplementationSpecific/ },
  { path: '/foo', pathType: undefined, expected: /pathType "" is not/ },
  { path: 'foo', pathType: 'Prefix', expected: /path "foo" must start with \// },
  { path: '/foo$1', pathType: 'Prefix', expected: /path "\/foo\$1"/ },
  { path: '/a;b', pathType: 'Prefix', expected: /path "\/a;b"/ },
  { path: "/a'b", pathType: 'Prefix', expected: /path "\/a'b"/ },
  { path: '/a b', pathType: 'Prefix', expected: /path "\/a b"/ },
  { path: '/a{b}', pathType: 'Prefix', expected: /path "\/a\{b\}"/ },
  { path: '/a\nb', pathType: 'Prefix', expected: /path "\/a\\nb"/ },
  { path: '/a%2', pathType: 'Prefix', expected: /path "\/a%2"/ },
  { path: '/a/../b', pathType: 'Prefix', expected: /contains a \.\. segment/ },
  { path: '/a/%2E%2e/b', pathType: 'Prefix', expected: /contains a \.\. segment/ },
  { path: '/a/..b', pathType: 'Prefix', expected: { path: '/a/..b', match: 'prefix' } },
  { path: `/${'x'.repeat(100)}$`, pathType: 'Prefix', expected: /path "\/x{63}…"/ },
];

for (const { path, pathType, expected } of parseCases) {
  test(`parsePath(${JSON.stringify(path)}, ${pathType}) → ${expected instanceof RegExp ? 'rejected' : expected.path}`, () => {
    const parsed = parsePath(path, pathType);
    if (expected instanceof RegExp) {
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.reason, expected);
    } else {
      assert.deepEqual(parsed, { ok: true, value: expected });
    }
  });
}

// https://kubernetes.io/docs/concepts/services-networking/ingress/#examples — path i routes to service svc-i;
// `expected` is the index of the path that answers, or null when nothing matches (the `/` fallback, a 404 here).
const examples: { paths: [string, string][]; request: string; expected: number | null }[] = [
  { paths: [['Prefix', '/']], request: '/anything/at/all', expected: 0 },
  { paths: [['Exact', '/foo']], request: '/foo', expected: 0 },
  { paths: [['Exact', '/foo']], request: '/bar', expected: null },
  { paths: [['Exact', '/foo']], request: '/foo/', expected: null },
  { paths: [['Exact', '/foo/']], request: '/foo', expected: null },
  { paths: [['Prefix', '/foo']], request: '/foo', expected: 0 },
  { paths: [['Prefix', '/foo']], request: '/foo/', expected: 0 },
  { paths: [['Prefix', '/foo/']], request: '/foo', expected: 0 },
  { paths: [['Prefix', '/foo/']], request: '/foo/', expected: 0 },
  { paths: [['Prefix', '/aaa/bb']], request: '/aaa/bbb', expected: null },
  { paths: [['Prefix', '/aaa/bbb']], request: '/aaa/bbb', expected: 0 },
  { paths: [['Prefix', '/aaa/bbb/']], request: '/aaa/bbb', expected: 0 },
  { paths: [['Prefix', '/aaa/bbb']], request: '/aaa/bbb/', expected: 0 },
  { paths: [['Prefix', '/aaa/bbb']], request: '/aaa/bbb/ccc', expected: 0 },
  { paths: [['Prefix', '/aaa/bbb']], request: '/aaa/bbbxyz', expected: null },
  { paths: [['Prefix', '/'], ['Prefix', '/aaa']], request: '/aaa/ccc', expected: 1 },
  { paths: [['Prefix', '/'], ['Prefix', '/aaa'], ['Prefix', '/aaa/bbb']], request: '/aaa/bbb', expected: 2 },
  { paths: [['Prefix', '/'], ['Prefix', '/aaa'], ['Prefix', '/aaa/bbb']], request: '/ccc', expected: 0 },
  { paths: [['Prefix', '/aaa']], request: '/ccc', expected: null },
  { paths: [['Prefix', '/foo'], ['Exact', '/foo']], request: '/foo', expected: 1 },
  { paths: [['Exact', '/foo'], ['Prefix', '/foo']], request: '/foo/bar', expected: 1 },
];

for (const { paths, request, expected } of examples) {
  const rules = paths.map(([type, path]) => `${type} ${path}`).join(', ');
  test(`Kubernetes path example: ${rules}; request ${request} → ${expected === null ? 'no match' : paths[expected]?.join(' ')}`, () => {
    const spec = { rules: [rule('foo.com', ...paths.map(([type, path], index) => httpPath(type, path, `svc-${index}`)))] };
    const { model, problems } = buildModel(snapshot({ ingresses: [ingress('web', spec)] }), OPTIONS);
    const server = matchServer(model, 'foo.com');
    assert.equal(server?.host, 'foo.com');
    const location = server && matchLocation(server, request);
    assert.ok(location, 'every server has a / fallback');
    assert.equal(location.backend, expected === null ? null : `default.svc-${expected}.80`);
    assert.equal(location.ingress === null, expected === null);
    // Services don't exist in this snapshot: each used one is reported, and nothing else is.
    assert.ok(problems.every((problem) => /Service "default\/svc-\d" not found/.test(problem.reason)));
  });
}

test('locations sort longest path first, then by path, exact before prefix', () => {
  const locations = [
    { path: '/', match: 'prefix' as const },
    { path: '/b', match: 'prefix' as const },
    { path: '/aa', match: 'prefix' as const },
    { path: '/a', match: 'prefix' as const },
    { path: '/a', match: 'exact' as const },
  ];
  assert.deepEqual(
    [...locations].sort(compareLocations).map(({ path, match }) => `${match} ${path}`),
    ['prefix /aa', 'exact /a', 'prefix /a', 'prefix /b', 'prefix /'],
  );
});
