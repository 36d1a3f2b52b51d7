// The conformance scenarios (test/helpers/conformance.ts) with a manifests directory as the source.
import { after, before } from 'node:test';
import { startPortico, type Portico } from '../helpers/portico.js';
import { conformanceTests, startConformanceFixture, type ConformanceFixture } from '../helpers/conformance.js';

let portico: Portico;
let fixture: ConformanceFixture;

before(async () => {
  fixture = await startConformanceFixture();
  portico = await startPortico({ manifests: fixture.manifests });
});

after(async () => {
  await portico?.stop();
  await Promise.all((fixture?.backends ?? []).map((backend) => backend.stop()));
});

conformanceTests(() => ({ portico, backends: fixture.backends }));
