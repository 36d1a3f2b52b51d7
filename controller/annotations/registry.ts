/**
 * Every annotation Portico reads, by the name code uses; README's reference is generated from this table.
 * A new annotation is one module plus one line here; its parsed value then appears in AnnotationValues.
 */
import { affinity, affinityMode, sessionCookieChangeOnFailure, sessionCookieConditionalSamesiteNone, sessionCookieExpires, sessionCookieMaxAge, sessionCookieName, sessionCookiePath, sessionCookieSamesite, sessionCookieSecure } from './affinity.js';
import { appRoot } from './app-root.js';
import { authMethod, authResponseHeaders, authSignin, authSnippet, authUrl } from './auth-external.js';
import { authRealm, authSecret, authSecretType, authType, satisfy } from './auth-basic.js';
import { authTlsErrorPage, authTlsPassCertificateToUpstream, authTlsSecret, authTlsVerifyClient, authTlsVerifyDepth } from './auth-tls.js';
import { corsAllowCredentials, corsAllowHeaders, corsAllowMethods, corsAllowOrigin, corsExposeHeaders, corsMaxAge, enableCors } from './cors.js';
import { limitAllowlist, limitBurstMultiplier, limitConnections, limitRpm, limitRps, limitWhitelist } from './limits.js';
import { customHeaders, enableAccessLog } from './response-headers.js';
import { configurationSnippet, serverSnippet } from './snippets.js';
import { allowlistSourceRange, denylistSourceRange, whitelistSourceRange } from './source-ranges.js';
import { backendProtocol } from './backend-protocol.js';
import { canary, canaryByCookie, canaryByHeader, canaryByHeaderPattern, canaryByHeaderValue, canaryWeight, canaryWeightTotal } from './canary.js';
import { connectionProxyHeader } from './connection-proxy-header.js';
import { customHttpErrors, defaultBackend } from './custom-errors.js';
import { fromToWwwRedirect } from './from-to-www-redirect.js';
import { loadBalance } from './load-balance.js';
import { proxyBodySize } from './proxy-body-size.js';
import { clientBodyBufferSize, proxyBufferSize, proxyBuffering, proxyRequestBuffering } from './proxy-buffers.js';
import { proxyHttpVersion } from './proxy-http-version.js';
import { proxyNextUpstream, proxyNextUpstreamTimeout, proxyNextUpstreamTries } from './proxy-next-upstream.js';
import { proxyConnectTimeout, proxyReadTimeout, proxySendTimeout } from './proxy-timeouts.js';
import { permanentRedirect, permanentRedirectCode, temporalRedirect, temporalRedirectCode } from './redirect.js';
import { rewriteTarget } from './rewrite-target.js';
import { serverAlias } from './server-alias.js';
import { serviceUpstream } from './service-upstream.js';
import { forceSslRedirect, preserveTrailingSlash, sslRedirect } from './ssl-redirect.js';
import type { Annotation } from './types.js';
import { upstreamHashBy, upstreamHashBySubset, upstreamHashBySubsetSize } from './upstream-hash-by.js';
import { upstreamVhost } from './upstream-vhost.js';
import { useRegex } from './use-regex.js';
import { xForwardedPrefix } from './x-forwarded-prefix.js';

export const ANNOTATIONS = {
  // Rewrites and redirects
  rewriteTarget,
  useRegex,
  appRoot,
  permanentRedirect,
  permanentRedirectCode,
  temporalRedirect,
  temporalRedirectCode,
  sslRedirect,
  forceSslRedirect,
  preserveTrailingSlash,
  fromToWwwRedirect,
  xForwardedPrefix,
  serverAlias,
  // Upstream
  backendProtocol,
  upstreamVhost,
  serviceUpstream,
  proxyConnectTimeout,
  proxySendTimeout,
  proxyReadTimeout,
  proxyBodySize,
  proxyBuffering,
  proxyBufferSize,
  proxyRequestBuffering,
  clientBodyBufferSize,
  proxyNextUpstream,
  proxyNextUpstreamTries,
  proxyNextUpstreamTimeout,
  proxyHttpVersion,
  connectionProxyHeader,
  // Balancing
  loadBalance,
  upstreamHashBy,
  upstreamHashBySubset,
  upstreamHashBySubsetSize,
  // Session affinity
  affinity,
  affinityMode,
  sessionCookieName,
  sessionCookiePath,
  sessionCookieMaxAge,
  sessionCookieExpires,
  sessionCookieSamesite,
  sessionCookieConditionalSamesiteNone,
  sessionCookieSecure,
  sessionCookieChangeOnFailure,
  // Canary and lanes
  canary,
  canaryByHeader,
  canaryByHeaderValue,
  canaryByHeaderPattern,
  canaryByCookie,
  canaryWeight,
  canaryWeightTotal,
  // Errors
  customHttpErrors,
  defaultBackend,
  // Access policy
  limitRps,
  limitRpm,
  limitConnections,
  limitBurstMultiplier,
  limitAllowlist,
  limitWhitelist,
  allowlistSourceRange,
  whitelistSourceRange,
  denylistSourceRange,
  authType,
  authSecret,
  authSecretType,
  authRealm,
  authUrl,
  authMethod,
  authSignin,
  authResponseHeaders,
  authSnippet,
  authTlsSecret,
  authTlsVerifyClient,
  authTlsVerifyDepth,
  authTlsPassCertificateToUpstream,
  authTlsErrorPage,
  satisfy,
  // CORS, response headers, logs
  enableCors,
  corsAllowOrigin,
  corsAllowMethods,
  corsAllowHeaders,
  corsExposeHeaders,
  corsAllowCredentials,
  corsMaxAge,
  customHeaders,
  enableAccessLog,
  // Raw configuration
  configurationSnippet,
  serverSnippet,
} satisfies Record<string, Annotation<unknown>>;

export type AnnotationName = keyof typeof ANNOTATIONS;

/** The parsed value of every annotation (its default when absent), typed per annotation. */
export type AnnotationValues = { [K in AnnotationName]: (typeof ANNOTATIONS)[K]['default'] };
