import { got } from 'got';
import { splitCounterKey, type RouteLabels } from './key.js';

/** What lua/portico/metrics.lua exports: bucket upper bounds and the raw shared-dict counters. */
interface DictDump {
  buckets: number[];
  counters: Record<string, number>;
}

interface Series {
  labels: Record<string, string>;
  value: number;
}

interface HistogramSeries {
  labels: RouteLabels;
  /** Count per bucket as Lua stores them (not cumulative); index buckets.length is +Inf. */
  counts: number[];
  sum: number;
}

const client = got.extend({ enableUnixSockets: true, retry: { limit: 0 }, timeout: { request: 3000 } });

const HISTOGRAMS = {
  d: { sum: 'D', name: 'portico_request_duration_seconds', help: 'Time from the first byte of the request to the last byte of the response.' },
  u: { sum: 'U', name: 'portico_upstream_response_seconds', help: 'Time the upstream took to answer, summed over retries.' },
} as const;

const COUNTERS = {
  o: { name: 'portico_response_bytes_total', help: 'Bytes sent to clients.' },
  i: { name: 'portico_request_bytes_total', help: 'Bytes received from clients (request line, headers and body).' },
} as const;

const REQUESTS = { name: 'portico_requests_total', help: 'Requests answered, by route, method and status class.' };

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

function block(name: string, help: string, type: string, lines: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

function counterBlock(name: string, help: string, series: Series[]): string {
  return block(name, help, 'counter', series.map(({ labels, value }) => `${name}${labelText(labels)} ${value}`));
}

function histogramBlock(name: string, help: string, buckets: number[], series: HistogramSeries[]): string {
  const lines = series.flatMap(({ labels, counts, sum }) => {
    let cumulative = 0;
    const bucketLines = [...buckets.map(String), '+Inf'].map((le, index) => {
      cumulative += counts[index] ?? 0;
      return `${name}_bucket${labelText({ ...labels, le })} ${cumulative}`;
    });
    return [...bucketLines, `${name}_sum${labelText({ ...labels })} ${sum}`, `${name}_count${labelText({ ...labels })} ${cumulative}`];
  });
  return block(name, help, 'histogram', lines);
}

/** Turns the Lua dict's counters into Prometheus text exposition; unknown or malformed keys are skipped. */
export function formatDataPlane(dump: DictDump): string {
  const requests: Series[] = [];
  const counters = new Map<string, Series[]>(Object.keys(COUNTERS).map((series) => [series, []]));
  const histograms = new Map<string, Map<string, HistogramSeries>>(Object.keys(HISTOGRAMS).map((series) => [series, new Map()]));
  const sumOf = new Map<string, string>(Object.entries(HISTOGRAMS).map(([series, { sum }]) => [sum, series]));
  const histogramOf = (series: string, labels: RouteLabels): HistogramSeries => {
    const bySeries = histograms.get(series) ?? new Map<string, HistogramSeries>();
    const id = JSON.stringify(labels);
    const found = bySeries.get(id) ?? { labels, counts: [], sum: 0 };
    bySeries.set(id, found);
    return found;
  };
  for (const [key, value] of Object.entries(dump.counters).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parsed = splitCounterKey(key);
    if (!parsed) continue;
    const { series, labels, rest } = parsed;
    const sumFor = sumOf.get(series);
    if (series === 'r' && rest.length === 2) requests.push({ labels: { ...labels, method: rest[0]!, status_class: rest[1]! }, value });
    else if (counters.has(series) && rest.length === 0) counters.get(series)?.push({ labels: { ...labels }, value });
    else if (histograms.has(series) && rest.length === 1) histogramOf(series, labels).counts[Number(rest[0]) - 1] = value;
    else if (sumFor !== undefined && rest.length === 0) histogramOf(sumFor, labels).sum = value;
  }
  return [
    counterBlock(REQUESTS.name, REQUESTS.help, requests),
    ...Object.entries(COUNTERS).map(([series, { name, help }]) => counterBlock(name, help, counters.get(series) ?? [])),
    ...Object.entries(HISTOGRAMS).map(([series, { name, help }]) =>
      histogramBlock(name, help, dump.buckets, [...(histograms.get(series)?.values() ?? [])])),
  ].join('');
}

/** Reads the data-plane counters over the configuration socket; empty text while OpenResty does not answer. */
export async function scrapeDataPlane(socketPath: string): Promise<string> {
  try {
    const dump = await client.get(`http://unix:${socketPath}:/configuration/metrics`).json<DictDump>();
    return formatDataPlane(dump);
  } catch {
    return '';
  }
}
