import chokidar from 'chokidar';
import type { Logger } from '../log.js';
import type { Model } from '../model/types.js';
import { loadTemplates, render, type RenderResult, type RenderSettings } from '../render/render.js';

export interface TemplateSource {
  render(model: Model, settings: RenderSettings): RenderResult;
  close(): Promise<void>;
}

/**
 * The built-in templates, or `--template FILE` compiled now and again whenever the file changes. A file
 * that does not compile keeps the previous templates (and is logged); one that compiles but renders a
 * configuration nginx -t rejects is stopped later, by apply.
 */
export async function watchTemplate(file: string | null, log: Logger, changed: () => void): Promise<TemplateSource> {
  if (!file) return { render, close: async () => {} };
  let current = loadTemplates(file);
  const watcher = chokidar.watch(file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50 } });
  watcher.on('all', (event) => {
    if (event !== 'add' && event !== 'change') return;
    try {
      current = loadTemplates(file);
      log.info({ template: file }, 'template changed; re-rendering');
      changed();
    } catch (err) {
      log.error({ err, template: file }, 'template rejected; the previous one stays in use');
    }
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { render: (model, settings) => current(model, settings), close: () => watcher.close() };
}
