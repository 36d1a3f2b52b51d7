/** The contract every global setting (one key of the controller's ConfigMap) fulfils; the registry (registry.ts) collects them. */
import type { Checked } from '../model/validate.js';
import { parseBoolean } from '../annotations/validators.js';

export interface Setting<T> {
  /** The ConfigMap key, spelled as ingress-nginx does (`proxy-read-timeout`). */
  key: string;
  /** The value when the key is absent or invalid. */
  default: T;
  /** The default as the docs show it, when `default` alone would mislead (a duration in ms, a preset). */
  defaultDoc?: string;
  /** One line for the generated reference in README.md. */
  doc: string;
  /**
   * Parses the raw value strictly to the typed value, or rejects it with a reason that reads after
   * "value X: ". Control characters are refused before this is called (see read.ts).
   */
  parse(raw: string): Checked<T>;
}

/** Identity, typed: lets each module declare its setting with T inferred from parse and default. */
export function setting<T>(spec: Setting<T>): Setting<T> {
  return spec;
}

/** A true/false key, spelled as Go's ParseBool (hence ingress-nginx) accepts. */
export function flagSetting(key: string, fallback: boolean, doc: string): Setting<boolean> {
  return setting({ key, default: fallback, doc, parse: parseBoolean });
}
