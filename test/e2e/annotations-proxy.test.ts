// How the proxy annotations change what real requests do through real OpenResty: response and request buffering,
// the response-header buffer, retries on another endpoint (and their limits), the upstream HTTP version, the
// request-body buffer and the Connection header sent upstream. Each case is one Ingress on a host of its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually, freePort, startBackends, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, service } from '../helpers/manifests.js';

const A = 'nginx.ingress.kubernetes.io';
const POD = { echo: '127.0.9.1', failing: '127.0.9.2', healthy: '127.0.9.3', slow: ['127.0.9.4', '127.0.9.5', '127.0.9.6'] };
let port: number;
let portico: Portico;
let backends: Backend[] = [];

const route = (host: string, serviceName: string, annotations: Record<string, string> = {}) =>
  ingress(host.replace(/\./g, '-'), [{ host, paths: [{ path: '/', service: serviceName }] }], { annotations: Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`${A}/${key}`, value])) });

before(async () => {
  port = await freePort();
  backends = await startBackends([POD.echo, POD.failing, POD.healthy, ...POD.slow], port);
  const svc = (name: string, pods: string[]) => service(name, pods, { ports: [{ port: 80, targetPort: port }] });
  const retry503 = { 'proxy-next-upstream': 'error timeout http_503' };
  const slowRetries = { 'proxy-read-timeout': '1', 'proxy-next-upstream': 'error timeout' };
  portico = await startPortico({
    manifests: {
      'class.yaml': [ingressClass('portico')],
      'services.yaml': [...svc('echo', [POD.echo]), ...svc('pair', [POD.failing, POD.healthy]), ...svc('slow', POD.slow)],
      'ingresses.yaml': [
        route('streamed.test', 'echo'),
        route('buffered.test', 'echo', { 'proxy-buffering': 'on' }),
        route('small-header-buffer.test', 'echo', { 'proxy-buffer-size': '4k' }),
        route('large-header-buffer.test', 'echo', { 'proxy-buffer-size': '16k' }),
        route('request-streamed.test', 'echo', { 'proxy-request-buffering': 'off' }),
        route('request-buffered.test', 'echo', { 'proxy-request-buffering': 'on' }),
        route('retry.test', 'pair', retry503),
        route('retry-once.test', 'pair', { ...retry503, 'proxy-next-upstream-tries': '1' }),
        route('retry-unbounded.test', 'slow', slowRetries),
        route('retry-bounded.test', 'slow', { ...slowRetries, 'proxy-next-upstream-timeout': '1' }),
        route('http10.test', 'echo', { 'proxy-http-version': '1.0' }),
        route('small-body-buffer.test', 'echo', { 'client-body-buffer-size': '1k' }),
        route('large-body-buffer.test', 'echo', { 'client-body-buffer-size': '64k' }),
        route('keep-alive.test', 'echo', { 'connection-proxy-header': 'keep-alive' }),
      ],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

const BIG_ANSWER = 16 * 1024 * 1024;

/** Asks for a big answer and reads nothing until `reading` resolves (a slow client); resolves to the bytes received. */
function readBigAnswerAfter(host: string, reading: () => Promise<unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port: portico.httpPort, host: '127.0.0.1', headers: { host, 'x-echo-body-bytes': String(BIG_ANSWER) }, agent: false }, (res) => {
      let received = 0;
      res.pause();
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => resolve(received));
      res.on('error', reject);
      reading().then(() => res.resume(), reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Matches nginx's warning that it buffered the body of a request to `host` to a temporary file. */
const bufferedToFile = (body: 'client request' | 'upstream response', host: string) => (record: { msg: string }) =>
  record.msg.includes(`${body === 'client request' ? 'a client request body' : 'an upstream response'} is buffered to a temporary file`) && record.msg.includes(`host: "${host}"`);

/**
 * POSTs a body in two halves, `pauseMs` apart: the time the second half was sent and when the backend saw the
 * first body byte (both epoch ms; the backend runs on this machine's clock).
 */
function postInTwoHalves(host: string, pauseMs: number): Promise<{ secondHalfAt: number; firstBodyByteAt: number }> {
  const half = 'x'.repeat(1024);
  return new Promise((resolve, reject) => {
    let secondHalfAt = 0;
    const req = request(
      { port: portico.httpPort, host: '127.0.0.1', method: 'POST', headers: { host, 'content-length': String(half.length * 2) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ secondHalfAt, firstBodyByteAt: JSON.parse(Buffer.concat(chunks).toString('utf8')).firstBodyByteAt }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.flushHeaders();
    req.write(half);
    // The pause is the behaviour under test: what the backend sees while the client is still sending.
    void delay(pauseMs).then(() => {
      secondHalfAt = Date.now();
      req.end(half);
    });
  });
}

test('proxy-buffering: on reads a big answer ahead of a slow client into a temporary file, off (the default) does not', async () => {
  // The slow client: more than the socket buffers hold stays unread for a while.
  assert.equal(await readBigAnswerAfter('streamed.test', () => delay(300)), BIG_ANSWER);
  assert.equal(await readBigAnswerAfter('buffered.test', () => portico.waitForLog('the buffered answer in a temporary file', bufferedToFile('upstream response', 'buffered.test'))), BIG_ANSWER);
  // nginx wrote any warning about the earlier request to the log pipe before this one, so it has been read.
  assert.equal(portico.logs.find(bufferedToFile('upstream response', 'streamed.test')), undefined);
});

test('proxy-buffer-size: a response header larger than the buffer answers 502, a larger buffer passes it', async () => {
  const headers = { 'x-echo-header-bytes': String(8 * 1024) };
  assert.equal((await get(portico, { host: 'small-header-buffer.test', headers })).status, 502);
  const passed = await get(portico, { host: 'large-header-buffer.test', headers });
  assert.equal(passed.status, 200);
  assert.equal(passed.headers['x-echo-filler']?.length, 8 * 1024);
});

test('proxy-request-buffering: off streams the body to the backend while the client sends, on waits for all of it', async () => {
  const streamed = await postInTwoHalves('request-streamed.test', 500);
  assert.ok(streamed.firstBodyByteAt < streamed.secondHalfAt, `backend saw the body ${streamed.firstBodyByteAt - streamed.secondHalfAt} ms after the second half`);
  const buffered = await postInTwoHalves('request-buffered.test', 500);
  assert.ok(buffered.firstBodyByteAt >= buffered.secondHalfAt, `backend saw the body ${buffered.secondHalfAt - buffered.firstBodyByteAt} ms before the second half`);
});

test('proxy-next-upstream http_503 retries on the other pod; proxy-next-upstream-tries 1 lets the 503 through', async () => {
  const failOne = { 'x-echo-status': '503', 'x-echo-status-pod': POD.failing };
  for (let i = 0; i < 10; i++) {
    const answer = await get(portico, { host: 'retry.test', headers: failOne });
    assert.equal(answer.status, 200);
    assert.equal(answer.json?.pod, `${POD.healthy}:${port}`);
  }
  // Round robin reaches the failing pod first within a few requests; with one try nothing else is asked.
  await eventually('a 503 from the failing pod', async () => (await get(portico, { host: 'retry-once.test', headers: failOne })).status === 503, 5000);
});

test('proxy-next-upstream-timeout stops retrying slow pods once it has passed', async () => {
  const slow = { 'x-echo-delay-ms': '5000' };
  let started = Date.now();
  assert.equal((await get(portico, { host: 'retry-unbounded.test', headers: slow })).status, 504);
  const unbounded = Date.now() - started;
  // Three pods, each given the 1 s read timeout.
  assert.ok(unbounded >= 2500, `unbounded retries gave up after ${unbounded} ms`);
  started = Date.now();
  assert.equal((await get(portico, { host: 'retry-bounded.test', headers: slow })).status, 504);
  const bounded = Date.now() - started;
  assert.ok(bounded < 2000, `bounded retries gave up after ${bounded} ms`);
});

test('proxy-http-version 1.0 is the version the backend is spoken to in (1.1 by default)', async () => {
  assert.equal((await get(portico, { host: 'http10.test' })).json?.httpVersion, '1.0');
  assert.equal((await get(portico, { host: 'streamed.test' })).json?.httpVersion, '1.1');
});

test('client-body-buffer-size: a body over it goes to a temporary file, one under it stays in memory', async () => {
  const body = 'x'.repeat(16 * 1024);
  assert.equal((await get(portico, { host: 'large-body-buffer.test', method: 'POST', body })).status, 200);
  assert.equal((await get(portico, { host: 'small-body-buffer.test', method: 'POST', body })).status, 200);
  await portico.waitForLog('the temporary-file warning for the small buffer', bufferedToFile('client request', 'small-body-buffer.test'));
  // As above: a warning about the earlier request would have come first.
  assert.equal(portico.logs.find(bufferedToFile('client request', 'large-body-buffer.test')), undefined);
});

test('connection-proxy-header keep-alive is the Connection header the backend sees', async () => {
  assert.equal((await get(portico, { host: 'keep-alive.test' })).json?.headers.connection, 'keep-alive');
  assert.equal((await get(portico, { host: 'streamed.test' })).json?.headers.connection, undefined);
});
