/** What an Ingress's parsed annotations make of each location it contributes (the model side of controller/annotations). */
import { DEFAULT_VALUES } from '../annotations/read.js';
import type { AnnotationValues } from '../annotations/registry.js';
import type { Location, ObjectRef, Server } from './types.js';
import { OPEN_POLICY, OPEN_SERVER_POLICY } from './policy.js';

/** Location fields that come from annotations alone; the same for every path of one Ingress. */
export type AnnotatedFields = Omit<Location, 'path' | 'match' | 'backend' | 'ingress' | 'httpsRedirect' | 'policy'>;

/** The https redirect policy of an Ingress's locations; resolved per host once its TLS is known (see httpsRedirect). */
export interface SslPolicy {
  redirect: boolean;
  force: boolean;
  preserveTrailingSlash: boolean;
}

export function annotatedFields(values: AnnotationValues, errorBackend: string | null): AnnotatedFields {
  // ingress-nginx: a temporal redirect wins over a permanent one.
  const redirect = values.temporalRedirect
    ? { url: values.temporalRedirect, code: values.temporalRedirectCode }
    : values.permanentRedirect
      ? { url: values.permanentRedirect, code: values.permanentRedirectCode }
      : null;
  return {
    redirect,
    appRoot: values.appRoot,
    rewriteTarget: values.rewriteTarget,
    upstream: {
      protocol: values.backendProtocol,
      vhost: values.upstreamVhost,
      forwardedPrefix: values.xForwardedPrefix,
      connectionHeader: values.connectionProxyHeader,
    },
    proxy: {
      connectTimeoutMs: values.proxyConnectTimeout,
      sendTimeoutMs: values.proxySendTimeout,
      readTimeoutMs: values.proxyReadTimeout,
      bodySize: values.proxyBodySize,
      buffering: values.proxyBuffering,
      bufferSize: values.proxyBufferSize,
      requestBuffering: values.proxyRequestBuffering,
      clientBodyBufferSize: values.clientBodyBufferSize,
      nextUpstream: values.proxyNextUpstream,
      nextUpstreamTries: values.proxyNextUpstreamTries,
      nextUpstreamTimeoutMs: values.proxyNextUpstreamTimeout,
      httpVersion: values.proxyHttpVersion,
    },
    errors: { codes: [...values.customHttpErrors].sort((a, b) => a - b), backend: errorBackend },
  };
}

export function sslPolicy(values: AnnotationValues): SslPolicy {
  return { redirect: values.sslRedirect, force: values.forceSslRedirect, preserveTrailingSlash: values.preserveTrailingSlash };
}

/** ingress-nginx: redirect when forced, or when the host has TLS and ssl-redirect is not turned off. */
export function httpsRedirect(policy: SslPolicy, hostHasTls: boolean): Location['httpsRedirect'] {
  return policy.force || (hostHasTls && policy.redirect) ? { preserveTrailingSlash: policy.preserveTrailingSlash } : null;
}

/** A location no annotation configures (the generated `/` fallback; hand-built models in tests). */
export function plainLocation(path: string, match: Location['match'], backend: string | null, ingress: ObjectRef | null = null): Location {
  return { path, match, backend, ingress, httpsRedirect: null, ...annotatedFields(DEFAULT_VALUES, null), policy: OPEN_POLICY };
}

/** The server fields only annotations set, at their defaults. */
export const PLAIN_SERVER: Pick<Server, 'aliases' | 'redirectFrom' | 'regex' | 'policy'> = { aliases: [], redirectFrom: null, regex: false, policy: OPEN_SERVER_POLICY };
