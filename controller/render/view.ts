import { isIP } from 'node:net';
import { PorticoError } from '../errors.js';
import type { Location, Model, Server } from '../model/types.js';
import { metricKey } from '../metrics/key.js';
import { CONFIG_SOCKET, UNAVAILABLE_SOCKET, certificatePaths, type RenderSettings } from './settings.js';
import { BALANCER_UPSTREAMS, errorLocations, type ErrorLocationView, type LocationSettingsView, locationSettings } from './location-settings.js';
import { locationRegex } from './regex-locations.js';
import { type HttpPolicyView, httpPolicyView, type LocationPolicyView, locationPolicyView, type ServerPolicyView, serverPolicyView } from './policy-view.js';
import { routeId } from '../model/canary.js';
import { type GlobalView, globalView } from './global-settings.js';
import type { Settings } from '../config/registry.js';

/** Everything the templates read, precomputed so they need no logic beyond `if` and `each`. */
export interface ConfigView {
  hash: string;
  modules: string[];
  /** Arguments of the `user` directive, or null to leave it out. */
  user: string[] | null;
  workerProcesses: number | 'auto';
  pidFile: string;
  errorLogLevel: Settings['errorLogLevel'];
  /** The ConfigMap's settings, as http-level directives (templates/http-settings.hbs). */
  global: GlobalView;
  tempPaths: { clientBody: string; proxy: string; fastcgi: string; uwsgi: string; scgi: string };
  luaPackagePath: string;
  serverNamesHashBucketSize: number;
  serverNamesHashMaxSize: number;
  /** Fits the longest exact key of the ConfigMap's block maps (`block-user-agents`, `block-referers`). */
  mapHashBucketSize: number;
  /** `unix:<workDir>/portico.sock`. */
  configSocket: string;
  /** `unix:<workDir>/unavailable.sock`: where the balancer sends requests whose backend has no endpoint. */
  unavailableSocket: string;
  /** The Lua-balanced upstream blocks (see BALANCER_UPSTREAMS). */
  balancerUpstreams: typeof BALANCER_UPSTREAMS;
  /** Limit zones of the Ingresses' access policies (templates/http-policy.hbs). */
  accessPolicy: HttpPolicyView;
  servers: ServerView[];
}

export interface ServerView {
  /** `_` for the catch-all server, a host, or (when serverNameIsRegex) a `~` regex. */
  serverName: string;
  serverNameIsRegex: boolean;
  /** `server-alias` names, validated DNS names. */
  aliases: string[];
  /** Arguments of each `listen` directive; built from validated settings only. */
  listens: string[];
  /**
   * The server's own TLS context (certificate, client verification, snippet), or null to share the catch-all's,
   * which serves the default certificate. nginx builds one OpenSSL context per server that has TLS directives
   * or `listen … ssl`, costly in time and memory at thousands of hosts; a server with neither is reached by SNI
   * through the catch-all's context (the port is TLS as soon as one server says `ssl`).
   */
  tls: { certFile: string; keyFile: string } | null;
  /** Send `$portico_hsts` (Strict-Transport-Security on HTTPS answers): the host is in an Ingress's spec.tls and `hsts` is on. */
  hsts: boolean;
  /** Answer 403 to requests `block-cidrs`, `block-user-agents` or `block-referers` match. */
  blocking: boolean;
  locations: LocationView[];
  /** Named locations serving custom errors (`custom-http-errors`). */
  errorLocations: ErrorLocationView[];
  /** Client certificates, external-auth locations, server-snippet (templates/server-policy.hbs). */
  policy: ServerPolicyView;
  /** `from-to-www-redirect`: the partner name's server, whose every request gets a 308 to `target` (an expression). */
  wwwRedirect: { serverName: string; target: string } | null;
  /** `$portico_metric_key` for what the server answers before a location runs (the https redirect). */
  metricKey: string;
}

export interface LocationView extends LocationSettingsView {
  /** `$portico_metric_key`: the labels Lua counts this location's requests under (see metrics/key.ts). */
  metricKey: string;
  exact: boolean;
  /** `~*`: `path` is a regex (quoted with `re`). */
  regex: boolean;
  path: string;
  backend: string | null;
  /** Limits, address ranges, auth, CORS, headers, log, snippet (templates/location-policy.hbs). */
  policy: LocationPolicyView;
  /** `$portico_route`: the id Lua finds this location's lanes (canaries) by; hex digits only. */
  route: string;
  /** Sends the http level's request headers and sets none of its own (see sendsStandardHeaders). */
  inheritsHeaders: boolean;
}

