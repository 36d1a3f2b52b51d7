import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, usage } from './flags.js';

test('defaults follow the documented values', () => {
  const flags = parseFlags([]);
  assert.equal(flags.httpPort, 80);
  assert.equal(flags.httpsPort, 443);
  assert.equal(flags.statusPort, 10254);
  assert.equal(flags.bindAddress, null);
  assert.equal(flags.controllerClass, 'portico.dev/ingress-controller');
  assert.equal(flags.ingressClass, 'portico');
  assert.equal(flags.watchIngressWithoutClass, false);
  assert.equal(flags.logFormat, 'json');
});

test('--help lists every flag', () => {
  for (const name of ['manifests', 'http-port', 'https-port', 'bind-address', 'status-port', 'work-dir', 'nginx-binary', 'template',
    'controller-class', 'ingress-class', 'watch-ingress-without-class', 'default-ssl-certificate', 'log-level', 'log-format', 'help']) {
    assert.match(usage(), new RegExp(`--${name}\\b`));
  }
});

const invalid: Array<[string[], RegExp]> = [
  [['--http-port', '0'], /--http-port "0": expected a port number/],
  [['--https-port', '80x'], /--https-port "80x"/],
  [['--bind-address', 'localhost'], /--bind-address "localhost": expected an IPv4 or IPv6 address/],
  [['--log-format', 'xml'], /--log-format "xml": expected json, text/],
  [['--default-ssl-certificate', 'no-slash'], /expected NAMESPACE\/NAME/],
  [['--no-such-flag'], /no-such-flag/],
];
for (const [argv, message] of invalid) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(() => parseFlags(argv), message);
  });
}
