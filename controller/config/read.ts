/**
 * Reads the controller's ConfigMap through the registry: typed settings, the default for every absent key,
 * and for an invalid value the default plus a problem naming the key and the value.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Problem } from '../model/types.js';
import { compareText, namespaceOf, refOf } from '../model/objects.js';
import { quote, quoteRef } from '../model/validate.js';
import { SETTINGS, type SettingName, type Settings } from './registry.js';

/** The ConfigMap read when `--configmap` names none: this name, in any namespace (manifests mode). */
export const DEFAULT_CONFIGMAP_NAME = 'portico-controller';

// Line breaks would let a value forge log lines or directives; no key's grammar has a use for any control character.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export interface SettingsResult {
  settings: Settings;
  problems: Problem[];
}

/**
 * `namespace/name` from `--configmap`, else the `portico-controller` ConfigMap; several of those (in different
 * namespaces) is ambiguous: the first by namespace is read and the others are reported.
 */
function selectConfigMap(configMaps: readonly V1ConfigMap[], wanted: string | null, problems: Problem[]): V1ConfigMap | null {
  if (wanted !== null) return configMaps.find((configMap) => `${namespaceOf(configMap)}/${configMap.metadata?.name}` === wanted) ?? null;
  const candidates = configMaps
    .filter((configMap) => configMap.metadata?.name === DEFAULT_CONFIGMAP_NAME)
    .sort((a, b) => compareText(namespaceOf(a), namespaceOf(b)));
  const [chosen, ...ignored] = candidates;
  for (const configMap of ignored) {
    problems.push({ object: refOf('ConfigMap', configMap), reason: `ignored: ${quoteRef(refOf('ConfigMap', chosen!))} is the controller's ConfigMap (name one with --configmap)` });
  }
  return chosen ?? null;
}

/** Parses one key; an invalid value keeps the default. */
function readKey(name: SettingName, raw: unknown, report: (reason: string) => void): unknown {
  const spec = SETTINGS[name];
  if (raw === undefined) return spec.default;
  const parsed =
    typeof raw !== 'string'
      ? { ok: false as const, reason: 'expected a string (quote the value in YAML)' }
      : CONTROL_CHARACTER.test(raw)
        ? { ok: false as const, reason: 'control characters (such as line breaks) are not allowed' }
        : spec.parse(raw.trim());
  if (parsed.ok) return parsed.value;
  report(`key ${spec.key} value ${quote(raw)}: ${parsed.reason}; the default is used`);
  return spec.default;
}

/** The settings of the selected ConfigMap; all defaults when there is none. Unknown keys are ignored, as in ingress-nginx. */
export function readSettings(configMaps: readonly V1ConfigMap[], wanted: string | null): SettingsResult {
  const problems: Problem[] = [];
  const configMap = selectConfigMap(configMaps, wanted, problems);
  const data: Readonly<Record<string, unknown>> = configMap?.data ?? {};
  const report = (reason: string) => problems.push({ object: refOf('ConfigMap', configMap ?? {}), reason });
  const settings = Object.fromEntries(
    (Object.keys(SETTINGS) as SettingName[]).map((name) => [name, readKey(name, Object.hasOwn(data, SETTINGS[name].key) ? data[SETTINGS[name].key] : undefined, report)]),
  );
  return { settings: settings as Settings, problems };
}

/** Every key at its default. */
export const DEFAULT_SETTINGS: Settings = readSettings([], null).settings;
