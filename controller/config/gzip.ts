/** Compressing responses on the way to the client. */
import { accept, type Checked, reject } from '../model/validate.js';
import { integerIn } from '../annotations/validators.js';
import { flagSetting, setting } from './types.js';

/** Space-separated MIME types (`type/subtype`, RFC 6838 characters), or `*`. */
function parseMimeTypes(raw: string): Checked<string[]> {
  const types = raw.split(/ +/).filter(Boolean);
  const mime = /^(\*|[A-Za-z0-9][A-Za-z0-9!#&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#&^_.+-]{0,126})$/;
  if (types.length === 0 || types.length > 256 || !types.every((type) => mime.test(type))) {
    return reject('expected space-separated MIME types such as text/css application/json');
  }
  return accept([...new Set(types)]);
}

export const useGzip = flagSetting('use-gzip', false, 'compress responses of the `gzip-types`');

export const gzipTypes = setting<string[]>({
  key: 'gzip-types',
  default: [
    'application/atom+xml', 'application/javascript', 'application/x-javascript', 'application/json', 'application/rss+xml',
    'application/vnd.ms-fontobject', 'application/x-font-ttf', 'application/x-web-app-manifest+json', 'application/xhtml+xml',
    'application/xml', 'font/opentype', 'image/svg+xml', 'image/x-icon', 'text/css', 'text/javascript', 'text/plain', 'text/x-component',
  ],
  defaultDoc: "ingress-nginx's (JSON, JavaScript, CSS, XML, SVG, plain text, fonts)",
  doc: 'space-separated MIME types compressed when `use-gzip` is on (`text/html` always is)',
  parse: parseMimeTypes,
});

export const gzipLevel = setting<number>({ key: 'gzip-level', default: 1, doc: 'compression level, 1 (fastest) to 9 (smallest)', parse: integerIn(1, 9) });

export const gzipMinLength = setting<number>({ key: 'gzip-min-length', default: 256, doc: 'smallest response, in bytes, worth compressing', parse: integerIn(0, 1_000_000_000) });
