/** Limits and answers that apply to every request, whatever Ingress serves it. */
import { accept, type Checked, reject } from '../model/validate.js';
import { bufferBytes, integerIn, parseBufferSize, parseDuration, parseSize } from '../annotations/validators.js';
import { customHttpErrors as customHttpErrorsAnnotation } from '../annotations/custom-errors.js';
import { flagSetting, setting } from './types.js';

/** nginx refuses large_client_header_buffers smaller than its connection pool (512 bytes on 64-bit). */
const MIN_LARGE_HEADER_BUFFER = 512;

/** nginx's `large_client_header_buffers`: a count and a size, `4 8k`; sizes nginx -t would refuse are refused here. */
function parseHeaderBuffers(raw: string): Checked<{ count: number; size: string }> {
  const [number = '', size = '', ...rest] = raw.split(/ +/);
  const parsedNumber = integerIn(1, 64)(number);
  const parsedSize = parseBufferSize(size);
  if (rest.length > 0 || !parsedNumber.ok || !parsedSize.ok || bufferBytes(size) < MIN_LARGE_HEADER_BUFFER) {
    return reject('expected a count (1-64) and a size from 512 to 1024m, such as 4 8k');
  }
  return accept({ count: parsedNumber.value, size: parsedSize.value });
}

const timeout = (key: string, fallback: number, doc: string) =>
  setting<number>({ key, default: fallback, defaultDoc: `\`${fallback / 1000}\` (seconds)`, doc: `${doc}; seconds or an nginx time`, parse: parseDuration });

export const proxyConnectTimeout = timeout('proxy-connect-timeout', 5000, 'time to establish an upstream connection (default of the annotation of that name)');
export const proxyReadTimeout = timeout('proxy-read-timeout', 60_000, 'time between two reads from the upstream (default of the annotation)');
export const proxySendTimeout = timeout('proxy-send-timeout', 60_000, 'time between two writes to the upstream (default of the annotation)');

export const proxyBodySize = setting<string>({
  key: 'proxy-body-size',
  default: '1m',
  doc: 'largest request body accepted, larger ones get 413; `0` means no limit (default of the annotation)',
  parse: parseSize,
});

export const clientHeaderBufferSize = setting<string>({
  key: 'client-header-buffer-size',
  default: '1k',
  doc: 'buffer for request headers; longer ones use `large-client-header-buffers`',
  parse: parseBufferSize,
});

export const largeClientHeaderBuffers = setting<{ count: number; size: string }>({
  key: 'large-client-header-buffers',
  default: { count: 4, size: '8k' },
  defaultDoc: '`4 8k`',
  doc: 'count and size of the buffers for long request lines and headers; a longer one gets 414 or 400',
  parse: parseHeaderBuffers,
});

export const customHttpErrors = setting<number[]>({
  key: 'custom-http-errors',
  default: [],
  doc: 'status codes (e.g. `404,503`) replaced on every Ingress by the default backend\'s answer; the annotation overrides it per Ingress',
  parse: customHttpErrorsAnnotation.parse,
});

export const serverTokens = flagSetting('server-tokens', false, 'name the nginx version in the Server header and error pages');

const statusCode = (key: string, doc: string) => setting<number>({ key, default: 503, doc, parse: integerIn(400, 599) });

export const limitReqStatusCode = statusCode('limit-req-status-code', 'status answered beyond `limit-rps`/`limit-rpm`');
export const limitConnStatusCode = statusCode('limit-conn-status-code', 'status answered beyond `limit-connections`');
