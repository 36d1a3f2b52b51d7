/** The view of access policies: http-level limit zones, per-location access directives, per-server client certificates. */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { PorticoError } from '../errors.js';
import type { AccessPolicy, Cors, Location, Model, RateLimits, Server } from '../model/types.js';
import { secretFilePath } from './settings.js';

/** ingress-nginx's shared memory per limit zone. */
const ZONE_SIZE = '5m';

export interface LimitZoneView {
  /** `geo` of the allowlist: variable and canonical CIDRs, or null when every client is limited. */
  allowlist: { variable: string; keyVariable: string; ranges: string[] } | null;
  /** `$binary_remote_addr`, or the allowlist's key (empty for spared clients, which nginx does not count). */
  key: string;
  /** `limit_req_zone`/`limit_conn_zone` arguments after the key: `zone=name:size` and a rate. */
  requests: Array<{ zone: string; rate: string }>;
  connections: string | null;
}

export interface HttpPolicyView {
  limitZones: LimitZoneView[];
}

export interface LocationPolicyView {
  limitRequests: Array<{ zone: string; burst: number }>;
  limitConnections: { zone: string; count: number } | null;
  deny: string[];
  allow: string[];
  /** `deny all` after the allowlist. */
  allowOnly: boolean;
  satisfyAny: boolean;
  basicAuth: { realm: string; file: string } | null;
  externalAuth: { location: string; signin: string | null; escapeUri: boolean; captures: Array<{ variable: string; source: string }> } | null;
  /** `more_set_headers` arguments (`Name: value`), preflight ones, and the origin check regex (null: any origin). */
  cors: { originRegex: string | null; headers: string[]; preflightHeaders: string[] } | null;
  responseHeaders: string[];
  /** Headers to the upstream: a literal name and an nginx variable (no input). */
  upstreamHeaders: Array<{ name: string; value: string }>;
  accessLogOff: boolean;
  snippet: string | null;
}

export interface ExternalAuthLocationView {
  path: string;
  url: string;
  method: string | null;
  /** `resolver` arguments (IP literals, IPv6 bracketed), or null when there are no name servers. */
  resolver: string | null;
}

export interface ServerPolicyView {
  clientCertificate: { caFile: string; verify: string; depth: number; errorPage: string | null } | null;
  externalAuthLocations: ExternalAuthLocationView[];
  snippet: string | null;
}

const CIDR = /^[0-9a-f.:]+\/\d{1,3}$/;

