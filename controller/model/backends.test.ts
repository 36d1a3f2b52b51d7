import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1EndpointSlice, V1IngressBackend, V1Service } from '@kubernetes/client-node';
import { BackendTable } from './backends.js';
import type { Endpoint } from './types.js';
import { backend, endpointSlice, service, snapshot } from './testdata/fixtures.js';

const ready = (...addresses: string[]) => ({ addresses, conditions: { ready: true } });

const web = service('web', [
  { name: 'http', port: 80, targetPort: 8080 },
  { name: 'metrics', port: 9090 },
]);
const webSlices = [
  endpointSlice('web', [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }], [ready('10.0.0.2'), ready('10.0.0.1')]),
];

const cases: {
  name: string;
  reference: V1IngressBackend;
  services?: V1Service[];
  slices?: V1EndpointSlice[];
  expected: { name: string | null; endpoints?: Endpoint[]; problem?: RegExp };
}[] = [
  {
    name: 'port by number',
    reference: backend('web', 80),
    expected: { name: 'default.web.80', endpoints: [{ address: '10.0.0.1', port: 8080 }, { address: '10.0.0.2', port: 8080 }] },
  },
  {
    name: 'port by name',
    reference: backend('web', 'metrics'),
    expected: { name: 'default.web.metrics', endpoints: [{ address: '10.0.0.1', port: 9100 }, { address: '10.0.0.2', port: 9100 }] },
  },
  {
    name: 'unnamed Service port matches the unnamed slice port',
    reference: backend('solo', 8000),
    services: [service('solo', [{ port: 8000, targetPort: 3000 }])],
    slices: [endpointSlice('solo', [{ port: 3000 }], [ready('10.0.1.1')])],
    expected: { name: 'default.solo.8000', endpoints: [{ address: '10.0.1.1', port: 3000 }] },
  },
  {
    name: 'only ready, non-terminating endpoints; unset ready counts as ready',
    reference: backend('web', 80),
    slices: [
      endpointSlice('web', [{ name: 'http', port: 8080 }], [
        { addresses: ['10.0.0.1'], conditions: { ready: true } },
        { addresses: ['10.0.0.2'], conditions: { ready: false } },
        { addresses: ['10.0.0.3'], conditions: { ready: true, terminating: true } },
        { addresses: ['10.0.0.4'] },
        { addresses: ['10.0.0.5'], conditions: { serving: true, terminating: true } },
      ]),
    ],
    expected: { name: 'default.web.80', endpoints: [{ address: '10.0.0.1', port: 8080 }, { address: '10.0.0.4', port: 8080 }] },
  },
  {
    name: 'endpoints from several slices are merged, deduplicated, sorted; invalid addresses dropped',
    reference: backend('web', 80),
    slices: [
      endpointSlice('web', [{ name: 'http', port: 8080 }], [ready('10.0.0.9', 'not-an-ip'), ready('10.0.0.1')], 'web-a'),
      endpointSlice('web', [{ name: 'http', port: 8080 }], [ready('10.0.0.1'), ready('fd00::1')], 'web-b'),
      endpointSlice('other', [{ name: 'http', port: 8080 }], [ready('10.9.9.9')], 'other-a'),
    ],
    expected: {
      name: 'default.web.80',
      endpoints: [
        { address: '10.0.0.1', port: 8080 },
        { address: '10.0.0.9', port: 8080 },
        { address: 'fd00::1', port: 8080 },
      ],
    },
  },
  { name: 'missing Service', reference: backend('nope', 80), expected: { name: 'default.nope.80', endpoints: [], problem: /^Service "default\/nope" not found$/ } },
  { name: 'missing port number', reference: backend('web', 81), expected: { name: 'default.web.81', endpoints: [], problem: /^Service "default\/web" has no port "81"$/ } },
  { name: 'missing port name', reference: backend('web', 'grpc'), expected: { name: 'default.web.grpc', endpoints: [], problem: /has no port "grpc"/ } },
  {
    name: 'ExternalName Service with an invalid name',
    reference: backend('ext', 80),
    services: [{ metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'exa mple.org;' } }],
    expected: { name: 'default.ext.80', endpoints: [], problem: /invalid externalName "exa mple.org;"/ },
  },
  { name: 'resource backend', reference: { resource: { kind: 'Bucket', name: 'b', apiGroup: 'x.io' } }, expected: { name: null, problem: /^resource backends are not supported$/ } },
  { name: 'invalid service name', reference: backend('Web.x', 80), expected: { name: null, problem: /service name "Web.x" is not a valid DNS-1123 label/ } },
  { name: 'invalid port name', reference: backend('web', 'http_port'), expected: { name: null, problem: /service port name "http_port"/ } },
  { name: 'port number out of range', reference: backend('web', 70000), expected: { name: null, problem: /service port number "70000" is out of range/ } },
  { name: 'both port number and name', reference: { service: { name: 'web', port: { number: 80, name: 'http' } } }, expected: { name: null, problem: /exactly one of number and name/ } },
];

for (const { name, reference, services, slices, expected } of cases) {
  test(`backend: ${name}`, () => {
    const table = new BackendTable(snapshot({ services: services ?? [web], endpointSlices: slices ?? webSlices }));
    const use = table.use(reference, 'default');
    assert.equal(use.name, expected.name);
    if (expected.problem) assert.match(use.problem ?? '', expected.problem);
    else assert.equal(use.problem, null);
    if (use.name) {
      const [resolved] = table.backends([use.name]);
      assert.deepEqual(resolved, {
        name: expected.name,
        service: { kind: 'Service', namespace: 'default', name: reference.service?.name },
        endpoints: expected.endpoints,
        balancing: { strategy: 'round_robin' },
        routes: [],
      });
    }
  });
}

test('an ExternalName Service names host and port for apply to resolve (targetPort, else port, else the Ingress port)', () => {
  const ext = (ports?: object[]): object => ({ metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'Example.ORG', ports } });
  const cases: Array<[ports: object[] | undefined, port: number]> = [
    [[{ port: 80, targetPort: 8443 }], 8443],
    [[{ port: 80, targetPort: 'https' }], 80],
    [undefined, 80],
  ];
  for (const [ports, port] of cases) {
    const table = new BackendTable(snapshot({ services: [ext(ports) as never] }));
    assert.equal(table.use(backend('ext', 80), 'default').problem, null);
    assert.deepEqual(table.backends(['default.ext.80'])[0]?.externalName, { host: 'example.org', port });
  }
});

test('backends() returns each used backend once, sorted by name', () => {
  const table = new BackendTable(snapshot({ services: [web], endpointSlices: webSlices }));
  const names = [backend('web', 'metrics'), backend('web', 80), backend('web', 80)].map((ref) => table.use(ref, 'default').name ?? '');
  assert.deepEqual(table.backends(names).map((resolved) => resolved.name), ['default.web.80', 'default.web.metrics']);
});

test('a Service in another namespace is not used', () => {
  const table = new BackendTable(snapshot({ services: [service('web', [{ port: 80 }], 'prod')] }));
  assert.match(table.use(backend('web', 80), 'default').problem ?? '', /not found/);
});
