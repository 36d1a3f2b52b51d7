import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { PorticoError } from '../errors.js';
import { stableJson } from '../stable-json.js';
import type { Model } from '../model/types.js';
import { templateHelpers } from './helpers.js';
import type { RenderSettings } from './settings.js';
import { buildView, type ConfigView } from './view.js';

export { CONFIG_SOCKET, certificatePaths, type RenderSettings } from './settings.js';

/** The repository's templates/ directory (the same relative path from controller/render and dist/render). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const PARTIALS = ['http-settings', 'server', 'location', 'location-proxy', 'error-location', 'configuration-server', 'http-policy', 'server-policy', 'location-policy'] as const;

const COMPILE_OPTIONS = {
  strict: true, // a missing view field throws instead of rendering nothing
  noEscape: true, // nginx quoting is done by the helpers, not HTML escaping
  knownHelpers: { q: true, re: true, expr: true, qvars: true },
  knownHelpersOnly: true,
};

export interface RenderResult {
  text: string;
  /** sha256 of the canonical JSON of {model, settings, templates' text}; served at /configuration/hash. */
  hash: string;
}

export type Renderer = (model: Model, settings: RenderSettings) => RenderResult;

/** Compiles the templates once: `mainFile` (default templates/nginx.conf.hbs) plus the partials in templates/. */
export function loadTemplates(mainFile: string = join(TEMPLATES_DIR, 'nginx.conf.hbs')): Renderer {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(templateHelpers);
  // The templates' text is part of the hash: a changed template must give a new configuration.
  const sources = createHash('sha256');
  for (const name of PARTIALS) {
    handlebars.registerPartial(name, compile(handlebars, join(TEMPLATES_DIR, `${name}.hbs`), sources));
  }
  const main = compile(handlebars, mainFile, sources);
  const templates = sources.digest('hex');
  return (model, settings) => {
    const hash = createHash('sha256').update(stableJson({ model, settings, templates })).digest('hex');
    // Indented partials leave whitespace on their blank lines; no directive can end in it, as strings are one-line.
    const text = main(buildView(model, settings, hash)).replace(/[ \t]+$/gm, '');
    return { text, hash };
  };
}

let defaultRenderer: Renderer | undefined;

/** Renders nginx.conf with the default templates. */
export function render(model: Model, settings: RenderSettings): RenderResult {
  defaultRenderer ??= loadTemplates();
  return defaultRenderer(model, settings);
}

/** Parses eagerly so a syntax error shows at load time, and names the file in every template error. */
function compile(handlebars: typeof Handlebars, file: string, sources: Hash): Handlebars.TemplateDelegate<ConfigView> {
  let template: Handlebars.TemplateDelegate<ConfigView>;
  try {
    const text = readFileSync(file, 'utf8');
    sources.update(text);
    template = handlebars.compile<ConfigView>(handlebars.parse(text), COMPILE_OPTIONS);
  } catch (error) {
    throw new PorticoError('TEMPLATE', `${file}: ${(error as Error).message}`, { cause: error });
  }
  return (view, options) => {
    try {
      return template(view, options);
    } catch (error) {
      if (error instanceof PorticoError) throw error;
      throw new PorticoError('TEMPLATE', `${file}: ${(error as Error).message}`, { cause: error });
    }
  };
}
