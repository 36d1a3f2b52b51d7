/** Builders for the Kubernetes objects model tests feed to buildModel. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  V1Endpoint,
  V1EndpointSlice,
  V1HTTPIngressPath,
  V1Ingress,
  V1IngressBackend,
  V1IngressClass,
  V1IngressRule,
  V1IngressSpec,
  V1Secret,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import type { Snapshot } from '../../store/types.js';
import type { ModelOptions } from '../types.js';

export const OPTIONS: ModelOptions = {
  controllerClass: 'portico.dev/ingress-controller',
  ingressClass: 'portico',
  watchIngressWithoutClass: false,
  defaultSslCertificate: null,
  annotationsPrefix: 'nginx.ingress.kubernetes.io',
  defaultBackendService: null,
  configMap: null,
};

interface Meta {
  namespace?: string;
  /** creationTimestamp; all default to the same instant so name order decides. */
  created?: string;
  annotations?: Record<string, string>;
}

export function ingressClass(name: string, controller = OPTIONS.controllerClass, annotations?: Record<string, string>): V1IngressClass {
  return { metadata: { name, annotations }, spec: { controller } };
}

/** A snapshot holding our `portico` IngressClass unless other classes are given. */
export function snapshot(parts: Partial<Snapshot>): Snapshot {
  return {
    ingresses: [],
    ingressClasses: [ingressClass('portico')],
    services: [],
    endpointSlices: [],
    secrets: [],
    configMaps: [],
    ...parts,
  };
}

/** An Ingress of class `portico` unless spec says otherwise. */
export function ingress(name: string, spec: V1IngressSpec, meta: Meta = {}): V1Ingress {
  return {
    metadata: {
      name,
      namespace: meta.namespace ?? 'default',
      creationTimestamp: new Date(meta.created ?? '2024-01-01T00:00:00Z'),
      annotations: meta.annotations,
    },
    spec: { ingressClassName: 'portico', ...spec },
  };
}

export function backend(service: string, port: number | string = 80): V1IngressBackend {
  return { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } };
}

export function httpPath(pathType: string, path: string, service: string, port: number | string = 80): V1HTTPIngressPath {
  return { pathType, path, backend: backend(service, port) };
}

export function rule(host: string | undefined, ...paths: V1HTTPIngressPath[]): V1IngressRule {
  return { host, http: { paths } };
}

export function service(name: string, ports: V1ServicePort[], namespace = 'default'): V1Service {
  return { metadata: { name, namespace }, spec: { ports } };
}

export function endpointSlice(
  serviceName: string,
  ports: { name?: string; port: number }[],
  endpoints: V1Endpoint[],
  sliceName = `${serviceName}-abc`,
): V1EndpointSlice {
  return {
    metadata: { name: sliceName, namespace: 'default', labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports,
    endpoints,
  };
}

export function tlsSecret(name: string, certPem: string, keyPem: string, type = 'kubernetes.io/tls'): V1Secret {
  return {
    metadata: { name, namespace: 'default' },
    type,
    data: { 'tls.crt': Buffer.from(certPem).toString('base64'), 'tls.key': Buffer.from(keyPem).toString('base64') },
  };
}

/** A fresh self-signed EC certificate and its key, made by openssl in a temporary directory it removes. */
export function generateKeyPair(commonName: string): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portico-model-'));
  try {
    const keyFile = join(dir, 'tls.key');
    const certFile = join(dir, 'tls.crt');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${commonName}`,
    ], { stdio: 'ignore' });
    return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
