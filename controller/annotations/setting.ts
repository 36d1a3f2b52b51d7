import type { Checked } from '../model/validate.js';
import { type Annotation, annotation } from './types.js';

/** A Low-risk, location-scoped annotation: the common case of the balancing, affinity and canary families. */
export function locationSetting<T>(key: string, fallback: T, doc: string, parse: (raw: string) => Checked<T>, defaultDoc?: string): Annotation<T> {
  return annotation<T>({ key, scope: 'location', risk: 'Low', default: fallback, doc, parse, ...(defaultDoc ? { defaultDoc } : {}) });
}
