/** The contract every annotation module fulfils; the registry (registry.ts) collects them. */
import type { Checked } from '../model/validate.js';

/** What an annotation configures: each location of the Ingress, the servers of its hosts, or the Ingress as a whole. */
export type Scope = 'location' | 'server' | 'ingress';

/** ingress-nginx's `annotations-risk-level` scale: how much an annotation can change beyond its own location. */
export type Risk = 'Low' | 'Medium' | 'High' | 'Critical';

export const RISKS: readonly Risk[] = ['Low', 'Medium', 'High', 'Critical'];

export interface Annotation<T> {
  /** The name after the prefix, spelled as ingress-nginx does (`proxy-read-timeout`). */
  key: string;
  scope: Scope;
  risk: Risk;
  /** The value when the annotation is absent. */
  default: T;
  /** The default as the docs show it, when `default` alone would mislead (e.g. "ConfigMap value"). */
  defaultDoc?: string;
  /** One line for the generated reference in README.md. */
  doc: string;
  /**
   * Raw nginx configuration (`*-snippet`): line breaks and tabs are allowed, and the annotation is refused
   * unless the ConfigMap sets `allow-snippet-annotations` (see read.ts).
   */
  snippet?: true;
  /**
   * Parses the raw value strictly to the typed value, or rejects it with a reason that reads after
   * "value X: ". Control characters are refused before this is called (see read.ts).
   */
  parse(raw: string): Checked<T>;
}

/** Identity, typed: lets each module declare its annotation with T inferred from parse and default. */
export function annotation<T>(spec: Annotation<T>): Annotation<T> {
  return spec;
}
