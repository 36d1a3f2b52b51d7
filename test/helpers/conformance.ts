// The Kubernetes ingress-controller conformance features (default backend, host rules, ingress class,
// load balancing, path rules), through real OpenResty, with real backends and real HTTP(S) requests.
// Shared by the manifests and API-server runs: each starts Portico its own way on the same objects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startBackends, type Backend } from './processes.js';
import { get, type Portico } from './portico.js';
import { ingress, ingressClass, selfSigned, service, tlsSecret } from './manifests.js';

/** Each Service gets its own pod address, so the echo answer names the Service that served it. */
const PODS: Record<string, string> = {
  'default-backend': '127.0.2.1',
  echo: '127.0.2.2',
  'foo-exact': '127.0.2.3',
  'foo-prefix': '127.0.2.4',
  'aaa-bbb-prefix': '127.0.2.5',
  'aaa-prefix': '127.0.2.6',
  root: '127.0.2.7',
  wildcard: '127.0.2.8',
  other: '127.0.2.9',
};
const LB_PODS = Array.from({ length: 10 }, (_, i) => `127.0.3.${i + 1}`);
const secureCert = selfSigned(['secure.example.com']);

export interface ConformanceFixture {
  backends: Backend[];
  /** The objects, grouped by the manifest file they go into. */
  manifests: Record<string, object[]>;
}

/** Starts every backend the scenarios use and returns them with the objects that route to them. */
export async function startConformanceFixture(): Promise<ConformanceFixture> {
  const port = await freePort();
  // 127.0.0.1 stands for the host an ExternalName Service names (`localhost`).
  const backends = await startBackends([...Object.values(PODS), ...LB_PODS, '127.0.0.1'], port);
  const services = Object.entries(PODS).flatMap(([name, pod]) => service(name, [pod], { ports: [{ port: 80, targetPort: port }] }));
  const manifests: Record<string, object[]> = {
    'class.yaml': [ingressClass('portico'), ingressClass('other', { controller: 'example.com/other-controller' })],
    'services.yaml': [
      ...services,
      ...service('lb', LB_PODS, { ports: [{ port: 80, targetPort: port }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ port: 80, targetPort: port }] } },
    ],
    'tls.yaml': [tlsSecret('secure-tls', secureCert)],
    'ingresses.yaml': [
      ingress('default-backend', [], { defaultBackend: { service: 'default-backend' } }),
      ingress('hosts', [
        { host: 'foo.example.com', paths: [{ path: '/', service: 'echo' }] },
        { host: '*.wild.example.com', paths: [{ path: '/', service: 'wildcard' }] },
      ]),
      ingress('secure', [{ host: 'secure.example.com', paths: [{ path: '/', service: 'echo' }] }], {
        tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }],
      }),
      ingress('other-class', [{ host: 'other.example.com', paths: [{ path: '/', service: 'other' }] }], { className: 'other' }),
      ingress('lb', [{ host: 'lb.example.com', paths: [{ path: '/', service: 'lb' }] }]),
      ingress('external', [{ host: 'external.example.com', paths: [{ path: '/', service: 'external' }] }]),
      ingress('paths', [
        {
          host: 'paths.example.com',
          paths: [
            { path: '/foo', pathType: 'Exact', service: 'foo-exact' },
            { path: '/foo', pathType: 'Prefix', service: 'foo-prefix' },
            { path: '/aaa/bbb', pathType: 'Prefix', service: 'aaa-bbb-prefix' },
            { path: '/aaa/', pathType: 'Prefix', service: 'aaa-prefix' },
            { path: '/', pathType: 'Prefix', service: 'root' },
          ],
        },
      ]),
    ],
  };
  return { backends, manifests };
}

