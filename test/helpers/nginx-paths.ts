/** Plumbing shared by the tests that run real nginx: paths, settings, work dirs, certificates, processes. */
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { CONFIG_SOCKET, type RenderSettings } from '../../controller/render/render.js';

export const LUA_DIR = fileURLToPath(new URL('../../lua', import.meta.url));

// Debian's nginx loads Lua as modules; OpenResty has it built in.
const DEBIAN_MODULES = ['/usr/lib/nginx/modules/ndk_http_module.so', '/usr/lib/nginx/modules/ngx_http_lua_module.so', '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so'];
const RUNNING_AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** A fresh work dir with tmp/, certs/ and a self-signed default certificate; removed after the test. */
export async function makeWorkDir(t: TestContext): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'portico-nginx-'));
  t.after(() => rm(workDir, { recursive: true, force: true }));
  // Workers run as nobody when the master is root; they need to reach tmp/ for buffered bodies.
  await chmod(workDir, 0o755);
  await mkdir(join(workDir, 'tmp'));
  await mkdir(join(workDir, 'certs'));
  if (RUNNING_AS_ROOT) await chown(join(workDir, 'tmp'), NOBODY, NOBODY);
  return workDir;
}

/** Writes a self-signed certificate for `commonName` to the given files. */
export async function selfSignedCertificate(commonName: string, files: { certFile: string; keyFile: string }): Promise<void> {
  await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-days', '1',
    '-keyout', files.keyFile, '-out', files.certFile]);
}

/** Settings for this machine on loopback, with a default certificate generated into workDir. */
export async function testSettings(workDir: string, overrides: Partial<RenderSettings> = {}): Promise<RenderSettings> {
  const defaultCertificate = { certFile: join(workDir, 'default.crt'), keyFile: join(workDir, 'default.key') };
  await selfSignedCertificate('portico-default', defaultCertificate);
  const httpPort = 20000 + Math.floor(Math.random() * 40000);
  return {
    httpPort,
    httpsPort: httpPort + 1,
    bindAddress: '127.0.0.1',
    workDir,
    luaDir: LUA_DIR,
    modules: DEBIAN_MODULES.every((file) => existsSync(file)) ? DEBIAN_MODULES : [],
    luaPackagePath: ['/usr/share/lua/5.1/?.lua'],
    user: RUNNING_AS_ROOT ? 'nobody nogroup' : null,
    workerProcesses: 1,
    defaultCertificate,
    ...overrides,
  };
}

/** Writes the configuration into workDir and returns its path. */
export async function writeConfig(workDir: string, text: string): Promise<string> {
  const file = join(workDir, 'nginx.conf');
  await writeFile(file, text);
  return file;
}

/** `nginx -t` on a configuration file; resolves to the exit code and output. */
export async function testConfig(workDir: string, file: string): Promise<{ exitCode: number; output: string }> {
  const result = await execa('nginx', ['-t', '-p', workDir, '-c', file], { reject: false, all: true });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}

/** Starts nginx in the foreground, stopped after the test; resolves once `/configuration/hash` answers `hash`. */
export async function startNginx(t: TestContext, workDir: string, text: string, hash: string): Promise<void> {
  const file = await writeConfig(workDir, text);
  const nginx = execa('nginx', ['-p', workDir, '-c', file], { reject: false, all: true });
  t.after(async () => {
    nginx.kill('SIGTERM');
    await nginx;
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${(await nginx).all}`);
    const answer = await configRequest(workDir, 'GET', '/configuration/hash').catch(() => null);
    if (answer?.body === hash) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('nginx did not serve the configuration within 10s');
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on a fresh connection (no keepalive), with a timeout so a hang fails the test. */
export function request(options: RequestOptions, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent: false, timeout: 5000, ...options }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${options.path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A request to the configuration endpoint on workDir's unix socket. */
export function configRequest(workDir: string, method: string, path: string, body?: string): Promise<Answer> {
  return request({ socketPath: join(workDir, CONFIG_SOCKET), method, path }, body);
}
