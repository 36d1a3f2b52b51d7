import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogFormat } from '../log.js';
import type { NginxMode } from '../apply/nginx-mode.js';
import { PorticoError } from '../errors.js';
import type { ModelOptions } from '../model/types.js';

/** The command line; the flags the model reads are declared once, in ModelOptions. */
export interface Flags extends ModelOptions {
  manifests: string | null;
  kubeconfig: string | null;
  /** Empty: every namespace. */
  watchNamespaces: string[];
  publishService: string | null;
  publishStatusAddresses: string[];
  electionId: string;
  electionLeaseDurationMs: number;
  httpPort: number;
  httpsPort: number;
  bindAddress: string | null;
  statusPort: number;
  workDir: string;
  nginxBinary: string | null;
  nginxMode: NginxMode;
  template: string | null;
  minReloadIntervalMs: number;
  workerProcesses: number | 'auto';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: LogFormat;
  help: boolean;
}

/** Every flag with its default and one line of help; `--help` prints this table. */
const FLAGS = {
  manifests: { type: 'string', help: 'read Kubernetes objects from *.yaml, *.yml, *.json under DIR and watch it' },
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server to watch (default: $KUBECONFIG, ~/.kube/config, or the pod\'s service account)' },
  'watch-namespace': { type: 'string', multiple: true, help: 'namespace to watch; repeat or comma-separate for several (default: all)' },
  configmap: { type: 'string', help: 'NAMESPACE/NAME of the controller\'s ConfigMap (default: one named portico-controller, any namespace)' },
  'publish-service': { type: 'string', help: 'NAMESPACE/NAME of the Service whose load-balancer addresses go into Ingress status' },
  'publish-status-address': { type: 'string', help: 'comma-separated IPs or host names to write into Ingress status' },
  'election-id': { type: 'string', default: 'portico-leader', help: 'name of the Lease (in $POD_NAMESPACE) that elects the replica writing status' },
  'election-lease-duration': { type: 'string', default: '15', help: 'seconds a leader holds the Lease without renewing it' },
  'http-port': { type: 'string', default: '80', help: 'port for plain-HTTP traffic' },
  'https-port': { type: 'string', default: '443', help: 'port for HTTPS traffic' },
  'bind-address': { type: 'string', help: 'address to listen on (default: all addresses)' },
  'status-port': { type: 'string', default: '10254', help: 'port of /healthz, /readyz and /metrics' },
  'work-dir': { type: 'string', default: `${tmpdir()}/portico`, help: 'rendered nginx.conf, certificates, pid, temp paths, config socket' },
  'nginx-binary': { type: 'string', help: 'OpenResty/nginx binary (default: openresty if on PATH, else nginx)' },
  'nginx-mode': { type: 'string', default: 'child', help: 'child: run OpenResty as a child process; sidecar: drive the master another container runs in the shared work dir' },
  template: { type: 'string', help: 'main nginx.conf Handlebars template replacing the built-in one; watched, re-rendered on change' },
  'controller-class': { type: 'string', default: 'portico.dev/ingress-controller', help: 'IngressClass spec.controller we serve' },
  'ingress-class': { type: 'string', default: 'portico', help: 'legacy kubernetes.io/ingress.class annotation value we serve' },
  'watch-ingress-without-class': { type: 'boolean', default: false, help: 'also serve Ingresses that name no class' },
  'default-ssl-certificate': { type: 'string', help: 'NAMESPACE/NAME of the TLS Secret for hosts without one (default: self-signed)' },
  'annotations-prefix': { type: 'string', default: 'nginx.ingress.kubernetes.io', help: 'prefix of the annotations Portico reads' },
  'default-backend-service': { type: 'string', help: 'NAMESPACE/NAME of the Service answering requests no rule matches, and custom errors (first port)' },
  'min-reload-interval': { type: 'string', default: '1', help: 'seconds between two reloads at the least; changes meanwhile are batched' },
  'worker-processes': { type: 'string', default: 'auto', help: 'nginx worker processes: a number, or auto for one per CPU; the ConfigMap\'s worker-processes wins' },
  'log-level': { type: 'string', default: 'info', help: 'debug, info, warn or error' },
  'log-format': { type: 'string', default: 'json', help: 'json, or text for people reading kubectl logs' },
  help: { type: 'boolean', default: false, help: 'print this help' },
} as const;

export function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, flag]) => {
    const shown = 'default' in flag && flag.type === 'string' ? ` (default ${flag.default})` : '';
    return `  --${name.padEnd(30)} ${flag.help}${shown}`;
  });
  return `Usage: portico [flags]\n\nFlags:\n${lines.join('\n')}\n`;
}

