/** One catalogue of error codes, so logs and Events name problems the same way everywhere. */
export const ErrorCodes = {
  MANIFEST_PARSE: 'manifest file could not be parsed',
  CONFIG_INVALID: 'rendered configuration failed nginx -t',
  RELOAD_FAILED: 'OpenResty did not load the new configuration',
  NGINX_EXITED: 'OpenResty exited unexpectedly',
  DYNAMIC_PUSH: 'pushing backends to OpenResty failed',
  TEMPLATE: 'template could not be rendered',
  FLAG: 'invalid command-line flag',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class PorticoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${ErrorCodes[code]}: ${detail}`, options);
    this.name = 'PorticoError';
    this.code = code;
  }
}
