/** The view of the ConfigMap's settings (model.settings): the http-level directives and maps every server shares. */
import type { HeaderPattern } from '../config/header-pattern.js';
import type { Settings } from '../config/registry.js';
import { milliseconds } from './location-settings.js';

/** One `map` line: exact text (quoted with `q`) or a `~`/`~*` regex (quoted with `re`). */
export type MapKey = { exact: string; regex: null } | { exact: null; regex: string };

export interface GlobalView {
  /** The `log_format` body with `${name}` variables (quoted with `qvars`), and whether to escape them for JSON. */
  logFormat: string;
  logEscapeJson: boolean;
  /** The access log file (may hold `${host}` and the like, quoted with `qvars`), or null for `access_log off`. */
  accessLog: string | null;
  serverTokens: boolean;
  workerConnections: number;
  clientMaxBodySize: string;
  timeouts: { connect: string; read: string; send: string };
  clientHeaderBufferSize: string;
  largeClientHeaderBuffers: { count: number; size: string };
  keepalive: { timeout: string; requests: number };
  /** Omitted (no `keepalive` in the upstream) when `upstream-keepalive-connections` is 0. */
  upstreamKeepalive: { connections: number; timeout: string; requests: number } | null;
  ssl: { protocols: string[]; ciphers: string; sessionCache: string; sessionTimeout: string };
  /** The Strict-Transport-Security value sent on HTTPS answers of TLS hosts, or null. */
  hsts: string | null;
  gzip: { level: number; minLength: number; types: string[] } | null;
  /** `real_ip_header` and the trusted `set_real_ip_from` ranges, or null to use the peer address. */
  realIp: { header: string; from: string[] } | null;
  /** `use-forwarded-headers`: X-Forwarded-Proto/-Host/-Port from the client are passed on. */
  trustForwardedHeaders: boolean;
  /** `compute-full-forwarded-for`: the client's X-Forwarded-For is kept and the peer appended. */
  computeFullForwardedFor: boolean;
  limitStatus: { req: number; conn: number };
  blockCidrs: string[];
  blockUserAgents: MapKey[];
  blockReferers: MapKey[];
  /** Some block entry exists: each server answers 403 to a matching request. */
  blocking: boolean;
}

function mapKeys(patterns: HeaderPattern[]): MapKey[] {
  return patterns.map((pattern) =>
    'exact' in pattern ? { exact: pattern.exact, regex: null } : { exact: null, regex: `${pattern.caseInsensitive ? '~*' : '~'}${pattern.regex}` },
  );
}

function hstsValue(settings: Settings): string | null {
  if (!settings.hsts) return null;
  return [`max-age=${settings.hstsMaxAge}`, settings.hstsIncludeSubdomains ? 'includeSubDomains' : [], settings.hstsPreload ? 'preload' : []].flat().join('; ');
}

function realIp(settings: Settings): GlobalView['realIp'] {
  if (settings.useProxyProtocol) return { header: 'proxy_protocol', from: settings.proxyRealIpCidr };
  if (settings.useForwardedHeaders || settings.enableRealIp) return { header: settings.forwardedForHeader, from: settings.proxyRealIpCidr };
  return null;
}

export function globalView(settings: Settings): GlobalView {
  const blockUserAgents = mapKeys(settings.blockUserAgents);
  const blockReferers = mapKeys(settings.blockReferers);
  return {
    logFormat: settings.logFormatUpstream.format,
    logEscapeJson: settings.logFormatEscapeJson || settings.logFormatUpstream.json,
    accessLog: settings.accessLogPath,
    serverTokens: settings.serverTokens,
    workerConnections: settings.maxWorkerConnections,
    clientMaxBodySize: settings.proxyBodySize,
    timeouts: {
      connect: milliseconds(settings.proxyConnectTimeout),
      read: milliseconds(settings.proxyReadTimeout),
      send: milliseconds(settings.proxySendTimeout),
    },
    clientHeaderBufferSize: settings.clientHeaderBufferSize,
    largeClientHeaderBuffers: settings.largeClientHeaderBuffers,
    keepalive: { timeout: milliseconds(settings.keepAlive), requests: settings.keepAliveRequests },
    upstreamKeepalive:
      settings.upstreamKeepaliveConnections === 0
        ? null
        : { connections: settings.upstreamKeepaliveConnections, timeout: milliseconds(settings.upstreamKeepaliveTimeout), requests: settings.upstreamKeepaliveRequests },
    ssl: {
      protocols: settings.sslProtocols,
      ciphers: settings.sslCiphers,
      sessionCache: settings.sslSessionCache ? `shared:SSL:${settings.sslSessionCacheSize}` : 'off',
      sessionTimeout: milliseconds(settings.sslSessionTimeout),
    },
    hsts: hstsValue(settings),
    gzip: settings.useGzip ? { level: settings.gzipLevel, minLength: settings.gzipMinLength, types: settings.gzipTypes } : null,
    realIp: realIp(settings),
    trustForwardedHeaders: settings.useForwardedHeaders,
    computeFullForwardedFor: settings.computeFullForwardedFor,
    limitStatus: { req: settings.limitReqStatusCode, conn: settings.limitConnStatusCode },
    blockCidrs: settings.blockCidrs,
    blockUserAgents,
    blockReferers,
    blocking: settings.blockCidrs.length + blockUserAgents.length + blockReferers.length > 0,
  };
}
