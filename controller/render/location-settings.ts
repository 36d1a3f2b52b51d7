/** The view of a location's annotation-driven settings: which directives, with which (validated) values. */
import { PorticoError } from '../errors.js';
import type { ErrorSettings, Location, ProxySettings, Server } from '../model/types.js';
import type { RenderSettings } from './settings.js';

export interface Directive {
  /** From the fixed table below, never from input. */
  name: string;
  /** Validated arguments, each quoted by the template (one quoted string per argument: nginx reads `"a b"` as one). */
  values: string[];
}

export interface ErrorPage {
  code: number;
  /** Named location (`@…`) serving this code from the error backend; see errorLocations. */
  target: string;
}

export interface LocationSettingsView {
  /** Target of the 308 for plain-HTTP requests (nginx variables, no input), or null. */
  httpsRedirect: string | null;
  redirect: { code: number; url: string } | null;
  /** `app-root`: target of the 302 for `/`, an expression over validated input. */
  appRootUrl: string | null;
  /** `rewrite-target`: `rewrite` arguments; the regex is the location's own. */
  rewrite: { regex: string; target: string } | null;
  /** The nginx module that proxies (`proxy_pass` or `grpc_pass`, and its `_set_header`, `_intercept_errors`). */
  module: 'proxy' | 'grpc';
  /** Pass WebSocket upgrades and the Connection header (HTTP/1.1 upstreams only). */
  upgrade: boolean;
  /** `http://upstream_balancer` and its siblings (BALANCER_UPSTREAMS): a fixed choice. */
  pass: string;
  /** `Host` sent upstream: a validated host, or null for the client's. */
  upstreamHost: string | null;
  forwardedPrefix: string | null;
  connectionHeader: string | null;
  directives: Directive[];
  intercept: boolean;
  errorPages: ErrorPage[];
  /**
   * Check for endpoints in the rewrite phase, answering nginx's own 503 at once: error pages need it (they do not
   * intercept upstream answers), and so do gRPC and HTTPS upstreams (the internal 503 server speaks plain HTTP/1.1).
   * Other locations leave it to the balancer phase (lua/portico/balancer.lua), one Lua phase less per request.
   */
  earlyBackendCheck: boolean;
  /** ingress-nginx's `$namespace`, `$ingress_name`, `$service_name`, `$service_port`; null without an Ingress. */
  names: { namespace: string; ingress: string; service: string; port: string } | null;
}

const SCHEME = { HTTP: 'http', HTTPS: 'https', GRPC: 'grpc', GRPCS: 'grpcs' };

/**
 * The upstream blocks of nginx.conf.hbs and the balancer.lua function each runs: a location with a rewrite-phase
 * check (earlyBackendCheck) proxies to the one whose balancer uses the choice rewrite() kept.
 */
export const BALANCER_UPSTREAMS = [
  { name: 'upstream_balancer', handler: 'balance' },
  { name: 'upstream_balancer_checked', handler: 'balance_checked' },
] as const;

type ProxyKey = keyof ProxySettings;

/** nginx directive per setting for proxy_pass and (where one exists) for grpc_pass. */
const DIRECTIVES: Record<ProxyKey, { proxy: string; grpc: string | null; format: (value: never) => string | string[] }> = {
  connectTimeoutMs: { proxy: 'proxy_connect_timeout', grpc: 'grpc_connect_timeout', format: milliseconds },
  sendTimeoutMs: { proxy: 'proxy_send_timeout', grpc: 'grpc_send_timeout', format: milliseconds },
  readTimeoutMs: { proxy: 'proxy_read_timeout', grpc: 'grpc_read_timeout', format: milliseconds },
  bodySize: { proxy: 'client_max_body_size', grpc: 'client_max_body_size', format: String },
  buffering: { proxy: 'proxy_buffering', grpc: null, format: onOff },
  bufferSize: { proxy: 'proxy_buffer_size', grpc: 'grpc_buffer_size', format: String },
  requestBuffering: { proxy: 'proxy_request_buffering', grpc: null, format: onOff },
  clientBodyBufferSize: { proxy: 'client_body_buffer_size', grpc: 'client_body_buffer_size', format: String },
  nextUpstream: { proxy: 'proxy_next_upstream', grpc: 'grpc_next_upstream', format: (words: string[]) => words },
  nextUpstreamTries: { proxy: 'proxy_next_upstream_tries', grpc: 'grpc_next_upstream_tries', format: String },
  nextUpstreamTimeoutMs: { proxy: 'proxy_next_upstream_timeout', grpc: 'grpc_next_upstream_timeout', format: milliseconds },
  httpVersion: { proxy: 'proxy_http_version', grpc: null, format: String },
};

export function milliseconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * proxy_buffers to go with a proxy_buffer_size, as many as ingress-nginx renders: with nginx's own (8 of a memory
 * page) a proxy_buffer_size from 14k up fails nginx -t, as proxy_busy_buffers_size (twice the larger buffer size)
 * must stay below all proxy_buffers but one.
 */
