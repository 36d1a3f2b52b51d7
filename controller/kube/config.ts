/** Where the API server and its credentials come from: --kubeconfig, KUBECONFIG, ~/.kube/config, or the pod's service account. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { PorticoError } from '../errors.js';

export function loadKubeConfig(file: string | null): KubeConfig {
  const config = new KubeConfig();
  if (file) {
    config.loadFromFile(file);
  } else if (process.env.KUBECONFIG || existsSync(join(homedir(), '.kube', 'config'))) {
    config.loadFromDefault();
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    config.loadFromCluster();
  } else {
    throw new PorticoError('FLAG', 'no source: pass --manifests DIR, or --kubeconfig FILE (or KUBECONFIG), or run in a pod');
  }
  if (!config.getCurrentCluster()) throw new PorticoError('FLAG', 'the kubeconfig has no current context with a cluster');
  return config;
}
