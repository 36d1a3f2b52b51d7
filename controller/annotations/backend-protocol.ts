import { annotation } from './types.js';
import { oneOf } from './validators.js';

export const BACKEND_PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'GRPCS'] as const;
export type BackendProtocol = (typeof BACKEND_PROTOCOLS)[number];

/** How nginx talks to the endpoints: HTTP/1.1 in clear or TLS, or gRPC (HTTP/2) in clear or TLS. */
export const backendProtocol = annotation<BackendProtocol>({
  key: 'backend-protocol',
  scope: 'location',
  risk: 'Low',
  default: 'HTTP',
  doc: 'protocol to the endpoints: `HTTP`, `HTTPS`, `GRPC` or `GRPCS` (gRPC clients must reach Portico over HTTPS, which speaks HTTP/2)',
  parse: oneOf(BACKEND_PROTOCOLS),
});
