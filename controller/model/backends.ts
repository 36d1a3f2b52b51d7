/** Ingress backend references → Services → ready endpoints from EndpointSlices. */
import type { V1EndpointSlice, V1IngressBackend, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Snapshot } from '../store/types.js';
import type { Backend, Endpoint } from './types.js';
import { compareText, namespaceOf } from './objects.js';
import { accept, type Checked, isDnsLabel, isDnsSubdomain, isIpAddress, isPortName, isPortNumber, quote, reject } from './validate.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

interface BackendRef {
  namespace: string;
  service: string;
  /** The Service port as the Ingress wrote it: its number or its name. */
  port: number | string;
}

export interface BackendUse {
  /** The backend a location or fallback uses; null when the reference itself is unusable. */
  name: string | null;
  /** What is wrong, if anything; a named backend with a problem has no endpoints and answers 503. */
  problem: string | null;
}

interface ResolvedEndpoints {
  endpoints: Endpoint[];
  externalName?: Backend['externalName'];
  problem: string | null;
}

function parseBackendRef(backend: V1IngressBackend | undefined, namespace: string): Checked<BackendRef> {
  if (backend?.resource) return reject('resource backends are not supported');
  const service = backend?.service;
  if (!service) return reject('no service is named');
  if (!isDnsLabel(service.name ?? '')) return reject(`service name ${quote(service.name ?? '')} is not a valid DNS-1123 label`);
  const { number, name } = service.port ?? {};
  if ((number === undefined) === (name === undefined)) return reject('service port needs exactly one of number and name');
  if (number !== undefined && !isPortNumber(number)) return reject(`service port number ${quote(number)} is out of range`);
  if (name !== undefined && !isPortName(name)) return reject(`service port name ${quote(name)} is not a valid port name`);
  return accept({ namespace, service: service.name ?? '', port: number ?? name ?? '' });
}

/**
 * ExternalName Services proxy to a DNS name, which the model (pure) cannot resolve: it names host and
 * port, and apply turns them into endpoints. The port is the Service port's numeric targetPort, else its
 * port, else the number the Ingress gave.
 */
function externalName(service: V1Service, ref: BackendRef, key: string): ResolvedEndpoints {
  const host = (service.spec?.externalName ?? '').toLowerCase();
  if (!isDnsSubdomain(host)) return { endpoints: [], problem: `Service ${quote(key)} has an invalid externalName ${quote(host)}` };
  const servicePort = findServicePort(service, ref);
  const target = servicePort?.targetPort;
  const port = isPortNumber(target) ? target : servicePort?.port ?? ref.port;
  if (!isPortNumber(port)) return { endpoints: [], problem: `Service ${quote(key)} has no port ${quote(ref.port)}` };
  return { endpoints: [], externalName: { host, port }, problem: null };
}

function findServicePort(service: V1Service, ref: BackendRef): V1ServicePort | undefined {
  return service.spec?.ports?.find((port) => (typeof ref.port === 'number' ? port.port === ref.port : port.name === ref.port));
}

/** Ready, non-terminating addresses × the slice port that carries the Service port (matched by name; '' for unnamed). */
function sliceEndpoints(slices: readonly V1EndpointSlice[], servicePort: V1ServicePort): Endpoint[] {
  const portName = servicePort.name ?? '';
  const unique = new Map<string, Endpoint>();
  for (const slice of slices) {
    const port = slice.ports?.find((slicePort) => (slicePort.name ?? '') === portName)?.port;
    if (!isPortNumber(port)) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false || endpoint.conditions?.terminating === true) continue;
      for (const address of endpoint.addresses ?? []) {
        if (isIpAddress(address)) unique.set(`${address} ${port}`, { address, port });
      }
    }
  }
  return [...unique.values()].sort((a, b) => compareText(a.address, b.address) || a.port - b.port);
}