function cidrs(ranges: string[]): string[] {
  const bad = ranges.find((range) => !CIDR.test(range));
  if (bad !== undefined) throw new PorticoError('TEMPLATE', `invalid address range ${JSON.stringify(bad)}`);
  return ranges;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Zone names come from `namespace.name` (DNS labels and subdomains); checked again as they are written unquoted in arguments. */
function zoneName(limits: RateLimits, kind: 'rps' | 'rpm' | 'conn'): string {
  if (!/^[a-z0-9.-]+$/.test(limits.zone)) throw new PorticoError('TEMPLATE', `invalid limit zone ${JSON.stringify(limits.zone)}`);
  return `${limits.zone}_${kind}`;
}

/** The request limits an Ingress sets, per second and per minute, each with its own zone. */
function rates(limits: RateLimits): Array<{ zone: string; rate: string; burst: number }> {
  return [
    ...(limits.rps === null ? [] : [{ zone: zoneName(limits, 'rps'), rate: `${limits.rps}r/s`, burst: limits.rps * limits.burstMultiplier }]),
    ...(limits.rpm === null ? [] : [{ zone: zoneName(limits, 'rpm'), rate: `${limits.rpm}r/m`, burst: limits.rpm * limits.burstMultiplier }]),
  ];
}

function limitZone(limits: RateLimits): LimitZoneView {
  const id = shortHash(limits.zone);
  const allowlist =
    limits.allowlist.length === 0 ? null : { variable: `$portico_limit_spared_${id}`, keyVariable: `$portico_limit_key_${id}`, ranges: cidrs(limits.allowlist) };
  const requests = rates(limits).map(({ zone, rate }) => ({ zone: `zone=${zone}:${ZONE_SIZE}`, rate: `rate=${rate}` }));
  const connections = limits.connections === null ? null : `zone=${zoneName(limits, 'conn')}:${ZONE_SIZE}`;
  return { allowlist, key: allowlist?.keyVariable ?? '$binary_remote_addr', requests, connections };
}

/** One set of zones per Ingress with limits (its locations share them). */
export function httpPolicyView(model: Model): HttpPolicyView {
  const zones = new Map<string, RateLimits>();
  for (const server of model.servers) for (const { policy } of server.locations) if (policy.limits) zones.set(policy.limits.zone, policy.limits);
  return { limitZones: [...zones.keys()].sort().map((zone) => limitZone(zones.get(zone)!)) };
}

/** `https://*.foo.com` → one label in front of foo.com; the rest literal. Origins are validated by the annotation parser. */
function originPattern(origin: string): string {
  return origin
    .split('*.')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[A-Za-z0-9-]+\\.');
}

function corsView(cors: Cors): LocationPolicyView['cors'] {
  const any = cors.origins.includes('*');
  const headers = [
    `Access-Control-Allow-Origin: ${any ? '*' : '$http_origin'}`,
    ...(cors.credentials ? ['Access-Control-Allow-Credentials: true'] : []),
    `Access-Control-Allow-Methods: ${cors.methods}`,
    `Access-Control-Allow-Headers: ${cors.headers}`,
    ...(cors.exposeHeaders === null ? [] : [`Access-Control-Expose-Headers: ${cors.exposeHeaders}`]),
    `Access-Control-Max-Age: ${cors.maxAge}`,
  ];
  return {
    originRegex: any ? null : `^(?:${cors.origins.map(originPattern).join('|')})$`,
    headers,
    preflightHeaders: [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Length: 0'],
  };
}

/** The internal location a location's auth subrequest goes to: unique per host, path and match. */
function externalAuthPath(server: Server, location: Location): string {
  return `/_portico_external_auth_${shortHash(`${server.host} ${location.match} ${location.path}`)}`;
}

/** `X-User` → `$upstream_http_x_user`; names are validated header tokens. */
function upstreamHeaderVariable(name: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new PorticoError('TEMPLATE', `header ${JSON.stringify(name)} cannot be read from the auth answer`);
  return `$upstream_http_${name.toLowerCase().replaceAll('-', '_')}`;
}

/** Headers telling the upstream about the client certificate, as ingress-nginx sends them. */
function clientCertificateHeaders(pass: boolean): Array<{ name: string; value: string }> {
  return [
    { name: 'ssl-client-verify', value: '$ssl_client_verify' },
    { name: 'ssl-client-subject-dn', value: '$ssl_client_s_dn' },
    { name: 'ssl-client-issuer-dn', value: '$ssl_client_i_dn' },
    ...(pass ? [{ name: 'ssl-client-cert', value: '$ssl_client_escaped_cert' }] : []),
  ];
}

export function locationPolicyView(server: Server, location: Location, workDir: string): LocationPolicyView {
  const policy: AccessPolicy = location.policy;
  const { limits, externalAuth } = policy;
  const captures = (externalAuth?.responseHeaders ?? []).map((name, index) => ({ name, variable: `$portico_auth_${index}`, source: upstreamHeaderVariable(name) }));
  return {
    limitRequests: limits ? rates(limits).map(({ zone, burst }) => ({ zone: `zone=${zone}`, burst })) : [],
    limitConnections: limits?.connections ? { zone: zoneName(limits, 'conn'), count: limits.connections } : null,
    deny: cidrs(policy.deny),
    allow: cidrs(policy.allow),
    allowOnly: policy.allow.length > 0,
    satisfyAny: policy.satisfy === 'any',
    basicAuth: policy.basicAuth ? { realm: policy.basicAuth.realm, file: secretFilePath(workDir, policy.basicAuth.file) } : null,
    externalAuth: externalAuth
      ? {
          location: externalAuthPath(server, location),
          signin: externalAuth.signin,
          escapeUri: externalAuth.signin?.includes('$escaped_request_uri') ?? false,
          captures: captures.map(({ variable, source }) => ({ variable, source })),
        }
      : null,
    cors: policy.cors ? corsView(policy.cors) : null,
    responseHeaders: policy.responseHeaders.map(({ name, value }) => `${name}: ${value}`),
    upstreamHeaders: [
      ...captures.map(({ name, variable }) => ({ name, value: variable })),
      ...(server.policy.clientCertificate ? clientCertificateHeaders(policy.passClientCertificate) : []),
    ],
    accessLogOff: !policy.accessLog,
    snippet: policy.snippet,
  };
}

/** nginx's `resolver` arguments for the name servers; each checked to be an IP literal. */
function resolverArguments(resolvers: readonly string[]): string | null {
  if (resolvers.length === 0) return null;
  return resolvers
    .map((address) => {
      const family = isIP(address);
      if (family === 0) throw new PorticoError('TEMPLATE', `resolver ${JSON.stringify(address)} is not an IP address`);
      return family === 6 ? `[${address}]` : address;
    })
    .join(' ');
}

export function serverPolicyView(server: Server, workDir: string, resolvers: readonly string[] = []): ServerPolicyView {
  const certificate = server.policy.clientCertificate;
  const resolver = resolverArguments(resolvers);
  const authLocations = new Map<string, ExternalAuthLocationView>();
  for (const location of server.locations) {
    const auth = location.policy.externalAuth;
    if (auth) authLocations.set(externalAuthPath(server, location), { path: externalAuthPath(server, location), url: auth.url, method: auth.method, resolver });
  }
  return {
    clientCertificate: certificate ? { ...certificate, caFile: secretFilePath(workDir, certificate.caFile) } : null,
    externalAuthLocations: [...authLocations.values()],
    snippet: server.policy.snippet,
  };
}