function invalid(flag: string, value: string, expected: string): PorticoError {
  return new PorticoError('FLAG', `--${flag} ${JSON.stringify(value)}: expected ${expected}`);
}

function port(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 65535) throw invalid(flag, value, 'a port number 1-65535');
  return number;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalid(flag, value, allowed.join(', '));
  return value as T;
}

function workerProcesses(value: string): number | 'auto' {
  if (value === 'auto') return value;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1024) throw invalid('worker-processes', value, 'auto or a number 1-1024');
  return Number(value);
}

function namespacedName(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(value)) throw invalid(flag, value, 'NAMESPACE/NAME');
  return value;
}

/** The values of a repeatable, comma-separable flag, each checked by `valid`. */
function commaList(flag: string, values: readonly string[], valid: (item: string) => boolean, expected: string): string[] {
  const items = values.flatMap((value) => value.split(',')).map((item) => item.trim()).filter(Boolean);
  for (const item of items) if (!valid(item)) throw invalid(flag, item, expected);
  return items;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS subdomain, as Kubernetes requires of an annotation key's prefix. */
function annotationsPrefix(value: string): string {
  if (!/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) throw invalid('annotations-prefix', value, 'a DNS subdomain');
  return value;
}

/** Parses argv strictly: unknown flags and malformed values are errors, never silently ignored. */
export function parseFlags(argv: string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new PorticoError('FLAG', (err as Error).message, { cause: err });
  }
  const bindAddress = values['bind-address'] ?? null;
  if (bindAddress !== null && isIP(bindAddress) === 0) throw invalid('bind-address', bindAddress, 'an IPv4 or IPv6 address');
  const leaseSeconds = Number(values['election-lease-duration']);
  if (!Number.isFinite(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 600) {
    throw invalid('election-lease-duration', values['election-lease-duration'], 'seconds from 1 to 600');
  }
  if (values.manifests && values.kubeconfig) throw new PorticoError('FLAG', '--manifests and --kubeconfig exclude each other: pick one source');
  if (!DNS_NAME.test(values['election-id'])) throw invalid('election-id', values['election-id'], 'a DNS-1123 name');
  const reloadSeconds = Number(values['min-reload-interval']);
  if (!Number.isFinite(reloadSeconds) || reloadSeconds < 0 || reloadSeconds > 600) {
    throw invalid('min-reload-interval', values['min-reload-interval'], 'seconds from 0 to 600');
  }
  return {
    manifests: values.manifests ? resolve(values.manifests) : null,
    kubeconfig: values.kubeconfig ? resolve(values.kubeconfig) : null,
    watchNamespaces: commaList('watch-namespace', values['watch-namespace'] ?? [], (item) => DNS_LABEL.test(item), 'a namespace name'),
    configMap: namespacedName('configmap', values.configmap),
    publishService: namespacedName('publish-service', values['publish-service']),
    publishStatusAddresses: commaList(
      'publish-status-address',
      values['publish-status-address'] ? [values['publish-status-address']] : [],
      (item) => isIP(item) !== 0 || DNS_NAME.test(item),
      'IP addresses or DNS names',
    ),
    electionId: values['election-id'],
    electionLeaseDurationMs: Math.round(leaseSeconds * 1000),
    httpPort: port('http-port', values['http-port']),
    httpsPort: port('https-port', values['https-port']),
    bindAddress,
    statusPort: port('status-port', values['status-port']),
    workDir: resolve(values['work-dir']),
    nginxBinary: values['nginx-binary'] ?? null,
    nginxMode: oneOf('nginx-mode', values['nginx-mode'], ['child', 'sidecar'] as const),
    template: values.template ? resolve(values.template) : null,
    controllerClass: values['controller-class'],
    ingressClass: values['ingress-class'],
    watchIngressWithoutClass: values['watch-ingress-without-class'],
    defaultSslCertificate: namespacedName('default-ssl-certificate', values['default-ssl-certificate']),
    annotationsPrefix: annotationsPrefix(values['annotations-prefix']),
    defaultBackendService: namespacedName('default-backend-service', values['default-backend-service']),
    minReloadIntervalMs: Math.round(reloadSeconds * 1000),
    workerProcesses: workerProcesses(values['worker-processes']),
    logLevel: oneOf('log-level', values['log-level'], ['debug', 'info', 'warn', 'error'] as const),
    logFormat: oneOf('log-format', values['log-format'], ['json', 'text'] as const),
    help: values.help,
  };
}
