import { PorticoError } from '../errors.js';

/**
 * The labels of a data-plane series that are known when nginx.conf is rendered. The renderer joins them into
 * `$portico_metric_key` (one per location, one per server for what answers before a location runs); Lua
 * counts requests under that key and the controller splits it back when /metrics is scraped.
 */
export interface RouteLabels {
  namespace: string;
  ingress: string;
  service: string;
  host: string;
}

const SEPARATOR = '|';
const FIELDS = ['namespace', 'ingress', 'service', 'host'] as const;

/** Joins the labels; every field is a validated Kubernetes name or host, none of which can hold the separator. */
export function metricKey(labels: RouteLabels): string {
  for (const field of FIELDS) {
    if (labels[field].includes(SEPARATOR)) throw new PorticoError('TEMPLATE', `metric label ${field} ${JSON.stringify(labels[field])} contains ${SEPARATOR}`);
  }
  return FIELDS.map((field) => labels[field]).join(SEPARATOR);
}

/** Splits a dict key `<series>|<metric key>|<rest…>` into its series, labels and remaining fields; null if malformed. */
export function splitCounterKey(key: string): { series: string; labels: RouteLabels; rest: string[] } | null {
  const [series, namespace, ingress, service, host, ...rest] = key.split(SEPARATOR);
  if (series === undefined || host === undefined || namespace === undefined || ingress === undefined || service === undefined) return null;
  return { series, labels: { namespace, ingress, service, host }, rest };
}