/** Resolves backend references against one snapshot, each backend once. */
export class BackendTable {
  readonly #services = new Map<string, V1Service>();
  readonly #slicesByService = new Map<string, V1EndpointSlice[]>();
  readonly #resolved = new Map<string, { backend: Backend; problem: string | null }>();

  constructor(snapshot: Snapshot) {
    for (const service of snapshot.services) {
      this.#services.set(`${namespaceOf(service)}/${service.metadata?.name}`, service);
    }
    for (const slice of snapshot.endpointSlices) {
      const serviceName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (!serviceName) continue;
      const key = `${namespaceOf(slice)}/${serviceName}`;
      const slices = this.#slicesByService.get(key);
      if (slices) slices.push(slice);
      else this.#slicesByService.set(key, [slice]);
    }
  }

  /**
   * The backend for an Ingress's backend reference, resolved in the Ingress's namespace. With `clusterIp`
   * (`service-upstream`) its one endpoint is the Service's cluster IP and port, named `<backend>.cluster-ip`.
   */
  use(reference: V1IngressBackend | undefined, namespace: string, options: { clusterIp?: boolean } = {}): BackendUse {
    const parsed = parseBackendRef(reference, namespace);
    if (!parsed.ok) return { name: null, problem: parsed.reason };
    const ref = parsed.value;
    const name = `${ref.namespace}.${ref.service}.${ref.port}${options.clusterIp ? '.cluster-ip' : ''}`;
    let resolved = this.#resolved.get(name);
    if (!resolved) {
      const { endpoints, externalName, problem } = options.clusterIp ? this.#clusterIp(ref) : this.#endpoints(ref);
      const service = { kind: 'Service', namespace: ref.namespace, name: ref.service };
      // Balancing and lanes come from annotations; build.ts fills them in once every Ingress is read.
      const backend: Backend = { name, service, endpoints, balancing: { strategy: 'round_robin' }, routes: [] };
      if (externalName) backend.externalName = externalName;
      resolved = { backend, problem };
      this.#resolved.set(name, resolved);
    }
    return { name, problem: resolved.problem };
  }

  /** A Service named without a port (`default-backend`, `--default-backend-service`): its first port, as ingress-nginx does. */
  useService(namespace: string, name: string): BackendUse {
    const port = this.#services.get(`${namespace}/${name}`)?.spec?.ports?.[0]?.port;
    if (port === undefined) return { name: null, problem: `Service ${quote(`${namespace}/${name}`)} not found or has no port` };
    return this.use({ service: { name, port: { number: port } } }, namespace);
  }

  /** The backends with these names (all previously returned by `use`), sorted by name. */
  backends(names: Iterable<string>): Backend[] {
    return [...new Set(names)]
      .sort(compareText)
      .flatMap((name) => this.#resolved.get(name)?.backend ?? []);
  }

  #endpoints(ref: BackendRef): ResolvedEndpoints {
    const key = `${ref.namespace}/${ref.service}`;
    const service = this.#services.get(key);
    if (!service) return { endpoints: [], problem: `Service ${quote(key)} not found` };
    if (service.spec?.type === 'ExternalName') return externalName(service, ref, key);
    const servicePort = findServicePort(service, ref);
    if (!servicePort) return { endpoints: [], problem: `Service ${quote(key)} has no port ${quote(ref.port)}` };
    return { endpoints: sliceEndpoints(this.#slicesByService.get(key) ?? [], servicePort), problem: null };
  }

  #clusterIp(ref: BackendRef): ResolvedEndpoints {
    const key = `${ref.namespace}/${ref.service}`;
    const service = this.#services.get(key);
    const servicePort = service && findServicePort(service, ref);
    const address = service?.spec?.clusterIP ?? '';
    if (!servicePort || !isIpAddress(address)) {
      return { endpoints: [], problem: `service-upstream: Service ${quote(key)} has no cluster IP or no port ${quote(ref.port)}` };
    }
    return { endpoints: [{ address, port: servicePort.port }], problem: null };
  }
}
