import type { RenderSettings } from '../settings.js';

/** Render settings for unit tests: fixed paths, nothing read from the machine. */
export const TEST_SETTINGS: RenderSettings = {
  httpPort: 80,
  httpsPort: 443,
  bindAddress: null,
  workDir: '/run/portico',
  luaDir: '/app/lua',
  modules: [],
  luaPackagePath: [],
  user: null,
  workerProcesses: 'auto',
  defaultCertificate: { certFile: '/etc/default.crt', keyFile: '/etc/default.key' },
};
