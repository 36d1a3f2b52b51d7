/** How request and response bodies are buffered between client and upstream: one concern, four knobs. */
import { accept, type Checked } from '../model/validate.js';
import { annotation } from './types.js';
import { parseBufferSize } from './validators.js';

/** ingress-nginx writes these as nginx's on/off. */
function parseOnOff(raw: string): Checked<boolean> {
  if (raw === 'on') return accept(true);
  if (raw === 'off') return accept(false);
  return { ok: false, reason: 'expected on or off' };
}

export const proxyBuffering = annotation<boolean | null>({
  key: 'proxy-buffering',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (off)',
  doc: '`on` buffers upstream responses, `off` streams them to the client',
  parse: parseOnOff,
});

export const proxyRequestBuffering = annotation<boolean | null>({
  key: 'proxy-request-buffering',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (on)',
  doc: '`on` reads the whole request body before proxying, `off` streams it',
  parse: parseOnOff,
});

export const proxyBufferSize = annotation<string | null>({
  key: 'proxy-buffer-size',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (4k)',
  doc: 'buffer for the first part of the upstream response (its headers)',
  parse: parseBufferSize,
});

export const clientBodyBufferSize = annotation<string | null>({
  key: 'client-body-buffer-size',
  scope: 'location',
  risk: 'Low',
  default: null,
  defaultDoc: 'global value (8k)',
  doc: 'request bodies larger than this are written to a temporary file',
  parse: parseBufferSize,
});