// Hosts are validated by the model; checked again because a quoted server_name starting with `~` is still a regex.
const HOST_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i;

export function buildView(model: Model, settings: RenderSettings, hash: string): ConfigView {
  const { workDir } = settings;
  const catchAllCount = model.servers.filter((server) => server.match === 'catch-all').length;
  if (catchAllCount !== 1) throw new PorticoError('TEMPLATE', `expected one catch-all server, got ${catchAllCount}`);
  const certificateNames = new Set(model.certificates.map((certificate) => certificate.name));
  const certificateFiles = (name: string | null) => {
    if (name === null) return null;
    if (!certificateNames.has(name)) throw new PorticoError('TEMPLATE', `unknown certificate ${name}`);
    return certificatePaths(workDir, name);
  };
  const defaultCertificate = certificateFiles(model.defaultCertificate) ?? settings.defaultCertificate;
  const serviceNames = new Map(model.backends.map((backend) => [backend.name, backend.service.name]));
  const exactHosts = model.servers.filter((server) => server.match === 'exact').map((server) => server.host);
  const global = globalView(model.settings);
  return {
    hash,
    modules: settings.modules,
    user: settings.user === null ? null : settings.user.split(/\s+/),
    // The ConfigMap's worker-processes, when set, wins over --worker-processes.
    workerProcesses: model.settings.workerProcesses ?? settings.workerProcesses,
    pidFile: `${workDir}/nginx.pid`,
    errorLogLevel: model.settings.errorLogLevel,
    global,
    tempPaths: {
      clientBody: `${workDir}/tmp/client_body`,
      proxy: `${workDir}/tmp/proxy`,
      fastcgi: `${workDir}/tmp/fastcgi`,
      uwsgi: `${workDir}/tmp/uwsgi`,
      scgi: `${workDir}/tmp/scgi`,
    },
    luaPackagePath: [`${settings.luaDir}/?.lua`, ...settings.luaPackagePath].join(';') + ';;',
    serverNamesHashBucketSize: hashBucketSize(exactHosts),
    // Too few buckets for the number of names makes nginx warn on every reload.
    serverNamesHashMaxSize: Math.max(512, 2 * exactHosts.length),
    mapHashBucketSize: hashBucketSize([...global.blockUserAgents, ...global.blockReferers].flatMap((key) => key.exact ?? [])),
    configSocket: `unix:${workDir}/${CONFIG_SOCKET}`,
    unavailableSocket: `unix:${workDir}/${UNAVAILABLE_SOCKET}`,
    balancerUpstreams: BALANCER_UPSTREAMS,
    accessPolicy: httpPolicyView(model),
    servers: model.servers.map((server) => {
      const tls = serverTls(server, certificateFiles(server.certificate), defaultCertificate);
      return {
        ...serverName(server),
        listens: listens(server, tls !== null, settings, model.settings),
        tls,
        hsts: server.sslRedirect && global.hsts !== null,
        blocking: global.blocking,
        aliases: server.aliases,
        locations: locationViews(server, serviceNames, settings),
        errorLocations: errorLocations(server),
        policy: serverPolicyView(server, workDir, settings.resolvers),
        wwwRedirect: server.redirectFrom === null ? null : { serverName: server.redirectFrom, target: `$scheme://${server.host}$portico_port_suffix$request_uri` },
        metricKey: metricKey({ namespace: '', ingress: '', service: '', host: server.host }),
      };
    }),
  };
}

type CertificateFiles = { certFile: string; keyFile: string };

function serverTls(server: Server, own: CertificateFiles | null, defaultCertificate: CertificateFiles): CertificateFiles | null {
  if (server.match === 'catch-all') return own ?? defaultCertificate;
  if (own !== null && own.certFile !== defaultCertificate.certFile) return own;
  // Client verification is a property of the context; a snippet may hold ssl_* directives, which need one too.
  if (server.policy.clientCertificate !== null || server.policy.snippet !== null) return defaultCertificate;
  return null;
}

function serverName(server: Server): Pick<ServerView, 'serverName' | 'serverNameIsRegex'> {
  if (server.match === 'catch-all') return { serverName: '_', serverNameIsRegex: false };
  const host = server.match === 'wildcard' && server.host.startsWith('*.') ? server.host.slice(2) : server.host;
  if (!HOST_NAME.test(host)) throw new PorticoError('TEMPLATE', `invalid ${server.match} host ${JSON.stringify(server.host)}`);
  // nginx's own `*.foo.com` also matches a.b.foo.com; Ingress wildcards match exactly one label.
  if (server.match === 'wildcard') return { serverName: `~^[^.]+\\.${host.replaceAll('.', '\\.')}$`, serverNameIsRegex: true };
  return { serverName: host, serverNameIsRegex: false };
}

