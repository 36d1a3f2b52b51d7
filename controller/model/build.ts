/** The model: a pure function from a store snapshot to the servers, locations, backends and certificates to serve. */
import type { V1Ingress } from '@kubernetes/client-node';
import type { Snapshot } from '../store/types.js';
import type { BuildResult, HostMatch, Location, ModelOptions, ObjectRef, Problem, Server } from './types.js';
import { DEFAULT_VALUES, readAnnotations } from '../annotations/read.js';
import { readSettings } from '../config/read.js';
import type { AnnotationValues } from '../annotations/registry.js';
import { annotatedFields, httpsRedirect, plainLocation, type SslPolicy, sslPolicy } from './annotated.js';
import { BalancingTable, balancingOf } from './balancing.js';
import { CanaryTable, withRoutes } from './canary.js';
import { finishAliases } from './aliases.js';
import { BackendTable } from './backends.js';
import { CertificateTable } from './certificates.js';
import { type IngressPolicy, mergeServerPolicy, OPEN_SERVER_POLICY, PolicyTable, secretFileNames } from './policy.js';
import { selectIngresses } from './classes.js';
import { parseHost } from './hosts.js';
import { compareText, refOf } from './objects.js';
import { compareLocations, parsePath } from './paths.js';
import { claimTls, defaultCertificate, type TlsClaim } from './tls.js';
import { isDnsLabel, isDnsSubdomain, quote, quoteRef } from './validate.js';

interface ServerDraft {
  host: string;
  match: HostMatch;
  /** Keyed by `match path`: one location per path and match type, with the https policy of its Ingress. */
  locations: Map<string, { location: Location; ssl: SslPolicy }>;
  /** The defaultBackend of the oldest Ingress with rules for this host that has one; never set on the catch-all server. */
  fallback?: string;
  /** `server-alias` names asked for by the host's Ingresses, in the order of the Ingresses. */
  aliases: string[];
  wwwRedirect: boolean;
  regex: boolean;
  /** Server-wide policy: each part from the oldest Ingress of the host that sets it. */
  policy: IngressPolicy['server'];
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
  balancing: BalancingTable;
  canaries: CanaryTable;
  certificates: CertificateTable;
  policies: PolicyTable;
  servers: Map<string, ServerDraft>;
  tls: Map<string, TlsClaim>;
}

const hostLabel = (host: string) => (host ? `host ${quote(host)}` : 'the catch-all server');

/** What an Ingress's rules share: its default backend and what its annotations make of each location. */
interface IngressContext {
  ref: ObjectRef;
  defaultBackend: string | null;
  values: AnnotationValues;
  errorBackend: string | null;
  policy: IngressPolicy;
}

