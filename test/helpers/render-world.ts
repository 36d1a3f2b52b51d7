/**
 * A small cluster in memory for the security tests: one Ingress with TLS, its Service and endpoints, auth and CA
 * Secrets, and the controller's ConfigMap, each piece open to a hostile value; rendered with the real model and
 * templates, and checked with the real `nginx -t`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1ConfigMap, V1Ingress, V1Secret } from '@kubernetes/client-node';
import { buildModel } from '../../controller/model/build.js';
import type { Model, Problem } from '../../controller/model/types.js';
import { certificatePaths, render, type RenderSettings } from '../../controller/render/render.js';
import type { Snapshot } from '../../controller/store/types.js';
import { endpointSlice, generateKeyPair, httpPath, ingress, OPTIONS, rule, service, snapshot, tlsSecret } from '../../controller/model/testdata/fixtures.js';
import { testConfig } from './nginx-paths.js';

export const HOST = 'app.example.com';
export const PREFIX = 'nginx.ingress.kubernetes.io';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const keyPair = generateKeyPair(HOST);

/** Every piece a hostile value may be put into; `world()` assembles the snapshot from it. */
export interface World {
  ingress: V1Ingress;
  secrets: V1Secret[];
  configMap: V1ConfigMap;
  endpointAddress: string;
  servicePortName: string;
  /** Data of the ConfigMap `default/headers`, which a `custom-headers` annotation may name. */
  headers: Record<string, string>;
}

/** The healthy world: `app.example.com` with TLS, `/api` (Prefix) and `/` (Exact) to Service `echo`. */
export function world(): World {
  const app = ingress('app', {
    ingressClassName: 'portico',
    tls: [{ hosts: [HOST], secretName: 'app-tls' }],
    rules: [rule(HOST, httpPath('Prefix', '/api', 'echo', 'http'), httpPath('Exact', '/', 'echo', 'http'))],
  });
  app.metadata!.annotations = {};
  return {
    ingress: app,
    secrets: [
      tlsSecret('app-tls', keyPair.certPem, keyPair.keyPem),
      { metadata: { name: 'htpasswd', namespace: 'default' }, type: 'Opaque', data: { auth: base64('user:$apr1$8TjmW1Bd$Mwgm9WJ.8uT9Wf2Z0rH0l/\n') } },
      { metadata: { name: 'ca', namespace: 'default' }, type: 'Opaque', data: { 'ca.crt': base64(keyPair.certPem) } },
    ],
    configMap: { metadata: { name: 'portico-controller', namespace: 'ingress' }, data: {} },
    endpointAddress: '10.0.0.1',
    servicePortName: 'http',
    headers: { 'X-Fuzz': 'yes' },
  };
}

export function toSnapshot(w: World): Snapshot {
  return snapshot({
    ingresses: [w.ingress],
    services: [service('echo', [{ name: w.servicePortName, port: 80, targetPort: 8080 as never }])],
    endpointSlices: [endpointSlice('echo', [{ name: w.servicePortName, port: 8080 }], [{ addresses: [w.endpointAddress], conditions: { ready: true } }])],
    secrets: w.secrets,
    configMaps: [w.configMap, { metadata: { name: 'headers', namespace: 'default' }, data: w.headers }],
  });
}

export interface Rendered {
  model: Model;
  problems: Problem[];
  text: string;
}

/** Settings for rendering only (no files needed); nginxTest renders again for its own work dir. */
export const RENDER_ONLY: RenderSettings = {
  httpPort: 8080,
  httpsPort: 8443,
  bindAddress: '127.0.0.1',
  workDir: '/portico-work',
  luaDir: '/portico-lua',
  modules: [],
  luaPackagePath: [],
  user: null,
  workerProcesses: 1,
  defaultCertificate: { certFile: '/portico-work/default.crt', keyFile: '/portico-work/default.key' },
};

export function renderWorld(w: World, settings: RenderSettings = RENDER_ONLY): Rendered {
  const { model, problems } = buildModel(toSnapshot(w), OPTIONS);
  return { model, problems, text: render(model, settings).text };
}

/**
 * Writes the files a model's configuration names (certificates, secret files) into a directory of its own under
 * settings.workDir (cases tested side by side must not share certificate files), then runs `nginx -t`.
 */
export async function nginxTest(model: Model, base: RenderSettings, name: string): Promise<{ exitCode: number; output: string }> {
  const workDir = join(base.workDir, name);
  const settings = { ...base, workDir };
  for (const dir of ['certs', 'secrets', 'tmp']) await mkdir(join(workDir, dir), { recursive: true });
  for (const certificate of model.certificates) {
    const files = certificatePaths(workDir, certificate.name);
    await writeFile(files.certFile, certificate.certPem);
    await writeFile(files.keyFile, certificate.keyPem);
  }
  for (const file of model.secretFiles) {
    await writeFile(join(workDir, 'secrets', file.name), file.content);
  }
  const confFile = join(workDir, `${name}.conf`);
  await writeFile(confFile, render(model, settings).text);
  return testConfig(workDir, confFile);
}
