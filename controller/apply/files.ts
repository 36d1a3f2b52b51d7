import { chmodSync, createReadStream, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { chmod, chown, mkdir, open, readdir, rename, rm, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Certificate, SecretFile } from '../model/types.js';
import { certificatePaths, secretFilePath } from '../render/settings.js';

/** Temp directories nginx workers write request bodies and buffered responses to. */
const TEMP_DIRS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * Lays out the work dir: temp paths writable by the worker user, a certs/ directory only the master reads,
 * a secrets/ directory the workers' group may read (htpasswd files are read per request).
 * The work dir itself stays traversable so workers can reach tmp/ and the Lua socket.
 */
export async function prepareWorkDir(workDir: string, workerIds: { uid: number; gid: number } | null): Promise<void> {
  await mkdir(join(workDir, 'certs'), { recursive: true, mode: 0o700 });
  await chmod(workDir, 0o755);
  const secrets = join(workDir, 'secrets');
  await mkdir(secrets, { recursive: true, mode: 0o750 });
  if (workerIds) await chown(secrets, process.getuid?.() ?? 0, workerIds.gid);
  // setgid: files written here belong to the workers' group, so mode 0640 lets them read and nobody else.
  await chmod(secrets, 0o2750);
  // nginx's default root (html/ under its prefix): nothing is served from it, but an access_log path with
  // variables (per-host files) is only written while the root directory exists.
  await mkdir(join(workDir, 'html'), { recursive: true, mode: 0o755 });
  // Created (and fixed in an older work dir) on its own: a recursive mkdir of tmp/client_body would make tmp/ 0700
  // too, and workers could not reach their temp dirs (every request body over client_body_buffer_size answered 500).
  const temp = join(workDir, 'tmp');
  await mkdir(temp, { recursive: true });
  await chmod(temp, 0o711);
  for (const dir of TEMP_DIRS) {
    const path = join(temp, dir);
    await mkdir(path, { recursive: true, mode: 0o700 });
    if (workerIds) await chown(path, workerIds.uid, workerIds.gid);
  }
}

/**
 * Characters written or read at a time. A whole configuration at once (24 MB at 10k Ingresses) makes a buffer
 * of its size outside the JS heap, and the C allocator keeps such memory after it is freed.
 */
const TEXT_CHUNK = 1 << 20;

/** Writes a file through a temporary name and a rename, so readers never see half of it. */
export async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const staged = `${path}.tmp-${process.pid}`;
  const file = await open(staged, 'w', mode);
  try {
    for (let at = 0; at < content.length; ) {
      let end = Math.min(at + TEXT_CHUNK, content.length);
      // Never split a surrogate pair between two chunks: each half alone would be written as U+FFFD.
      const last = content.charCodeAt(end - 1);
      if (end < content.length && last >= 0xd800 && last <= 0xdbff) end += 1;
      await file.write(content.slice(at, end));
      at = end;
    }
  } finally {
    await file.close();
  }
  await chmod(staged, mode);
  await rename(staged, path);
}

/** A UTF-8 text file, read a chunk at a time (see TEXT_CHUNK). */
export async function readText(path: string): Promise<string> {
  let text = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: TEXT_CHUNK })) text += chunk as string;
  return text;
}

async function readOrNull(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

function certificateFiles(workDir: string, certificates: readonly Certificate[]): Array<[file: string, pem: string]> {
  return certificates.flatMap((certificate) => {
    const { certFile, keyFile } = certificatePaths(workDir, certificate.name);
    return [[certFile, certificate.certPem], [keyFile, certificate.keyPem]] as Array<[string, string]>;
  });
}

function secretFiles(workDir: string, files: readonly SecretFile[]): Array<[file: string, content: string]> {
  return files.map((file) => [secretFilePath(workDir, file.name), file.content]);
}

/**
 * Writes each file whose content changed. Synchronously: certificates and keys are thousands of small files
 * (2,000 at 1,000 TLS hosts), whose reads and writes cost less than passing each through the thread pool
 * (~0.2 s here against ~0.7 s of a cold start), and nothing else waits on the event loop meanwhile.
 */
function writeChanged(files: Array<[file: string, content: string]>, mode: number): void {
  for (const [file, content] of files) {
    let current: string | null = null;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // Not written yet.
    }
    if (current === content) continue;
    const staged = `${file}.tmp-${process.pid}`;
    writeFileSync(staged, content, { mode });
    chmodSync(staged, mode);
    renameSync(staged, file);
  }
}

/** Removes the files of `dir` not in `files`; only after the configuration that dropped them is loaded. */
async function pruneDir(dir: string, files: Array<[file: string, content: string]>): Promise<void> {
  const wanted = new Set(files.map(([file]) => file));
  for (const entry of await readdir(dir)) {
    const file = join(dir, entry);
    if (!wanted.has(file)) await rm(file, { force: true });
  }
}

/** Writes each certificate and key (mode 0600: only the master reads them, at load) unless unchanged. */
export async function writeCertificates(workDir: string, certificates: readonly Certificate[]): Promise<void> {
  writeChanged(certificateFiles(workDir, certificates), 0o600);
}

export async function pruneCertificates(workDir: string, certificates: readonly Certificate[]): Promise<void> {
  await pruneDir(join(workDir, 'certs'), certificateFiles(workDir, certificates));
}

/** Writes htpasswd files and CA bundles (mode 0640 in the setgid secrets/ directory: the workers' group reads them). */
export async function writeSecretFiles(workDir: string, files: readonly SecretFile[]): Promise<void> {
  writeChanged(secretFiles(workDir, files), 0o640);
}

export async function pruneSecretFiles(workDir: string, files: readonly SecretFile[]): Promise<void> {
  await pruneDir(join(workDir, 'secrets'), secretFiles(workDir, files));
}

/** A self-signed certificate for hosts without one, made at start when no --default-ssl-certificate is given. */
export async function ensureSelfSignedCertificate(workDir: string): Promise<{ certFile: string; keyFile: string }> {
  const dir = join(workDir, 'default-certificate');
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  if ((await readOrNull(certFile)) !== null && (await readOrNull(keyFile)) !== null) return { certFile, keyFile };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await execa('openssl', [
    // ECDSA P-256: far cheaper than RSA-2048 to generate and to sign each handshake with; current clients all accept it.
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
    '-subj', '/O=Portico/CN=Portico Default Certificate',
    '-keyout', keyFile, '-out', certFile,
  ]);
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}
