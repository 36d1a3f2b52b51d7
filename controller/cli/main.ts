import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../log.js';
import { parseFlags, usage, type Flags } from './flags.js';
import { startSource } from './source.js';
import { openNginxMaster } from '../apply/nginx-mode.js';
import type { Applier } from '../apply/applier.js';
import { defaultNginxBinary, detectPlatform } from '../apply/platform.js';
import { ensureSelfSignedCertificate, prepareWorkDir } from '../apply/files.js';
import { watchTemplate } from './template.js';
import type { RenderSettings } from '../render/settings.js';
import { Reconciler } from '../reconciler.js';
import { startStatusServer } from '../metrics/server.js';
import { ControllerMetrics } from '../metrics/controller.js';
import { MeasuredApplier } from '../metrics/measured-applier.js';
import { MeasuredStore } from '../metrics/measured-store.js';
import { statusChecks } from '../metrics/checks.js';

/** The repository's lua/ directory: two levels up from controller/cli (sources) or dist/cli (built). */
const LUA_DIR = fileURLToPath(new URL('../../lua', import.meta.url));

async function run(flags: Flags, log: Logger): Promise<void> {
  const platform = await detectPlatform(flags.nginxBinary ?? (await defaultNginxBinary()));
  await prepareWorkDir(flags.workDir, platform.workerIds);
  const settings: RenderSettings = {
    httpPort: flags.httpPort,
    httpsPort: flags.httpsPort,
    bindAddress: flags.bindAddress,
    workDir: flags.workDir,
    luaDir: LUA_DIR,
    modules: platform.modules,
    luaPackagePath: platform.luaPackagePath,
    resolvers: platform.resolvers,
    user: platform.user,
    workerProcesses: flags.workerProcesses,
    defaultCertificate: await ensureSelfSignedCertificate(flags.workDir),
  };

  const templates = await watchTemplate(flags.template, log, () => reconciler.trigger({ render: true }));
  const metrics = new ControllerMetrics();
  const store = new MeasuredStore(metrics);

  let applier: Applier | undefined;
  const nginx = await openNginxMaster(flags.nginxMode, {
    binary: platform.binary,
    workDir: flags.workDir,
    log: log.child({ stage: 'nginx' }),
    onStart: () => {
      applier?.restore().catch((err: unknown) => log.error({ err }, 'could not restore backends after OpenResty start'));
    },
  });
  applier = new MeasuredApplier(metrics, nginx, flags.workDir, log.child({ stage: 'apply' }));
  // Up before the initial sync, so liveness probes pass while a slow or unreachable API server is listed.
  const status = await startStatusServer(flags.statusPort, flags.bindAddress, statusChecks(applier, nginx, metrics));
  const source = await startSource(flags, store, log, (leading) => metrics.leader.set(leading ? 1 : 0));
  const reconciler = new Reconciler({
    store,
    modelOptions: {
      controllerClass: flags.controllerClass,
      ingressClass: flags.ingressClass,
      watchIngressWithoutClass: flags.watchIngressWithoutClass,
      defaultSslCertificate: flags.defaultSslCertificate,
      annotationsPrefix: flags.annotationsPrefix,
      defaultBackendService: flags.defaultBackendService,
      configMap: flags.configMap,
    },
    render: (model) => templates.render(model, settings),
    applier,
    log: log.child({ stage: 'reconcile' }),
    minReloadIntervalMs: flags.minReloadIntervalMs,
    onApplied: (served) => source.applied(served),
    onProblems: (problems) => source.problems(problems),
    metrics,
  });
  store.onChange(() => reconciler.trigger());
  reconciler.trigger();

  log.info({ http: flags.httpPort, https: flags.httpsPort, status: flags.statusPort, workDir: flags.workDir, nginx: platform.binary, nginxMode: flags.nginxMode }, 'Portico started');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, nginxMode: flags.nginxMode }, flags.nginxMode === 'child' ? 'shutting down: draining OpenResty' : 'shutting down; OpenResty keeps serving');
    status.close();
    await source.close();
    await templates.close();
    await reconciler.idle();
    await nginx.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

export async function main(argv: string[]): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    process.stderr.write(`portico: ${(err as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(usage());
    return;
  }
  const log = createLogger(flags.logLevel, flags.logFormat);
  try {
    await run(flags, log);
  } catch (err) {
    log.fatal({ err }, 'Portico could not start');
    process.exit(1);
  }
}

await main(process.argv.slice(2));
