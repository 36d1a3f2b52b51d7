// Bad input gets a clear log line naming the object and the reason, and loses nothing: everything else
// keeps serving and the last good configuration stays loaded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/processes.js';
import { get, type LogRecord, type Portico } from '../helpers/portico.js';
import { ingress } from '../helpers/manifests.js';
import { startApp, type AppWorld } from '../helpers/app.js';

let world: AppWorld;
let portico: Portico;

const WARN = 40;

async function stillServing(): Promise<void> {
  const answer = await get(portico, { host: 'app.example.com', path: '/still' });
  assert.equal(answer.status, 200, 'the good Ingress stopped serving');
}

function rejection(objectName: string, reason: RegExp): (record: LogRecord) => boolean {
  return (record) =>
    record.level >= WARN &&
    (record.object as { name?: string } | undefined)?.name === objectName &&
    reason.test(String(record.reason));
}

before(async () => {
  world = await startApp({ pods: ['127.0.6.1'] });
  portico = world.portico;
});

after(() => world?.stop());

test('an unparsable manifest file is logged with its name and position; the rest keeps serving', async () => {
  await portico.writeManifest('broken.yaml', 'kind: Ingress\nmetadata: {name: x\n  bad: [\n');
  const record = await portico.waitForLog('parse error', (r) => String(r.file ?? '').endsWith('broken.yaml'));
  assert.equal(record.level, 50);
  assert.match(JSON.stringify(record.err), /broken\.yaml.*line \d+/);
  await stillServing();
});

test('an Ingress naming a missing Service is reported; its host answers 503; the rest keeps serving', async () => {
  await portico.writeManifest('missing.yaml', [ingress('missing', [{ host: 'missing.example.com', paths: [{ path: '/', service: 'nope' }] }])]);
  await portico.waitForLog('missing Service problem', rejection('missing', /Service "default\/nope" not found/));
  await eventually('503 on the host whose Service is missing', async () => (await get(portico, { host: 'missing.example.com' })).status === 503);
  await stillServing();
});

test('a malformed TLS Secret is reported; its host falls back to the default certificate', async () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bad-tls', namespace: 'default' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from('not a certificate').toString('base64'), 'tls.key': Buffer.from('nor a key').toString('base64') },
  };
  await portico.writeManifest('bad-tls.yaml', [
    secret,
    ingress('bad-tls', [{ host: 'bad-tls.example.com', paths: [{ path: '/', service: 'app' }] }], {
      tls: [{ hosts: ['bad-tls.example.com'], secretName: 'bad-tls' }],
    }),
  ]);
  await portico.waitForLog('bad TLS Secret problem', rejection('bad-tls', /bad-tls/));
  const answer = await eventually('bad-tls host served', async () => {
    const served = await get(portico, { host: 'bad-tls.example.com', https: true });
    return served.status === 200 && served;
  });
  assert.equal(answer.certificate?.subject.CN, 'Portico Default Certificate');
  await stillServing();
});

test('a path that could inject configuration is rejected; the other paths of the Ingress still serve', async () => {
  await portico.writeManifest('hostile.yaml', [
    ingress('hostile', [
      {
        host: 'hostile.example.com',
        paths: [
          { path: '/ok', service: 'app' },
          { path: '/x { return 200 "pwned"; } location /y', service: 'app' },
        ],
      },
    ]),
  ]);
  await portico.waitForLog('hostile path problem', rejection('hostile', /path/));
  await eventually('the valid path served', async () => (await get(portico, { host: 'hostile.example.com', path: '/ok' })).status === 200);
  const probe = await get(portico, { host: 'hostile.example.com', path: '/x' });
  assert.notEqual(probe.body, 'pwned');
  await stillServing();
});
