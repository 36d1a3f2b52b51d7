/**
 * The addresses written into `status.loadBalancer.ingress`, in order of precedence:
 * `--publish-status-address`; else the load-balancer addresses of `--publish-service`; else the nodes
 * running Portico pods: the pods in $POD_NAMESPACE carrying this pod's labels (a DaemonSet's or
 * Deployment's siblings) plus $NODE_NAME, each node by its ExternalIP, else its InternalIP.
 */
import { isIP } from 'node:net';
import type { V1LoadBalancerIngress, V1Node, V1Pod, V1PodList, V1Service } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.js';
import { RESOURCES, resourcePath } from '../kube/resources.js';
import { compareText } from '../model/objects.js';

export interface AddressOptions {
  publishStatusAddresses: readonly string[];
  /** `namespace/name` */
  publishService: string | null;
  /** From the downward API: NODE_NAME, POD_NAME, POD_NAMESPACE. */
  nodeName: string | null;
  podName: string | null;
  podNamespace: string | null;
}

/** Labels a controller adds per revision: siblings from another revision (mid rolling update) differ in them. */
const REVISION_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation']);

export type LoadBalancerIngress = Pick<V1LoadBalancerIngress, 'ip' | 'hostname'>;

export async function publishedAddresses(client: KubeClient, options: AddressOptions): Promise<LoadBalancerIngress[]> {
  if (options.publishStatusAddresses.length > 0) return canonical(options.publishStatusAddresses.map(toIngress));
  if (options.publishService) {
    const [namespace = '', name = ''] = options.publishService.split('/');
    const service = await client.request<V1Service>('GET', resourcePath(RESOURCES.Service, namespace, name));
    const balancer = (service.status?.loadBalancer?.ingress ?? []).map(({ ip, hostname }) => (ip ? { ip } : { hostname }));
    return canonical([...balancer, ...(service.spec?.externalIPs ?? []).map(toIngress)]);
  }
  const nodes = new Set(await siblingNodes(client, options));
  if (options.nodeName) nodes.add(options.nodeName);
  const addresses = await Promise.all([...nodes].map((node) => nodeAddress(client, node)));
  return canonical(addresses.flatMap((address) => (address ? [toIngress(address)] : [])));
}

/** Nodes running a pod with this pod's labels (revision labels aside) in its namespace. */
async function siblingNodes(client: KubeClient, options: AddressOptions): Promise<string[]> {
  if (!options.podName || !options.podNamespace) return [];
  const self = await client.request<V1Pod>('GET', resourcePath(RESOURCES.Pod, options.podNamespace, options.podName));
  const labels = Object.entries(self.metadata?.labels ?? {}).filter(([key]) => !REVISION_LABELS.has(key));
  if (labels.length === 0) return self.spec?.nodeName ? [self.spec.nodeName] : [];
  const selector = labels.map(([key, value]) => `${key}=${value}`).join(',');
  const pods = await client.request<V1PodList>('GET', `${resourcePath(RESOURCES.Pod, options.podNamespace)}?${new URLSearchParams({ labelSelector: selector })}`);
  return pods.items.filter((pod) => pod.status?.phase === 'Running' && pod.spec?.nodeName).map((pod) => pod.spec?.nodeName ?? '');
}

async function nodeAddress(client: KubeClient, name: string): Promise<string | null> {
  const node = await client.request<V1Node>('GET', resourcePath(RESOURCES.Node, null, name));
  const addresses = node.status?.addresses ?? [];
  return (addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'InternalIP'))?.address ?? null;
}

function toIngress(address: string): LoadBalancerIngress {
  return isIP(address) ? { ip: address } : { hostname: address };
}

/** Deduplicated, sorted: the same set of addresses always compares (and is written) the same. */
export function canonical(entries: readonly LoadBalancerIngress[]): LoadBalancerIngress[] {
  const byKey = new Map(entries.filter((entry) => entry.ip || entry.hostname).map((entry) => [entry.ip ?? entry.hostname ?? '', entry]));
  return [...byKey.keys()].sort(compareText).map((key) => byKey.get(key) as LoadBalancerIngress);
}
