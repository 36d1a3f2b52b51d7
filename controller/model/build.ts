/** The model: a pure function from a store snapshot to the servers, locations, backends and certificates to serve. */
import type { V1Ingress } from '@kubernetes/client-node';
import type { Snapshot } from '../store/types.js';
import type { BuildResult, HostMatch, Location, ModelOptions, ObjectRef, Problem, Server } from './types.js';
import { BackendTable } from './backends.js';
import { CertificateTable } from './certificates.js';
import { selectIngresses } from './classes.js';
import { parseHost } from './hosts.js';
import { compareText, refOf } from './objects.js';
import { compareLocations, parsePath } from './paths.js';
import { claimTls, defaultCertificate, type TlsClaim } from './tls.js';
import { isDnsLabel, quote, quoteRef } from './validate.js';

interface ServerDraft {
  host: string;
  match: HostMatch;
  /** Keyed by `match path`: one location per path and match type. */
  locations: Map<string, Location>;
  /** The defaultBackend of the oldest Ingress with rules for this host that has one; never set on the catch-all server. */
  fallback?: string;
}

/** Problems in the order found, each reported once however many paths share its cause. */
class ProblemLog {
  readonly problems: Problem[] = [];
  readonly #seen = new Set<string>();

  add(object: ObjectRef, reason: string): void {
    const key = JSON.stringify([object.kind, object.namespace, object.name, reason]);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.problems.push({ object, reason });
  }
}

interface BuildState {
  problems: ProblemLog;
  backends: BackendTable;
  certificates: CertificateTable;
  servers: Map<string, ServerDraft>;
  tls: Map<string, TlsClaim>;
}

const hostLabel = (host: string) => (host ? `host ${quote(host)}` : 'the catch-all server');

function addRules(state: BuildState, ingress: V1Ingress, ref: ObjectRef, defaultBackend: string | null): void {
  const report = (reason: string) => state.problems.add(ref, reason);
  for (const [ruleIndex, rule] of (ingress.spec?.rules ?? []).entries()) {
    const field = `spec.rules[${ruleIndex}]`;
    let server = state.servers.get('') as ServerDraft;
    if (rule.host) {
      const parsed = parseHost(rule.host);
      if (!parsed.ok) {
        report(`${field}.host: ${parsed.reason}`);
        continue;
      }
      const { host, match } = parsed.value;
      server = state.servers.get(host) ?? { host, match, locations: new Map() };
      state.servers.set(host, server);
      server.fallback ??= defaultBackend ?? undefined;
    }
    for (const [pathIndex, httpPath] of (rule.http?.paths ?? []).entries()) {
      const pathField = `${field}.http.paths[${pathIndex}]`;
      const parsed = parsePath(httpPath.path, httpPath.pathType);
      if (!parsed.ok) {
        report(`${pathField}: ${parsed.reason}`);
        continue;
      }
      const { path, match } = parsed.value;
      const owner = server.locations.get(`${match} ${path}`)?.ingress;
      if (owner) {
        report(`${pathField}: ${match} path ${quote(path)} on ${hostLabel(server.host)} is already served by ${quoteRef(owner)}`);
        continue;
      }
      const backend = state.backends.use(httpPath.backend, ref.namespace);
      if (backend.problem) report(`${pathField}.backend: ${backend.problem}`);
      server.locations.set(`${match} ${path}`, { path, match, backend: backend.name, ingress: ref });
    }
  }
}

/** An Ingress's spec.defaultBackend, if it has a usable one. */
function useDefaultBackend(state: BuildState, ingress: V1Ingress, ref: ObjectRef): string | null {
  if (!ingress.spec?.defaultBackend) return null;
  const use = state.backends.use(ingress.spec.defaultBackend, ref.namespace);
  if (use.problem) state.problems.add(ref, `spec.defaultBackend: ${use.problem}`);
  return use.name;
}

function finishServer(draft: ServerDraft, fallback: string | null, tls: Map<string, TlsClaim>): Server {
  const locations = [...draft.locations.values()];
  // Every server answers for every path: what no rule claims goes to the fallback (or the built-in 404).
  if (!draft.locations.has('prefix /')) locations.push({ path: '/', match: 'prefix', backend: fallback, ingress: null });
  locations.sort(compareLocations);
  const claim = tls.get(draft.host);
  return { host: draft.host, match: draft.match, certificate: claim?.certificate ?? null, sslRedirect: claim !== undefined, locations };
}

export function buildModel(snapshot: Snapshot, options: ModelOptions): BuildResult {
  const state: BuildState = {
    problems: new ProblemLog(),
    backends: new BackendTable(snapshot),
    certificates: new CertificateTable(snapshot),
    servers: new Map([['', { host: '', match: 'catch-all', locations: new Map() }]]),
    tls: new Map(),
  };
  // The global default backend: the oldest Ingress's spec.defaultBackend.
  let globalDefault: { backend: string; owner: ObjectRef } | null = null;

  for (const ingress of selectIngresses(snapshot, options)) {
    const ref = refOf('Ingress', ingress);
    if (!isDnsLabel(ref.namespace)) {
      state.problems.add(ref, `namespace ${quote(ref.namespace)} is not a valid DNS-1123 label`);
      continue;
    }
    const defaultBackend = useDefaultBackend(state, ingress, ref);
    if (defaultBackend) {
      globalDefault ??= { backend: defaultBackend, owner: ref };
      if (defaultBackend !== globalDefault.backend) {
        const global = `${quote(globalDefault.backend)} from ${quoteRef(globalDefault.owner)}`;
        state.problems.add(ref, `spec.defaultBackend: ${quote(defaultBackend)} serves only this Ingress's hosts; the global default backend is ${global}`);
      }
    }
    addRules(state, ingress, ref, defaultBackend);
    claimTls(ingress, ref, state.certificates, state.tls, (reason) => state.problems.add(ref, reason));
  }

  const servers = [...state.servers.values()]
    .sort((a, b) => compareText(a.host, b.host))
    .map((draft) => finishServer(draft, draft.fallback ?? globalDefault?.backend ?? null, state.tls));
  const defaultCertificateName = defaultCertificate(options.defaultSslCertificate, state.certificates, (object, reason) =>
    state.problems.add(object, reason),
  );
  const backendNames = servers.flatMap((server) => server.locations.flatMap((location) => location.backend ?? []));
  const certificateNames = [...servers.map((server) => server.certificate), defaultCertificateName].flatMap((name) => name ?? []);
  return {
    model: {
      servers,
      backends: state.backends.backends(backendNames),
      certificates: state.certificates.certificates(certificateNames),
      defaultCertificate: defaultCertificateName,
    },
    problems: state.problems.problems,
  };
}
