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

test('cluster flags: namespaces repeat or comma-separate, status addresses are IPs or host names', () => {
  const flags = parseFlags(['--watch-namespace', 'a,b', '--watch-namespace', 'c', '--publish-status-address', '127.0.0.1, lb.example.com', '--election-lease-duration', '2.5']);
  assert.deepEqual(flags.watchNamespaces, ['a', 'b', 'c']);
  assert.deepEqual(flags.publishStatusAddresses, ['127.0.0.1', 'lb.example.com']);
  assert.equal(flags.electionLeaseDurationMs, 2500);
  assert.deepEqual(parseFlags([]).watchNamespaces, []);
  assert.equal(parseFlags([]).electionId, 'portico-leader');
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
  [['--manifests', 'x', '--kubeconfig', 'y'], /exclude each other/],
  [['--watch-namespace', 'ok,Not_OK'], /--watch-namespace "Not_OK": expected a namespace name/],
  [['--publish-status-address', '127.0.0.1,bad host'], /--publish-status-address "bad host"/],
  [['--election-lease-duration', '0'], /seconds from 1 to 600/],
  [['--election-id', 'UPPER'], /--election-id "UPPER"/],
];
for (const [argv, message] of invalid) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(() => parseFlags(argv), message);
  });
}
