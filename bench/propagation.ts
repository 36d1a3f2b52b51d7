/**
 * Endpoint propagation: endpoint changes in a row through the manifests source or the API source, timed
 * until traffic follows.
 */
import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually, freePort } from '../test/helpers/processes.js';
import { startPortico, type LogRecord, type Portico } from '../test/helpers/portico.js';
import { ingress, ingressClass, service } from '../test/helpers/manifests.js';
import { startApiServer } from '../test/helpers/api-server.js';
import { apply } from '../test/helpers/api-client.js';
import { startFastBackends } from './nginx.js';
import { percentile } from './system.js';

export interface PropagationResult {
  changes: number;
  /** From the controller seeing the change (its store changed) to the first request served by the new set. */
  p50_ms: number;
  p99_ms: number;
  reloads: number;
  /**
   * The same, measured from the write: for the manifests source from the start of the file write (includes
   * the file watcher's settle time), for the API source from the return of the EndpointSlice's PUT.
   */
  from_write_p50_ms: number;
  from_write_p99_ms: number;
}

const PODS = ['127.0.6.1', '127.0.6.2', '127.0.6.3', '127.0.6.4'];
const HOST = 'churn.example.com';

/** Sends one request after another on a keepalive connection and notes when each pod first answers. */
class Poller {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly waiting = new Map<string, (at: number) => void>();
  private running = true;
  private readonly done: Promise<void>;

  constructor(private readonly port: number) {
    this.done = this.loop();
  }

  /** Resolves with the time (epoch ms) of the first answer from `pod` after this call. */
  firstAnswerFrom(pod: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(pod, resolve));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.agent.destroy();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const pod = await this.get().catch(() => '');
      const at = performance.timeOrigin + performance.now();
      this.waiting.get(pod)?.(at);
      this.waiting.delete(pod);
      // A short pause keeps this loop from taking a whole core from the controller it measures.
      await delay(1);
    }
  }

  private get(): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: '/', headers: { host: HOST }, agent: this.agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body.trim()));
      });
      req.setTimeout(2000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }
}

function churnService(pod: string, port: number): object[] {
  return service('churn', [pod], { ports: [{ port: 80, targetPort: port }] });
}

const CHURN_INGRESS = ingress('churn', [{ host: HOST, paths: [{ path: '/', service: 'churn' }] }]);

/** A running controller and how to move the churn Service's only endpoint through its source. */
interface ChurnSource {
  portico: Portico;
  /** Moves the endpoint to `pod`; resolves with the moment (epoch ms) the write counts from. */
  move(pod: string): Promise<number>;
  stop(): Promise<void>;
}

async function throughManifests(port: number): Promise<ChurnSource> {
  const portico = await startPortico({
    manifests: { 'class.yaml': [ingressClass('portico'), CHURN_INGRESS], 'churn.yaml': churnService(PODS[0] ?? '', port) },
  });
  return {
    portico,
    move: async (pod) => {
      const writtenAt = Date.now();
      await portico.writeManifest('churn.yaml', churnService(pod, port));
      return writtenAt;
    },
    stop: () => portico.stop(),
  };
}

async function throughApi(port: number): Promise<ChurnSource> {
  const api = await startApiServer();
  await apply(api.url, ingressClass('portico'), CHURN_INGRESS, ...churnService(PODS[0] ?? '', port));
  const portico = await startPortico({ kubeconfig: await api.kubeconfig() }).catch(async (err: unknown) => {
    await api.stop();
    throw err;
  });
  return {
    portico,
    move: async (pod) => {
      // Only the EndpointSlice (the second object): an unchanged Service would be one more watch event.
      await apply(api.url, churnService(pod, port)[1] ?? {});
      return Date.now();
    },
    stop: async () => {
      await portico.stop();
      await api.stop();
    },
  };
}

function pushedAfter(portico: Portico, startedAt: number): LogRecord | undefined {
  return portico.logs.find((record) => record.msg === 'backends updated without reload' && Number(record.changeSeenAt) >= Math.floor(startedAt));
}

async function churn(source: ChurnSource, poller: Poller, changes: number): Promise<PropagationResult> {
  const { portico } = source;
  await poller.firstAnswerFrom(PODS[0] ?? '');
  const reloadsBefore = portico.reloads();
  const fromSeen: number[] = [];
  const fromWrite: number[] = [];
  for (let change = 1; change <= changes; change++) {
    const pod = PODS[change % PODS.length] ?? '';
    const served = poller.firstAnswerFrom(pod);
    // The API source may see the change before the write's answer arrives: its push is looked up from here.
    const startedAt = Date.now();
    const writtenAt = await source.move(pod);
    const servedAt = await Promise.race([served, delay(10_000).then(() => Promise.reject(new Error(`change ${change} not served in 10 s`)))]);
    const pushed = await eventually(`push log of change ${change}`, () => pushedAfter(portico, startedAt), 5000);
    fromSeen.push(servedAt - Number(pushed.changeSeenAt));
    fromWrite.push(servedAt - writtenAt);
  }
  const ms = (value: number): number => Number(value.toFixed(1));
  return {
    changes,
    p50_ms: ms(percentile(fromSeen, 50)),
    p99_ms: ms(percentile(fromSeen, 99)),
    reloads: portico.reloads() - reloadsBefore,
    from_write_p50_ms: ms(percentile(fromWrite, 50)),
    from_write_p99_ms: ms(percentile(fromWrite, 99)),
  };
}

export async function benchPropagation(options: { changes: number }, through: 'manifests' | 'api' = 'manifests'): Promise<PropagationResult> {
  const port = await freePort();
  const backends = await startFastBackends(PODS, port);
  const source = await (through === 'api' ? throughApi(port) : throughManifests(port)).catch(async (err: unknown) => {
    await backends.stop();
    throw err;
  });
  const poller = new Poller(source.portico.httpPort);
  try {
    return await churn(source, poller, options.changes);
  } finally {
    await poller.stop();
    await source.stop();
    await backends.stop();
  }
}
