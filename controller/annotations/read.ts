/** Reads an object's annotations through the registry: typed values, defaults for the absent, a reason for each invalid one. */
import { quote } from '../model/validate.js';
import { ANNOTATIONS, type AnnotationName, type AnnotationValues } from './registry.js';
import { type Annotation, type Risk, RISKS } from './types.js';

export const DEFAULT_ANNOTATIONS_PREFIX = 'nginx.ingress.kubernetes.io';

export interface ReadResult {
  values: AnnotationValues;
  /** One reason per invalid annotation, naming the full annotation key and the value. */
  problems: string[];
}

// Line breaks would let a value forge log lines or directives; no annotation's grammar has a use for any control character.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** What the ConfigMap lets annotations do: ingress-nginx's `annotations-risk-level` and `allow-snippet-annotations`. */
export interface AnnotationPolicy {
  riskLevel: Risk;
  allowSnippets: boolean;
}

/** ingress-nginx's defaults: up to High risk, no snippets. */
export const DEFAULT_ANNOTATION_POLICY: AnnotationPolicy = { riskLevel: 'High', allowSnippets: false };

/** Why the policy refuses an annotation whatever its value, or null. */
function refusal(spec: Annotation<unknown>, policy: AnnotationPolicy): string | null {
  if (spec.snippet && !policy.allowSnippets) return 'snippet annotations are not allowed (the ConfigMap does not set allow-snippet-annotations: "true")';
  if (RISKS.indexOf(spec.risk) > RISKS.indexOf(policy.riskLevel)) return `its risk (${spec.risk}) is above the ConfigMap's annotations-risk-level (${policy.riskLevel})`;
  return null;
}

/** Parses every registered annotation present under `prefix/`; unknown keys are ignored, as in ingress-nginx. */
export function readAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  prefix: string,
  policy: AnnotationPolicy = DEFAULT_ANNOTATION_POLICY,
): ReadResult {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(ANNOTATIONS) as Array<[AnnotationName, (typeof ANNOTATIONS)[AnnotationName]]>) {
    const key = `${prefix}/${spec.key}`;
    const raw = annotations?.[key];
    values[name] = spec.default;
    if (raw === undefined) continue;
    const refused = refusal(spec, policy);
    if (refused) {
      problems.push(`annotation ${key}: ${refused}`);
      continue;
    }
    const parsed = !spec.snippet && CONTROL_CHARACTER.test(raw) ? { ok: false as const, reason: 'control characters (such as line breaks) are not allowed' } : spec.parse(raw.trim());
    if (parsed.ok) values[name] = parsed.value;
    else problems.push(`annotation ${key} value ${quote(raw)}: ${parsed.reason}`);
  }
  return { values: values as AnnotationValues, problems };
}

/** Every annotation at its default: what a location no Ingress configures (a generated fallback) uses. */
export const DEFAULT_VALUES: AnnotationValues = readAnnotations(undefined, DEFAULT_ANNOTATIONS_PREFIX).values;
