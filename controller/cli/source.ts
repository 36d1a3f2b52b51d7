/**
 * The source the flags name, and with the Kubernetes API its effects on the cluster: leader election,
 * Ingress status (leader only) and Events (every replica). The manifests source has no cluster to write to.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import type { Flags } from './flags.js';
import type { Store } from '../store/store.js';
import type { Problem } from '../model/types.js';
import type { AppliedSnapshot } from '../reconciler.js';
import { watchManifests } from '../sources/manifests.js';
import { watchApi } from '../sources/api.js';
import { KubeClient } from '../kube/client.js';
import { publishedAddresses } from '../status/addresses.js';
import { EventRecorder } from '../status/events.js';
import { IngressStatusWriter } from '../status/ingress-status.js';
import { LeaderElection } from '../status/leader.js';

export interface Source {
  /** Reconciler hooks (`onApplied`, `onProblems`). */
  applied(served: AppliedSnapshot): void;
  problems(problems: readonly Problem[]): void;
  close(): Promise<void>;
}

/** Resolves once the source's initial objects are all in the store; onLeaderChange is told when leadership moves. */
export async function startSource(flags: Flags, store: Store, log: Logger, onLeaderChange: (leading: boolean) => void = () => undefined): Promise<Source> {
  if (flags.manifests) {
    const manifests = await watchManifests(flags.manifests, store, log);
    return { applied: () => undefined, problems: () => undefined, close: () => manifests.close() };
  }
  // Loaded only here: @kubernetes/client-node (read for its kubeconfig handling) costs 60-80 MB of RSS, which the
  // manifests source has no use for.
  const { loadKubeConfig } = await import('../kube/config.js');
  const client = new KubeClient(loadKubeConfig(flags.kubeconfig));
  const api = await watchApi(client, store, { namespaces: flags.watchNamespaces, configMap: flags.configMap, annotationsPrefix: flags.annotationsPrefix }, log);

  const env = process.env;
  const identity = env.POD_NAME || `${hostname()}-${randomBytes(4).toString('hex')}`;
  const statusLog = log.child({ stage: 'status' });
  const status = new IngressStatusWriter({
    client,
    log: statusLog,
    addresses: () =>
      publishedAddresses(client, {
        publishStatusAddresses: flags.publishStatusAddresses,
        publishService: flags.publishService,
        nodeName: env.NODE_NAME || null,
        podName: env.POD_NAME || null,
        podNamespace: env.POD_NAMESPACE || null,
      }),
  });
  const events = new EventRecorder({ client, instance: identity, host: env.NODE_NAME || null, log: statusLog });
  const election = new LeaderElection({
    client,
    namespace: env.POD_NAMESPACE || 'default',
    name: flags.electionId,
    identity,
    leaseDurationMs: flags.electionLeaseDurationMs,
    log: statusLog,
    onChange: (leading) => {
      status.setLeading(leading);
      onLeaderChange(leading);
    },
  });
  return {
    applied: (served) => {
      status.applied(served);
      events.applied(served.ingresses);
    },
    problems: (problems) => events.problems(problems),
    async close() {
      status.close();
      events.close();
      await Promise.all([api.close(), election.stop()]);
    },
  };
}
