import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { PorticoError } from '../errors.js';
import type { Model } from '../model/types.js';
import { templateHelpers } from './helpers.js';
import type { RenderSettings } from './settings.js';
import { buildView, type ConfigView } from './view.js';

export { CONFIG_SOCKET, certificatePaths, type RenderSettings } from './settings.js';

/** The repository's templates/ directory (the same relative path from controller/render and dist/render). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const PARTIALS = ['http-settings', 'server', 'location', 'location-proxy', 'upstream-headers', 'error-location', 'configuration-server', 'http-policy', 'server-policy', 'location-policy'] as const;

const COMPILE_OPTIONS = {
  strict: true, // a missing view field throws instead of rendering nothing
  noEscape: true, // nginx quoting is done by the helpers, not HTML escaping
  knownHelpers: { q: true, re: true, expr: true, qvars: true },
  knownHelpersOnly: true,
};

export interface RenderResult {
  text: string;
  /**
   * sha256 of what OpenResty loads with this configuration: the text (but for the hash itself) and the files it
   * names that the model fills (certificates, secret files). Served at /configuration/hash.
   */
  hash: string;
}

export type Renderer = (model: Model, settings: RenderSettings) => RenderResult;

/** Compiles the templates once: `mainFile` (default templates/nginx.conf.hbs) plus the partials in templates/. */
export function loadTemplates(mainFile: string = join(TEMPLATES_DIR, 'nginx.conf.hbs')): Renderer {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(templateHelpers);
  for (const name of PARTIALS) {
    handlebars.registerPartial(name, compile(handlebars, join(TEMPLATES_DIR, `${name}.hbs`)));
  }
  const main = compile(handlebars, mainFile);
  // Stands for the hash while rendering; unguessable, so no value from an object can contain it.
  const placeholder = randomBytes(16).toString('hex');
  return (model, settings) => {
    const rendered = main(buildView(model, settings, placeholder));
    // Of the text as rendered: the trimming below depends on nothing else.
    const hash = configurationHash(rendered.split(placeholder), model);
    // Indented partials leave whitespace on their blank lines; no directive can end in it, as strings are one-line.
    // Lines are slices of the rendered text until the one join: a configuration is 24 MB at 10k Ingresses.
    const lines = trimmedLines(rendered);
    lines.forEach((line, index) => {
      if (line.includes(placeholder)) lines[index] = line.replaceAll(placeholder, hash);
    });
    return { text: lines.join('\n'), hash };
  };
}

/**
 * Hashes the rendered text around the hash's places and the content of the files the configuration names, each
 * length-prefixed. Cheaper than hashing the model (24 MB of text at 10k Ingresses: ~50 ms), and a change that
 * makes no difference to what OpenResty loads (a template comment, an endpoint) gives the same hash.
 */
function configurationHash(parts: readonly string[], model: Model): string {
  const hash = createHash('sha256');
  const add = (text: string): void => {
    hash.update(`${text.length}:`).update(text);
  };
  for (const part of parts) add(part);
  for (const certificate of model.certificates) [certificate.name, certificate.certPem, certificate.keyPem].forEach(add);
  for (const file of model.secretFiles) [file.name, file.content].forEach(add);
  return hash.digest('hex');
}

/**
 * `text.replace(/[ \t]+$/gm, '')`, several times faster on a large configuration: the regular expression tries a
 * match at every space of the indentation, while only the few line ends found by indexOf need a look.
 */
export function trimLineEnds(text: string): string {
  return trimmedLines(text).join('\n');
}

/** trimLineEnds as the pieces to join with newlines: slices of text, mostly one per line with trailing blanks. */
function trimmedLines(text: string): string[] {
  // Other line terminators ($ matches before them too) are rare: left to the regular expression.
  if (/[\r\u2028\u2029]/.test(text)) return [text.replace(/[ \t]+$/gm, '')];
  const pieces: string[] = [];
  let from = 0;
  let space = text.indexOf(' \n');
  let tab = text.indexOf('\t\n');
  while (space !== -1 || tab !== -1) {
    const at = space === -1 ? tab : tab === -1 ? space : Math.min(space, tab);
    let start = at;
    while (start > from && (text.charCodeAt(start - 1) === 32 || text.charCodeAt(start - 1) === 9)) start -= 1;
    pieces.push(text.slice(from, start));
    from = at + 2;
    if (at === space) space = text.indexOf(' \n', from);
    if (at === tab) tab = text.indexOf('\t\n', from);
  }
  let end = text.length;
  while (end > from && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end -= 1;
  pieces.push(text.slice(from, end));
  return pieces;
}

let defaultRenderer: Renderer | undefined;

/** Renders nginx.conf with the default templates. */
export function render(model: Model, settings: RenderSettings): RenderResult {
  defaultRenderer ??= loadTemplates();
  return defaultRenderer(model, settings);
}

/** Parses eagerly so a syntax error shows at load time, and names the file in every template error. */
function compile(handlebars: typeof Handlebars, file: string): Handlebars.TemplateDelegate<ConfigView> {
  let template: Handlebars.TemplateDelegate<ConfigView>;
  try {
    const text = readFileSync(file, 'utf8');
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
