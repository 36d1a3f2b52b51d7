// Authentication by other parties through real OpenResty: an external auth service process allowing and denying
// (and the sign-in redirect), and client certificates checked against a CA from a Secret.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startBackend, type Backend } from '../helpers/processes.js';
import { get, startPortico, type Portico } from '../helpers/portico.js';
import { ingress, ingressClass, selfSigned, service, tlsSecret } from '../helpers/manifests.js';

const POD = '127.0.72.1';
const AUTH = '127.0.72.2';
const A = 'nginx.ingress.kubernetes.io';
const AUTH_BACKEND = fileURLToPath(new URL('../helpers/auth-backend.mjs', import.meta.url));
let portico: Portico;
let backends: Backend[] = [];
let client: { cert: string; key: string };
let stranger: { cert: string; key: string };
let caPem: string;

/** A CA and a client certificate it signed, plus one signed by another CA, made with openssl for this run. */
function certificates(): void {
  const dir = mkdtempSync(join(tmpdir(), 'portico-mtls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  try {
    for (const ca of ['ca', 'other-ca']) run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`);
    for (const [name, ca] of [['client', 'ca'], ['stranger', 'other-ca']]) {
      run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      run('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-out', `${name}.crt`);
    }
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    caPem = read('ca.crt');
    client = { cert: read('client.crt'), key: read('client.key') };
    stranger = { cert: read('stranger.crt'), key: read('stranger.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

before(async () => {
  certificates();
  const port = await freePort();
  const authPort = await freePort();
  backends = [await startBackend(POD, port), await startBackend(AUTH, authPort, { script: AUTH_BACKEND })];
  const authUrl = `http://${AUTH}:${authPort}/check`;
  portico = await startPortico({
    manifests: {
      'all.yaml': [
        ingressClass('portico'),
        ...service('app', [POD], { ports: [{ port: 80, targetPort: port }] }),
        tlsSecret('mtls-tls', selfSigned(['mtls.example.com', 'optional.example.com', 'helped.example.com'])),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ca', namespace: 'default' }, type: 'Opaque', data: { 'ca.crt': Buffer.from(caPem).toString('base64') } },
        ingress('external', [{ host: 'external.example.com', paths: [{ path: '/', service: 'app' }] }], {
          annotations: { [`${A}/auth-url`]: authUrl, [`${A}/auth-response-headers`]: 'X-User' },
        }),
        ingress('signin', [{ host: 'signin.example.com', paths: [{ path: '/', service: 'app' }] }], {
          annotations: { [`${A}/auth-url`]: authUrl, [`${A}/auth-signin`]: 'https://login.example.com/start' },
        }),
        ingress('mtls', [{ host: 'mtls.example.com', paths: [{ path: '/', service: 'app' }] }], {
          tls: [{ hosts: ['mtls.example.com'], secretName: 'mtls-tls' }],
          annotations: { [`${A}/auth-tls-secret`]: 'default/ca', [`${A}/auth-tls-pass-certificate-to-upstream`]: 'true' },
        }),
        ingress('optional', [{ host: 'optional.example.com', paths: [{ path: '/', service: 'app' }] }], {
          tls: [{ hosts: ['optional.example.com'], secretName: 'mtls-tls' }],
          annotations: { [`${A}/auth-tls-secret`]: 'default/ca', [`${A}/auth-tls-verify-client`]: 'optional' },
        }),
        ingress('helped', [{ host: 'helped.example.com', paths: [{ path: '/', service: 'app' }] }], {
          tls: [{ hosts: ['helped.example.com'], secretName: 'mtls-tls' }],
          annotations: { [`${A}/auth-tls-secret`]: 'default/ca', [`${A}/auth-tls-error-page`]: 'https://help.example.com/certificates' },
        }),
      ],
    },
  });
});

after(async () => {
  await portico?.stop();
  await Promise.all(backends.map((backend) => backend.stop()));
});

test('auth-url: the auth service refusing gives 401; allowing passes the request, with its X-User, to the backend', async () => {
  assert.equal((await get(portico, { host: 'external.example.com' })).status, 401);
  assert.equal((await get(portico, { host: 'external.example.com', headers: { authorization: 'Bearer bad' } })).status, 401);
  const allowed = await get(portico, { host: 'external.example.com', path: '/data?x=1', headers: { authorization: 'Bearer good' } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.json?.url, '/data?x=1');
  assert.equal(allowed.json?.headers['x-user'], 'alice');
});

test('auth-signin: a refused client is redirected to sign in, with where it was going as rd', async () => {
  const answer = await get(portico, { host: 'signin.example.com', path: '/a/b?c=d' });
  assert.equal(answer.status, 302);
  assert.equal(answer.headers.location, `https://login.example.com/start?rd=http://signin.example.com${encodeURIComponent('/a/b?c=d')}`);
  assert.equal((await get(portico, { host: 'signin.example.com', headers: { authorization: 'Bearer good' } })).status, 200);
});

test('auth-tls-secret: without a client certificate, or with one of another CA, 400; with one the CA signed, 200 and the upstream learns it', async () => {
  assert.equal((await get(portico, { host: 'mtls.example.com', https: true })).status, 400);
  assert.equal((await get(portico, { host: 'mtls.example.com', https: true, clientCertificate: stranger })).status, 400);
  const answer = await get(portico, { host: 'mtls.example.com', https: true, clientCertificate: client });
  assert.equal(answer.status, 200);
  assert.equal(answer.json?.headers['ssl-client-verify'], 'SUCCESS');
  assert.match(answer.json?.headers['ssl-client-subject-dn'] ?? '', /CN=client/);
  assert.match(decodeURIComponent(answer.json?.headers['ssl-client-cert'] ?? ''), /BEGIN CERTIFICATE/);
});

test('auth-tls-verify-client: optional serves a client without a certificate and tells the upstream; auth-tls-error-page redirects one', async () => {
  const without = await get(portico, { host: 'optional.example.com', https: true });
  assert.equal(without.status, 200);
  assert.equal(without.json?.headers['ssl-client-verify'], 'NONE');
  assert.equal((await get(portico, { host: 'optional.example.com', https: true, clientCertificate: client })).json?.headers['ssl-client-verify'], 'SUCCESS');

  const helped = await get(portico, { host: 'helped.example.com', https: true });
  assert.equal(helped.status, 302);
  assert.equal(helped.headers.location, 'https://help.example.com/certificates');
  assert.equal((await get(portico, { host: 'helped.example.com', https: true, clientCertificate: client })).status, 200);
});
