import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDataPlane } from './dataplane.js';
import { metricKey, splitCounterKey } from './key.js';

const KEY = metricKey({ namespace: 'shop', ingress: 'web', service: 'api', host: 'shop.example.com' });
const LABELS = 'namespace="shop",ingress="web",service="api",host="shop.example.com"';

test('a metric key splits back into its labels and the fields Lua appended', () => {
  assert.deepEqual(splitCounterKey(`r|${KEY}|GET|2xx`), {
    series: 'r',
    labels: { namespace: 'shop', ingress: 'web', service: 'api', host: 'shop.example.com' },
    rest: ['GET', '2xx'],
  });
  assert.equal(splitCounterKey('r|too|short'), null);
  assert.throws(() => metricKey({ namespace: 'a|b', ingress: '', service: '', host: '' }), /contains \|/);
});

test('Lua bucket counts become cumulative Prometheus buckets with sum and count', () => {
  const text = formatDataPlane({ buckets: [0.1, 1], counters: { [`d|${KEY}|1`]: 2, [`d|${KEY}|3`]: 1, [`D|${KEY}`]: 4.5 } });
  assert.match(text, /^# TYPE portico_request_duration_seconds histogram$/m);
  assert.ok(text.includes(`portico_request_duration_seconds_bucket{${LABELS},le="0.1"} 2\n`));
  assert.ok(text.includes(`portico_request_duration_seconds_bucket{${LABELS},le="1"} 2\n`));
  assert.ok(text.includes(`portico_request_duration_seconds_bucket{${LABELS},le="+Inf"} 3\n`));
  assert.ok(text.includes(`portico_request_duration_seconds_sum{${LABELS}} 4.5\n`));
  assert.ok(text.includes(`portico_request_duration_seconds_count{${LABELS}} 3\n`));
});

test('requests and bytes become counters; unknown or malformed keys are skipped', () => {
  const text = formatDataPlane({
    buckets: [1],
    counters: { [`r|${KEY}|GET|2xx`]: 7, [`o|${KEY}`]: 900, 'x|junk': 1, [`r|${KEY}|GET`]: 3, backends_version: 2 },
  });
  assert.ok(text.includes(`portico_requests_total{${LABELS},method="GET",status_class="2xx"} 7\n`));
  assert.ok(text.includes(`portico_response_bytes_total{${LABELS}} 900\n`));
  assert.equal(text.match(/^portico_requests_total/gm)?.length, 1);
  assert.doesNotMatch(text, /junk|backends_version/);
});
