// The conformance scenarios (test/helpers/conformance.ts) with the Kubernetes API as the source:
// the objects are created over HTTP on the test API server before Portico starts.
import { after, before } from 'node:test';
import { startPortico, type Portico } from '../helpers/portico.js';
import { conformanceTests, startConformanceFixture, type ConformanceFixture } from '../helpers/conformance.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { apply } from '../helpers/api-client.js';

let api: ApiServer;
let portico: Portico;
let fixture: ConformanceFixture;

before(async () => {
  fixture = await startConformanceFixture();
  api = await startApiServer();
  await apply(api.url, ...Object.values(fixture.manifests).flat());
  portico = await startPortico({ kubeconfig: await api.kubeconfig() });
});

after(async () => {
  await portico?.stop();
  await api?.stop();
  await Promise.all((fixture?.backends ?? []).map((backend) => backend.stop()));
});

conformanceTests(() => ({ portico, backends: fixture.backends }));