/** The conformance scenarios against whichever Portico `target` returns once they run. */
export function conformanceTests(target: () => { portico: Portico; backends: Backend[] }): void {
  const servedBy = async (options: Parameters<typeof get>[1]): Promise<string | number> => {
    const answer = await get(target().portico, options);
    if (answer.status !== 200 || !answer.json) return answer.status;
    const address = answer.json.pod.split(':')[0];
    return Object.entries(PODS).find(([, pod]) => pod === address)?.[0] ?? answer.json.pod;
  };

  describe('default backend', () => {
    test('a request matching no rule goes to the Ingress defaultBackend', async () => {
      assert.equal(await servedBy({ host: 'unknown.example.com', path: '/anything' }), 'default-backend');
      assert.equal(await servedBy({ path: '/' }), 'default-backend');
    });
  });

  describe('host rules', () => {
    test('an exact host routes to its backend, with the Host header preserved', async () => {
      const answer = await get(target().portico, { host: 'foo.example.com', path: '/x' });
      assert.equal(answer.status, 200);
      assert.equal(answer.json?.pod.split(':')[0], PODS.echo);
      assert.equal(answer.json?.headers.host, 'foo.example.com');
    });

    test('a wildcard host matches exactly one extra label', async () => {
      assert.equal(await servedBy({ host: 'bar.wild.example.com' }), 'wildcard');
      assert.equal(await servedBy({ host: 'baz.bar.wild.example.com' }), 'default-backend');
      assert.equal(await servedBy({ host: 'wild.example.com' }), 'default-backend');
    });

    test('a TLS host is served over HTTPS with its certificate, chosen by SNI and verified', async () => {
      const answer = await get(target().portico, { host: 'secure.example.com', https: true, ca: secureCert.certPem });
      assert.equal(answer.status, 200);
      assert.equal(answer.certificate?.subject.CN, 'secure.example.com');
      assert.equal(answer.json?.headers['x-forwarded-proto'], 'https');
    });

    test('plain HTTP to a TLS host is redirected to https with 308', async () => {
      const answer = await get(target().portico, { host: 'secure.example.com', path: '/a?b=c' });
      assert.equal(answer.status, 308);
      assert.equal(answer.headers.location, `https://secure.example.com:${target().portico.httpsPort}/a?b=c`);
    });

    test('a host without a certificate gets the default certificate over HTTPS', async () => {
      const answer = await get(target().portico, { host: 'foo.example.com', https: true });
      assert.equal(answer.status, 200);
      assert.equal(answer.certificate?.subject.CN, 'Portico Default Certificate');
    });
  });

  describe('ingress class', () => {
    test('an Ingress of another controller class is ignored', async () => {
      assert.equal(await servedBy({ host: 'other.example.com' }), 'default-backend');
    });
  });

  describe('load balancing', () => {
    test('requests are spread over all 10 ready endpoints', async () => {
      const seen = new Map<string, number>();
      for (let i = 0; i < 60; i++) {
        const answer = await get(target().portico, { host: 'lb.example.com' });
        assert.equal(answer.status, 200);
        const pod = answer.json?.pod.split(':')[0] ?? '';
        seen.set(pod, (seen.get(pod) ?? 0) + 1);
      }
      assert.deepEqual([...seen.keys()].sort(), [...LB_PODS].sort());
      for (const count of seen.values()) assert.ok(count >= 2, `uneven spread: ${JSON.stringify([...seen])}`);
    });
  });

  describe('ExternalName Services', () => {
    test('traffic is proxied to the DNS name the Service gives, with the Host header kept', async () => {
      const answer = await get(target().portico, { host: 'external.example.com', path: '/ext' });
      assert.equal(answer.status, 200);
      assert.equal(answer.json?.pod, `127.0.0.1:${target().backends[0]?.port}`);
      assert.equal(answer.json?.headers.host, 'external.example.com');
    });
  });

  describe('path rules', () => {
    const cases: Array<[path: string, expected: string]> = [
      ['/foo', 'foo-exact'],
      ['/foo/', 'foo-prefix'],
      ['/foo/bar', 'foo-prefix'],
      ['/foobar', 'root'],
      ['/aaa/bbb', 'aaa-bbb-prefix'],
      ['/aaa/bbb/ccc', 'aaa-bbb-prefix'],
      ['/aaa/bbbxyz', 'aaa-prefix'],
      ['/aaa', 'aaa-prefix'],
      ['/aaa/', 'aaa-prefix'],
      ['/aaaccc', 'root'],
      ['/', 'root'],
    ];
    for (const [path, expected] of cases) {
      test(`${path} → ${expected}`, async () => {
        assert.equal(await servedBy({ host: 'paths.example.com', path }), expected);
      });
    }
  });

  describe('request headers to the backend', () => {
    test('X-Forwarded-*, X-Real-IP and a generated X-Request-ID are set', async () => {
      const headers = (await get(target().portico, { host: 'foo.example.com', path: '/h' })).json?.headers ?? {};
      assert.equal(headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(headers['x-real-ip'], '127.0.0.1');
      assert.equal(headers['x-forwarded-proto'], 'http');
      assert.equal(headers['x-forwarded-host'], 'foo.example.com');
      assert.equal(headers['x-forwarded-port'], String(target().portico.httpPort));
      assert.match(headers['x-request-id'] ?? '', /^[0-9a-f]{32}$/);
    });

    test('a client X-Request-ID is kept', async () => {
      const headers = (await get(target().portico, { host: 'foo.example.com', headers: { 'x-request-id': 'abc-123' } })).json?.headers ?? {};
      assert.equal(headers['x-request-id'], 'abc-123');
    });
  });
}
