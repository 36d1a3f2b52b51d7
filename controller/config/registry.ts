/**
 * Every key of the controller's ConfigMap Portico reads, by the name code uses; README's reference is generated
 * from this table. A new key is one entry in its family's module plus one line here; its parsed value then
 * appears in Settings (and so in the model, where a change reloads).
 */
import { blockCidrs, blockReferers, blockUserAgents } from './blocking.js';
import { computeFullForwardedFor, enableRealIp, forwardedForHeader, proxyRealIpCidr, useForwardedHeaders, useProxyProtocol } from './client-address.js';
import {
  keepAlive,
  keepAliveRequests,
  maxWorkerConnections,
  upstreamKeepaliveConnections,
  upstreamKeepaliveRequests,
  upstreamKeepaliveTimeout,
  useHttp2,
  workerProcesses,
} from './connections.js';
import { gzipLevel, gzipMinLength, gzipTypes, useGzip } from './gzip.js';
import { accessLogPath, enableAccessLogForDefaultBackend, errorLogLevel, logFormatEscapeJson, logFormatUpstream } from './logs.js';
import { allowSnippetAnnotations, annotationsRiskLevel } from './policy.js';
import {
  clientHeaderBufferSize,
  customHttpErrors,
  largeClientHeaderBuffers,
  limitConnStatusCode,
  limitReqStatusCode,
  proxyBodySize,
  proxyConnectTimeout,
  proxyReadTimeout,
  proxySendTimeout,
  serverTokens,
} from './requests.js';
import { hsts, hstsIncludeSubdomains, hstsMaxAge, hstsPreload, sslCiphers, sslProtocols, sslSessionCache, sslSessionCacheSize, sslSessionTimeout } from './tls.js';
import type { Setting } from './types.js';

export const SETTINGS = {
  // Logs
  logFormatUpstream,
  logFormatEscapeJson,
  accessLogPath,
  enableAccessLogForDefaultBackend,
  errorLogLevel,
  // Client address
  useForwardedHeaders,
  forwardedForHeader,
  computeFullForwardedFor,
  enableRealIp,
  proxyRealIpCidr,
  useProxyProtocol,
  // TLS
  sslProtocols,
  sslCiphers,
  sslSessionCache,
  sslSessionCacheSize,
  sslSessionTimeout,
  hsts,
  hstsMaxAge,
  hstsIncludeSubdomains,
  hstsPreload,
  // Workers and connections
  workerProcesses,
  maxWorkerConnections,
  keepAlive,
  keepAliveRequests,
  upstreamKeepaliveConnections,
  upstreamKeepaliveTimeout,
  upstreamKeepaliveRequests,
  useHttp2,
  // Requests
  proxyBodySize,
  proxyConnectTimeout,
  proxyReadTimeout,
  proxySendTimeout,
  clientHeaderBufferSize,
  largeClientHeaderBuffers,
  customHttpErrors,
  serverTokens,
  limitReqStatusCode,
  limitConnStatusCode,
  // Compression
  useGzip,
  gzipTypes,
  gzipLevel,
  gzipMinLength,
  // Blocking
  blockCidrs,
  blockUserAgents,
  blockReferers,
  // Annotations
  allowSnippetAnnotations,
  annotationsRiskLevel,
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;

/** The parsed value of every key (its default when absent or invalid), typed per key. */
export type Settings = { [K in SettingName]: (typeof SETTINGS)[K]['default'] };