const PROXY_BUFFERS = '4';

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}

function directives(proxy: ProxySettings, grpc: boolean): Directive[] {
  const buffers = !grpc && proxy.bufferSize !== null ? [{ name: 'proxy_buffers', values: [PROXY_BUFFERS, proxy.bufferSize] }] : [];
  return (Object.keys(DIRECTIVES) as ProxyKey[]).flatMap((key): Directive[] => {
    const value = proxy[key];
    const table = DIRECTIVES[key];
    const name = grpc ? table.grpc : table.proxy;
    if (value === null || name === null) return [];
    // Some settings are several arguments (nextUpstream); each word is from the parser's fixed set.
    return [{ name, values: [(table.format as (value: unknown) => string | string[])(value)].flat() }];
  }).concat(buffers);
}

/** Name of the named location serving `code` from `backend`; backend names are dot-separated DNS labels and ports. */
export function errorLocationName(backend: string, code: number): string {
  return `@custom_${backend}_${code}`;
}

/**
 * Codes a location hands to its error backend: its custom-http-errors, and 503, which the Lua balancer answers
 * when the location's backend has no endpoint (ingress-nginx then serves the default backend too).
 */
function errorPageCodes(errors: ErrorSettings): number[] {
  if (errors.backend === null) return [];
  return [...new Set([...errors.codes, 503])].sort((a, b) => a - b);
}

function httpsRedirectTarget(location: Location, settings: RenderSettings): string | null {
  if (!location.httpsRedirect) return null;
  const port = settings.httpsPort === 443 ? '' : `:${settings.httpsPort}`;
  // $portico_uri_without_trailing_slash: see nginx.conf.hbs; ingress-nginx drops one trailing slash unless told not to.
  return `https://$host${port}${location.httpsRedirect.preserveTrailingSlash ? '$request_uri' : '$portico_uri_without_trailing_slash'}`;
}

function names(location: Location, serviceNames: ReadonlyMap<string, string>): LocationSettingsView['names'] {
  if (!location.ingress || !location.backend) return null;
  const [, , port = ''] = location.backend.split('.');
  return { namespace: location.ingress.namespace, ingress: location.ingress.name, service: serviceNames.get(location.backend) ?? '', port };
}

/** `regex` is the location's own regex (null for a non-regex location), reused by `rewrite` so captures line up. */
export function locationSettings(
  location: Location,
  regex: string | null,
  settings: RenderSettings,
  serviceNames: ReadonlyMap<string, string>,
): LocationSettingsView {
  const { upstream, errors } = location;
  const grpc = upstream.protocol === 'GRPC' || upstream.protocol === 'GRPCS';
  if (location.rewriteTarget !== null && regex === null) throw new PorticoError('TEMPLATE', `rewrite-target on ${location.path} outside a regex server`);
  const errorBackend = errors.backend;
  const earlyBackendCheck = upstream.protocol !== 'HTTP' || errorBackend !== null;
  return {
    httpsRedirect: httpsRedirectTarget(location, settings),
    redirect: location.redirect,
    appRootUrl: location.appRoot === null ? null : `$scheme://$http_host${location.appRoot}`,
    rewrite: location.rewriteTarget === null || regex === null ? null : { regex: `(?i)${regex}`, target: location.rewriteTarget },
    module: grpc ? 'grpc' : 'proxy',
    upgrade: !grpc,
    pass: `${SCHEME[upstream.protocol]}://${BALANCER_UPSTREAMS[earlyBackendCheck ? 1 : 0].name}`,
    upstreamHost: upstream.vhost,
    forwardedPrefix: upstream.forwardedPrefix,
    connectionHeader: upstream.connectionHeader,
    directives: directives(location.proxy, grpc),
    // Upstream answers are replaced only for the listed codes; a 503 from Lua is nginx's own and needs no interception.
    intercept: errorBackend !== null && errors.codes.length > 0,
    errorPages: errorPageCodes(errors).map((code) => ({ code, target: errorLocationName(errorBackend ?? '', code) })),
    earlyBackendCheck,
    names: names(location, serviceNames),
  };
}

export interface ErrorLocationView {
  name: string;
  code: number;
  backend: string;
}

/** One named location per error backend and code a server's locations use. */
export function errorLocations(server: Server): ErrorLocationView[] {
  const unique = new Map<string, ErrorLocationView>();
  for (const { errors, backend } of server.locations) {
    // Only proxied locations use error pages (see the location-proxy template).
    if (errors.backend === null || backend === null) continue;
    for (const code of errorPageCodes(errors)) {
      const name = errorLocationName(errors.backend, code);
      unique.set(name, { name, code, backend: errors.backend });
    }
  }
  return [...unique.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