function addRules(state: BuildState, ingress: V1Ingress, context: IngressContext): void {
  const { ref, defaultBackend, values } = context;
  const report = (reason: string) => state.problems.add(ref, reason);
  const fields = annotatedFields(values, context.errorBackend);
  const ssl = sslPolicy(values);
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
      server = state.servers.get(host) ?? newServer(host, match);
      state.servers.set(host, server);
      server.fallback ??= defaultBackend ?? undefined;
      server.aliases.push(...values.serverAlias);
      server.wwwRedirect ||= values.fromToWwwRedirect;
    }
    // ingress-nginx: rewrite-target or use-regex on one Ingress makes all of its hosts' locations regexes.
    server.regex ||= values.useRegex || values.rewriteTarget !== null;
    server.policy = mergeServerPolicy(server.policy, context.policy.server);
    for (const [pathIndex, httpPath] of (rule.http?.paths ?? []).entries()) {
      const pathField = `${field}.http.paths[${pathIndex}]`;
      const parsed = parsePath(httpPath.path, httpPath.pathType, values.useRegex);
      if (!parsed.ok) {
        report(`${pathField}: ${parsed.reason}`);
        continue;
      }
      const { path, match } = parsed.value;
      const owner = server.locations.get(`${match} ${path}`)?.location.ingress;
      if (owner) {
        report(`${pathField}: ${match} path ${quote(path)} on ${hostLabel(server.host)} is already served by ${quoteRef(owner)}`);
        continue;
      }
      const backend = state.backends.use(httpPath.backend, ref.namespace, { clusterIp: values.serviceUpstream });
      if (backend.problem) report(`${pathField}.backend: ${backend.problem}`);
      const balancingConflict = backend.name && state.balancing.claim(backend.name, balancingOf(values, parsed.value), ref);
      if (balancingConflict) report(`${pathField}.backend: ${balancingConflict}`);
      const location = { path, match, backend: backend.name, ingress: ref, httpsRedirect: null, ...fields, policy: context.policy.location };
      server.locations.set(`${match} ${path}`, { location, ssl });
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

function newServer(host: string, match: HostMatch): ServerDraft {
  return { host, match, locations: new Map(), aliases: [], wwwRedirect: false, regex: false, policy: OPEN_SERVER_POLICY };
}

/** The `/` location of a host no rule covers: the fallback backend (or the built-in 404), every annotation at its default. */
function fallbackLocation(backend: string | null, logged: boolean): { location: Location; ssl: SslPolicy } {
  const location = plainLocation('/', 'prefix', backend);
  // enable-access-log-for-default-backend: what no Ingress rule serves is logged only when the ConfigMap asks.
  return { location: { ...location, policy: { ...location.policy, accessLog: logged } }, ssl: sslPolicy(DEFAULT_VALUES) };
}

function finishServer(draft: ServerDraft, fallback: string | null, tls: Map<string, TlsClaim>, logFallback: boolean): Server {
  const drafts = [...draft.locations.values()];
  // Every server answers for every path: what no rule claims goes to the fallback (or the built-in 404).
  if (!draft.locations.has('prefix /')) drafts.push(fallbackLocation(fallback, logFallback));
  const claim = tls.get(draft.host);
  const hasTls = claim !== undefined;
  const locations = drafts.map(({ location, ssl }) => ({ ...location, httpsRedirect: httpsRedirect(ssl, hasTls) })).sort(compareLocations);
  return {
    host: draft.host,
    match: draft.match,
    certificate: claim?.certificate ?? null,
    sslRedirect: hasTls,
    aliases: [],
    redirectFrom: null,
    regex: draft.regex,
    locations,
    policy: draft.policy,
  };
}

/** The error backend of an Ingress: its `default-backend` annotation's Service, else the global default backend. */
function useErrorBackend(state: BuildState, ref: ObjectRef, values: AnnotationValues, globalService: string | null): string | null {
  if (values.defaultBackend !== null) {
    const use = state.backends.useService(ref.namespace, values.defaultBackend);
    if (use.problem) state.problems.add(ref, `annotation default-backend: ${use.problem}`);
    if (use.name) return use.name;
  }
  return globalService;
}

/** `--default-backend-service`: resolved once; a problem names the Service. */
function useDefaultBackendService(state: BuildState, option: string | null): string | null {
  if (option === null) return null;
  const [namespace = '', name = ''] = option.split('/');
  const use = state.backends.useService(namespace, name);
  if (use.problem) state.problems.add({ kind: 'Service', namespace, name }, `--default-backend-service: ${use.problem}`);
  return use.name;
}

export function buildModel(snapshot: Snapshot, options: ModelOptions): BuildResult {
  const problems = new ProblemLog();
  const backends = new BackendTable(snapshot);
  const balancing = new BalancingTable();
  const state: BuildState = {
    problems,
    backends,
    balancing,
    canaries: new CanaryTable(backends, balancing, (object, reason) => problems.add(object, reason)),
    certificates: new CertificateTable(snapshot),
    policies: new PolicyTable(snapshot),
    servers: new Map([['', newServer('', 'catch-all')]]),
    tls: new Map(),
  };
  const { settings, problems: settingProblems } = readSettings(snapshot.configMaps, options.configMap);
  for (const problem of settingProblems) state.problems.add(problem.object, problem.reason);
  const policy = { riskLevel: settings.annotationsRiskLevel, allowSnippets: settings.allowSnippetAnnotations };
  // The global default backend: the oldest Ingress's spec.defaultBackend.
  let globalDefault: { backend: string; owner: ObjectRef } | null = null;
  const defaultBackendService = useDefaultBackendService(state, options.defaultBackendService);

  for (const ingress of selectIngresses(snapshot, options)) {
    const ref = refOf('Ingress', ingress);
    if (!isDnsLabel(ref.namespace)) {
      state.problems.add(ref, `namespace ${quote(ref.namespace)} is not a valid DNS-1123 label`);
      continue;
    }
    // The API server enforces this; manifests do not, and the name reaches nginx.conf (metrics labels, $ingress_name).
    if (!isDnsSubdomain(ref.name)) {
      state.problems.add(ref, `name ${quote(ref.name)} is not a valid DNS-1123 subdomain`);
      continue;
    }
    const annotations = readAnnotations(ingress.metadata?.annotations, options.annotationsPrefix, policy);
    // The ConfigMap's custom-http-errors apply to every Ingress that does not name its own.
    if (annotations.values.customHttpErrors.length === 0) annotations.values.customHttpErrors = settings.customHttpErrors;
    if (annotations.problems.length > 0) {
      // As ingress-nginx does: an Ingress whose annotations cannot be honoured is not served at all (its paths
      // answer as if it did not exist); every other Ingress, including those sharing its hosts, keeps serving.
      for (const reason of annotations.problems) state.problems.add(ref, `${reason}; the Ingress is not served`);
      continue;
    }
    // Secrets and ConfigMaps the annotations name must be usable, or the Ingress is not served (it fails closed).
    const access = state.policies.resolve(ref, annotations.values);
    if (!access.ok) {
      state.problems.add(ref, `annotations: ${access.reason}; the Ingress is not served`);
      continue;
    }
    if (annotations.values.canary) {
      // A canary adds lanes to other Ingresses' locations: no rules, default backend or TLS of its own.
      state.canaries.add(ingress, ref, annotations.values);
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
    const errorBackend = useErrorBackend(state, ref, annotations.values, defaultBackendService);
    addRules(state, ingress, { ref, defaultBackend, values: annotations.values, errorBackend, policy: access.value });
    claimTls(ingress, ref, state.certificates, state.tls, (reason) => state.problems.add(ref, reason));
  }

  const servers = [...state.servers.values()]
    .sort((a, b) => compareText(a.host, b.host))
    .map((draft) => finishServer(draft, draft.fallback ?? globalDefault?.backend ?? defaultBackendService, state.tls, settings.enableAccessLogForDefaultBackend));
  finishAliases(servers, state.servers);
  const defaultCertificateName = defaultCertificate(options.defaultSslCertificate, state.certificates, (object, reason) =>
    state.problems.add(object, reason),
  );
  const backendNames = servers.flatMap((server) =>
    server.locations.flatMap((location) => [location.backend ?? [], location.errors.backend ?? []].flat()),
  );
  const lanes = state.canaries.attach(servers);
  const certificateNames = [...servers.map((server) => server.certificate), defaultCertificateName].flatMap((name) => name ?? []);
  return {
    model: {
      servers,
      backends: withRoutes(state.balancing.apply(state.backends.backends([...backendNames, ...lanes.backendNames])), lanes.routes),
      certificates: state.certificates.certificates(certificateNames),
      defaultCertificate: defaultCertificateName,
      secretFiles: state.policies.files(secretFileNames(servers)),
      settings,
    },
    problems: state.problems.problems,
  };
}