function listens(server: Server, ownTls: boolean, settings: RenderSettings, global: Pick<Settings, 'useHttp2' | 'useProxyProtocol'>): string[] {
  const defaultServer = server.match === 'catch-all' ? ' default_server' : '';
  const proxyProtocol = global.useProxyProtocol ? ' proxy_protocol' : '';
  return [
    `${listenAddress(settings.bindAddress, settings.httpPort)}${proxyProtocol}${defaultServer}`,
    `${listenAddress(settings.bindAddress, settings.httpsPort)}${ownTls ? ' ssl' : ''}${global.useHttp2 ? ' http2' : ''}${proxyProtocol}${defaultServer}`,
  ];
}

function listenAddress(bindAddress: string | null, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PorticoError('FLAG', `invalid port ${port}`);
  if (bindAddress === null) return String(port);
  switch (isIP(bindAddress)) {
    case 4:
      return `${bindAddress}:${port}`;
    case 6:
      return `[${bindAddress}]:${port}`;
    default:
      throw new PorticoError('FLAG', `bind address ${JSON.stringify(bindAddress)} is not an IP address`);
  }
}

/**
 * Prefix `/aaa` becomes `= /aaa` plus prefix `/aaa/`, so it matches whole path elements only; an Exact rule
 * for the same path owns `= /aaa` (nginx refuses duplicate locations).
 */
function locationViews(server: Server, serviceNames: ReadonlyMap<string, string>, settings: RenderSettings): LocationView[] {
  const { locations, host } = server;
  const exactPaths = new Set(locations.filter((l) => l.match === 'exact').map((l) => l.path));
  return locations.flatMap((location): LocationView[] => {
    const { path, match, backend, ingress } = location;
    // A quoted location starting with `=`, `~` or `@` would still change its meaning.
    if (!path.startsWith('/')) throw new PorticoError('TEMPLATE', `location path ${JSON.stringify(path)} must start with /`);
    const service = backend === null ? '' : (serviceNames.get(backend) ?? '');
    const regex = server.regex ? locationRegex(path, match) : null;
    const target = {
      backend,
      route: routeId(host, match, path),
      metricKey: metricKey({ namespace: ingress?.namespace ?? '', ingress: ingress?.name ?? '', service, host }),
      regex: false,
      ...locationSettings(location, regex, settings, serviceNames),
      policy: locationPolicyView(server, location, settings.workDir),
    };
    const inheritsHeaders = sendsStandardHeaders(target, server);
    if (regex !== null) return [{ ...target, inheritsHeaders, exact: false, path: regex, regex: true }];
    if (match === 'regex') throw new PorticoError('TEMPLATE', `regex location ${JSON.stringify(path)} outside a regex server`);
    if (match === 'exact') return [{ exact: true, path, ...target, inheritsHeaders }];
    if (path === '/') return [{ exact: false, path, ...target, inheritsHeaders }];
    const element = { exact: false, path: `${path}/`, ...target, inheritsHeaders };
    return exactPaths.has(path) ? [element] : [{ exact: true, path, ...target, inheritsHeaders }, element];
  });
}

/**
 * True when a location sends exactly the request headers set at the http level, so it sets none and inherits
 * those: nginx builds a header table for every location that sets any (20k of them at 10k Ingresses cost about
 * a second of each configuration load). A snippet may set headers of its own, which would end the inheritance,
 * so a location or server with one sets all of them itself.
 */
function sendsStandardHeaders(location: Omit<LocationView, 'exact' | 'path' | 'inheritsHeaders'>, server: Server): boolean {
  const { module, upgrade, upstreamHost, forwardedPrefix, connectionHeader, policy } = location;
  return (
    module === 'proxy' && upgrade && upstreamHost === null && forwardedPrefix === null && connectionHeader === null &&
    policy.upstreamHeaders.length === 0 && policy.snippet === null && server.policy.snippet === null
  );
}

/**
 * nginx refuses to start when the longest exact server name (or map key) does not fit a hash bucket, and warns on
 * every reload when buckets are too small to spread many names; room for two of the longest entries avoids both.
 */
function hashBucketSize(hosts: string[]): number {
  // An entry is a pointer plus the name and two bytes, pointer-aligned; one more pointer ends the bucket.
  const longestEntry = 8 + hosts.reduce((longest, host) => Math.max(longest, host.length), 0) + 2 + 8;
  let size = 128;
  while (size < 2 * longestEntry) size *= 2;
  return size;
}
