/**
 * nginx `log_format` and `access_log` path syntax, parsed rather than passed through: literal text plus
 * variables from an allow-list, written back with every variable as `${name}` so the quoting helper
 * (render/helpers.ts `qvars`) can tell variables from text.
 */
import { accept, type Checked, reject } from '../model/validate.js';

/** Variables a log line may show: request, response, timing and upstream facts; never cookies or query arguments. */
const LOG_VARIABLES = new Set([
  'remote_addr', 'remote_port', 'remote_user', 'realip_remote_addr', 'proxy_protocol_addr', 'server_addr', 'server_name', 'server_port',
  'time_local', 'time_iso8601', 'msec', 'request', 'request_method', 'request_uri', 'uri', 'server_protocol', 'scheme', 'host',
  'status', 'body_bytes_sent', 'bytes_sent', 'request_length', 'request_time', 'connection', 'connection_requests', 'pipe',
  'ssl_protocol', 'ssl_cipher', 'ssl_server_name', 'request_id', 'gzip_ratio', 'hostname', 'pid',
  'upstream_addr', 'upstream_status', 'upstream_connect_time', 'upstream_header_time', 'upstream_response_time',
  'upstream_response_length', 'upstream_bytes_received', 'upstream_bytes_sent',
  // Set per location by Portico, under ingress-nginx's names (see templates/location-proxy.hbs).
  'proxy_upstream_name', 'namespace', 'ingress_name', 'service_name', 'service_port',
]);

/** Request, response and upstream header families, as in `$http_user_agent`. */
const HEADER_VARIABLE = /^(http|sent_http|upstream_http)_[a-z0-9_]{1,64}$/;

/** ingress-nginx names with no variable of that name here: what Portico writes instead (a variable, or text). */
const ALIASES: Record<string, { variable: string } | { text: string }> = {
  req_id: { variable: 'portico_request_id' },
  // Canary backends are not implemented: the alternative upstream is always empty.
  proxy_alternative_upstream_name: { text: '' },
};

/** Variables an access log path may use: per-host files, never anything else a client chooses freely. */
const PATH_VARIABLES = new Set(['host', 'server_port', 'scheme']);

const VARIABLE = /\$(?:\{([A-Za-z0-9_]*)\}|([A-Za-z0-9_]*))/g;
// nginx reads one configuration token into a 4 KiB buffer; escaping and ${} can double the length.
const MAX_FORMAT = 2000;

/**
 * Splits `raw` at its variables: `resolve` gives what each variable becomes (null: not allowed); text between
 * them must match `text`.
 */
function parseTemplate(raw: string, resolve: (name: string) => string | null, text: RegExp, expected: string): Checked<string> {
  let out = '';
  let last = 0;
  for (const match of raw.matchAll(VARIABLE)) {
    const literal = raw.slice(last, match.index);
    if (!text.test(literal)) return reject(expected);
    const name = match[1] ?? match[2] ?? '';
    if (name === '') return reject('a $ must start a variable name ($name or ${name})');
    const replacement = resolve(name);
    if (replacement === null) return reject(`variable $${name} is not allowed here`);
    out += literal + replacement;
    last = match.index + match[0].length;
  }
  const tail = raw.slice(last);
  if (!text.test(tail)) return reject(expected);
  return accept(out + tail);
}

function logVariable(name: string): string | null {
  const alias = ALIASES[name];
  if (alias) return 'text' in alias ? alias.text : `\${${alias.variable}}`;
  return LOG_VARIABLES.has(name) || HEADER_VARIABLE.test(name) ? `\${${name}}` : null;
}

function pathVariable(name: string): string | null {
  return PATH_VARIABLES.has(name) ? `\${${name}}` : null;
}

/** Anything printable around the variables (control characters are refused before parsing); quotes are escaped when rendered. */
const LOG_TEXT = /^[^\u0000-\u001f\u007f]*$/;

/** A `log_format` body; the result has every variable as `${name}`. */
export function parseLogFormat(raw: string): Checked<string> {
  if (raw.length === 0 || raw.length > MAX_FORMAT) return reject(`expected a log format of 1 to ${MAX_FORMAT} characters`);
  return parseTemplate(raw, logVariable, LOG_TEXT, 'control characters are not allowed');
}

const PATH_TEXT = /^[A-Za-z0-9._/-]*$/;

/** An absolute file path of safe characters, no `..`, optionally with `$host`, `$server_port` or `$scheme` in it. */
export function parseLogPath(raw: string): Checked<string> {
  if (!raw.startsWith('/') || raw.length > 1024) return reject('expected an absolute path (or off)');
  if (raw.split('/').slice(1).some((segment) => segment === '..' || segment === '.' || segment === '')) return reject('empty, . and .. segments are not allowed in the path');
  // Kernel and device files are not logs (a root master would open /proc/<pid>/fd/<n> for writing); stdout and stderr are.
  if (/^\/(proc|sys|dev)\//.test(raw) && raw !== '/dev/stdout' && raw !== '/dev/stderr') return reject('/proc, /sys and /dev (but /dev/stdout and /dev/stderr) are not allowed');
  return parseTemplate(raw, pathVariable, PATH_TEXT, `expected path characters A-Z a-z 0-9 . _ / - and the variables ${[...PATH_VARIABLES].map((name) => `$${name}`).join(' ')}`);
}
