/** Shared validators for values that end up in nginx.conf, Lua or file names, and the quoting used in problem reasons. */
import { isIP } from 'node:net';

/** A parsed value, or the reason it was rejected (a problem reason, without the object it came from). */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export function accept<T>(value: T): Checked<T> {
  return { ok: true, value };
}

export function reject<T>(reason: string): Checked<T> {
  return { ok: false, reason };
}

const QUOTE_LIMIT = 64;

/** JSON-quotes a value from the store, truncated, so a hostile value can neither flood nor forge a log line. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label, as Kubernetes validates namespace and Service names. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every(isDnsLabel);
}

const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Service port names (IANA_SVC_NAME-like). */
export function isPortName(value: string): boolean {
  return value.length <= 15 && PORT_NAME.test(value);
}

export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** `"namespace/name"`, quoted like any other value from the store. */
export function quoteRef(ref: { namespace: string; name: string }): string {
  return quote(`${ref.namespace}/${ref.name}`);
}
