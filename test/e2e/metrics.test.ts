// The status port: /healthz, /readyz and /metrics, whose data-plane series count the real requests OpenResty answered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, type Backend } from '../helpers/processes.js';
import { get, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';
import { startApp, type AppWorld } from '../helpers/app.js';

let world: AppWorld;
let portico: Portico;
let backends: Backend[] = [];

async function metrics(): Promise<string> {
  const answer = await get(portico, { path: '/metrics', port: portico.statusPort });
  assert.equal(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return answer.body;
}

/** The value of one sample, by its exact name and label text; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const ROUTE = 'namespace="default",ingress="app",service="app",host="app.example.com"';

before(async () => {
  world = await startApp({ pods: ['127.0.6.1', '127.0.6.2'], servicePods: ['127.0.6.1'] });
  ({ portico, backends } = world);
});

after(() => world?.stop());

test('/healthz and /readyz answer 200 once the first configuration is served', async () => {
  assert.equal((await get(portico, { path: '/healthz', port: portico.statusPort })).status, 200);
  assert.equal((await get(portico, { path: '/readyz', port: portico.statusPort })).status, 200);
});

test('/metrics counts the requests OpenResty answered, by route, method and status class', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await get(portico, { host: 'app.example.com', path: `/get${i}` })).status, 200);
  assert.equal((await get(portico, { host: 'app.example.com', method: 'POST', body: 'hello' })).status, 200);
  assert.equal((await get(portico, { host: 'app.example.com', method: 'PROPFIND' })).status, 200);
  assert.equal((await get(portico, { host: 'unknown.example.com' })).status, 404);

  // Each worker adds its counts to the shared dict once a second: poll until every request is in.
  let text = '';
  await eventually('all six requests counted', async () => {
    text = await metrics();
    const durations = sample(text, `portico_request_duration_seconds_count{${ROUTE}}`);
    return durations === 5 && sample(text, 'portico_requests_total{namespace="",ingress="",service="",host="",method="GET",status_class="4xx"}') === 1;
  });
  assert.equal(sample(text, `portico_requests_total{${ROUTE},method="GET",status_class="2xx"}`), 3);
  assert.equal(sample(text, `portico_requests_total{${ROUTE},method="POST",status_class="2xx"}`), 1);
  // Methods outside the standard set share one series, so clients cannot create series at will.
  assert.equal(sample(text, `portico_requests_total{${ROUTE},method="OTHER",status_class="2xx"}`), 1);
  assert.equal(sample(text, 'portico_requests_total{namespace="",ingress="",service="",host="",method="GET",status_class="4xx"}'), 1);
  assert.equal(sample(text, `portico_request_duration_seconds_count{${ROUTE}}`), 5);
  assert.equal(sample(text, `portico_request_duration_seconds_bucket{${ROUTE},le="+Inf"}`), 5);
  assert.equal(sample(text, `portico_upstream_response_seconds_count{${ROUTE}}`), 5);
  assert.ok((sample(text, `portico_response_bytes_total{${ROUTE}}`) ?? 0) > 5 * 100, 'response bytes counted');
  assert.ok((sample(text, `portico_request_bytes_total{${ROUTE}}`) ?? 0) > 5 * 30, 'request bytes counted');
});

test('/metrics reports reloads, the configuration served and the stages timings', async () => {
  const text = await metrics();
  assert.equal(sample(text, 'portico_reloads_total'), 1);
  assert.equal(sample(text, 'portico_reload_failures_total'), 0);
  assert.match(text, /^portico_configuration_info\{hash="[0-9a-f]{64}"\} 1$/m);
  assert.ok((sample(text, 'portico_last_reload_success_timestamp_seconds') ?? 0) > Date.now() / 1000 - 600);
  assert.ok((sample(text, 'portico_sync_duration_seconds_count') ?? 0) >= 1);
  assert.ok((sample(text, 'portico_render_duration_seconds_count') ?? 0) >= 1);
  assert.equal(sample(text, 'portico_reload_duration_seconds_count'), 1);
  assert.ok((sample(text, 'portico_source_events_total{source="manifests",kind="Ingress",event="replace"}') ?? 0) >= 1);
  assert.equal(sample(text, 'portico_leader'), 0);
});

test('an endpoint-only change is counted as a backend update, not a reload', async () => {
  const before = sample(await metrics(), 'portico_backend_updates_total') ?? 0;
  const port = backends[0]!.port;
  await portico.writeManifest('app.yaml', [
    ingressClass('portico'),
    ...service('app', ['127.0.6.1', '127.0.6.2'], { ports: [{ port: 80, targetPort: port }] }),
    ingress('app', [{ host: 'app.example.com', paths: [{ path: '/', service: 'app' }] }]),
  ]);
  await eventually('backend update counted', async () => (sample(await metrics(), 'portico_backend_updates_total') ?? 0) > before);
  assert.equal(sample(await metrics(), 'portico_reloads_total'), 1);
});
