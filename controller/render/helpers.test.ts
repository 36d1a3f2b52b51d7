import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quote, quoteRegex, templateHelpers } from './helpers.js';

const refused = { name: 'PorticoError', code: 'TEMPLATE' };

test('quote wraps in double quotes and escapes backslashes and quotes', () => {
  assert.equal(quote('/a b;{}#'), '"/a b;{}#"');
  assert.equal(quote('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"');
});

test('quote refuses $ and control characters', () => {
  for (const value of ['/$uri', 'a\nb', 'a\rb', 'a\u0000b', 'a\tb', 'a\u007fb']) {
    assert.throws(() => quote(value), refused, JSON.stringify(value));
  }
});

test('quoteRegex keeps anchors and doubles backslashes, which nginx unescapes once', () => {
  assert.equal(quoteRegex('~^[^.]+\\.foo\\.com$'), '"~^[^.]+\\\\.foo\\\\.com$"');
});

test('quoteRegex refuses quotes and control characters', () => {
  for (const value of ['a"b', "a'b", 'a\nb', 'a\u0000b']) {
    assert.throws(() => quoteRegex(value), refused, JSON.stringify(value));
  }
});

test('helpers take exactly one string', () => {
  const options = {}; // stands in for the options object Handlebars appends
  assert.equal(templateHelpers.q('x', options), '"x"');
  assert.throws(() => templateHelpers.q(1, options), refused);
  assert.throws(() => templateHelpers.q(null, options), refused);
  assert.throws(() => templateHelpers.re(options), refused);
  assert.throws(() => templateHelpers.re('a', 'b', options), refused);
});
