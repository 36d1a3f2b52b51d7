import { freePort, startBackends, type Backend } from './processes.js';
import { startPortico, type Portico, type StartOptions } from './portico.js';
import { ingress, ingressClass, service } from './manifests.js';

export const APP_HOST = 'app.example.com';

export interface AppWorld {
  portico: Portico;
  /** One backend process per pod, all on `port`. */
  backends: Backend[];
  port: number;
  stop(): Promise<void>;
}

/**
 * The world most end-to-end tests start from: IngressClass `portico`, Service `app` whose endpoints are
 * `servicePods` (default: all `pods`), and Ingress `app` routing APP_HOST to it; plus any other manifests.
 */
export async function startApp(options: StartOptions & { pods: string[]; servicePods?: string[] }): Promise<AppWorld> {
  const port = await freePort();
  const backends = await startBackends(options.pods, port);
  const portico = await startPortico({
    ...options,
    manifests: {
      'app.yaml': [
        ingressClass('portico'),
        ...service('app', options.servicePods ?? options.pods, { ports: [{ port: 80, targetPort: port }] }),
        ingress('app', [{ host: APP_HOST, paths: [{ path: '/', service: 'app' }] }]),
      ],
      ...options.manifests,
    },
  }).catch(async (err: unknown) => {
    await Promise.all(backends.map((backend) => backend.stop()));
    throw err;
  });
  return {
    portico,
    backends,
    port,
    async stop() {
      await portico.stop();
      await Promise.all(backends.map((backend) => backend.stop()));
    },
  };
}
