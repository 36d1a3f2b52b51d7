import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Builders for the Kubernetes objects tests write as manifests; each returns plain API-shaped data. */

export function ingressClass(name = 'portico', options: { isDefault?: boolean; controller?: string } = {}): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(options.isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller: options.controller ?? 'portico.dev/ingress-controller' },
  };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number;
}

/** A Service and the EndpointSlice of its pods (all ready unless listed in `notReady`). */
export function service(
  name: string,
  pods: string[],
  options: { namespace?: string; ports?: ServicePort[]; notReady?: string[]; terminating?: string[] } = {},
): object[] {
  const namespace = options.namespace ?? 'default';
  const ports = options.ports ?? [{ port: 80, targetPort: 8080 }];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.targetPort, protocol: 'TCP' })) },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-abc12`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : { name: '' }), port: p.targetPort, protocol: 'TCP' })),
      endpoints: pods.map((address) => ({
        addresses: [address],
        conditions: {
          ready: !(options.notReady ?? []).includes(address) && !(options.terminating ?? []).includes(address),
          terminating: (options.terminating ?? []).includes(address),
        },
      })),
    },
  ];
}

export interface Rule {
  host?: string;
  paths: Array<{ path: string; pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific'; service: string; port?: number | string }>;
}

export function ingress(
  name: string,
  rules: Rule[],
  options: {
    namespace?: string;
    className?: string | null;
    annotations?: Record<string, string>;
    defaultBackend?: { service: string; port?: number | string };
    tls?: Array<{ hosts: string[]; secretName: string }>;
    createdAt?: string;
  } = {},
): object {
  const backend = (service: string, port: number | string = 80): object => ({
    service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } },
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      ...(options.annotations ? { annotations: options.annotations } : {}),
      ...(options.createdAt ? { creationTimestamp: options.createdAt } : {}),
    },
    spec: {
      ...(options.className === null ? {} : { ingressClassName: options.className ?? 'portico' }),
      ...(options.defaultBackend ? { defaultBackend: backend(options.defaultBackend.service, options.defaultBackend.port) } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      rules: rules.map((rule) => ({
        ...(rule.host ? { host: rule.host } : {}),
        http: {
          paths: rule.paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: backend(p.service, p.port) })),
        },
      })),
    },
  };
}

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate for `hosts` (first one is the CN), made with openssl for this test run. */
export function selfSigned(hosts: string[]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'portico-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', `/CN=${hosts[0]}`,
      '-addext', `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
      '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'),
    ], { stdio: 'ignore' });
    return { certPem: readFileSync(join(dir, 'tls.crt'), 'utf8'), keyPem: readFileSync(join(dir, 'tls.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function tlsSecret(name: string, certificate: TestCertificate, namespace = 'default'): object {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(certificate.certPem).toString('base64'),
      'tls.key': Buffer.from(certificate.keyPem).toString('base64'),
    },
  };
}
