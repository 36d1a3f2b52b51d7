import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import type { Logger } from 'pino';
import { PorticoError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { KubeObject } from '../store/types.js';
import { parseManifests } from './parse.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** What reading one file gave: its objects, `gone` if it no longer exists, `invalid` if it did not parse. */
type FileContent = KubeObject[] | 'gone' | 'invalid';

/**
 * Loads every manifest under dir into the store (one origin per file) and keeps it in step with the
 * files. Resolves once the initial set is in the store, as a single change, so nothing downstream
 * sees half of it. A file that stops parsing keeps its last good objects.
 */
export async function watchManifests(dir: string, store: Store, log: Logger): Promise<{ close(): Promise<void> }> {
  const logger = log.child({ source: 'manifests' });
  const root = path.resolve(dir);
  if (!(await stat(root)).isDirectory()) throw new Error(`${root} is not a directory`);

  const watcher = watch(root, {
    ignored: (file) => isHidden(root, file),
    // Wait until a file has stopped growing for 50 ms, so a half-written file is not read.
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 },
  });
  watcher.on('error', (err) => logger.error({ err }, 'watching the manifests directory failed'));

  // Until the initial load is in the store, events only mark files to read; afterwards they reload.
  const changedFiles = new Set<string>();
  let loaded = false;
  let reloads = Promise.resolve();
  const reload = (file: string): void => {
    // One file at a time: each read sees the file no earlier than the event that asked for it.
    reloads = reloads
      .then(async () => {
        const content = await readManifest(file, logger);
        if (content !== 'invalid') store.replace(file, content === 'gone' ? [] : content);
      })
      .catch((err: unknown) => logger.error({ file, err }, 'manifest file could not be loaded'));
  };
  const onFileEvent = (file: string): void => {
    if (!MANIFEST_EXTENSIONS.has(path.extname(file).toLowerCase())) return;
    if (loaded) reload(file);
    else changedFiles.add(file);
  };
  watcher.on('add', onFileEvent).on('change', onFileEvent).on('unlink', onFileEvent);

  let initialFiles: string[];
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.once('ready', resolve);
      watcher.once('error', reject);
    });
    initialFiles = [...changedFiles];
    changedFiles.clear();
    const contents = await Promise.all(initialFiles.map((file) => readManifest(file, logger)));
    const initial = new Map<string, KubeObject[]>();
    initialFiles.forEach((file, index) => {
      const content = contents[index];
      if (Array.isArray(content)) initial.set(file, content);
    });
    store.replaceMany(initial);
  } catch (err) {
    await watcher.close();
    throw err;
  }
  loaded = true;
  // Files touched while the initial set was being read.
  for (const file of changedFiles) reload(file);
  logger.info({ dir: root, files: initialFiles.length }, 'manifests loaded');

  return {
    async close() {
      await watcher.close();
      await reloads;
    },
  };
}

/** Reads and parses one file, logging why it could not be used. */
async function readManifest(file: string, logger: Logger): Promise<FileContent> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    logger.error({ file, err }, 'manifest file could not be read; keeping its last good objects');
    return 'invalid';
  }
  const { objects, errors } = parseManifests(text, file);
  if (errors.length === 0) return objects;
  // A file is one unit: applying the half that parsed could drop a Secret its Ingress still names.
  logger.error({ file, err: new PorticoError('MANIFEST_PARSE', errors.join('; ')) }, 'keeping the last good objects of this manifest file');
  return 'invalid';
}

/**
 * Dot-files and dot-directories below root are editor temp files, VCS metadata, or the `..data`
 * copies of a mounted ConfigMap volume, which would load every manifest a second time.
 */
function isHidden(root: string, file: string): boolean {
  return path
    .relative(root, file)
    .split(path.sep)
    .some((segment) => segment.startsWith('.'));
}
