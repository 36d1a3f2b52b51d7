/** How the rendered configuration is wired to the machine it runs on; everything not derived from the Model. */
export interface RenderSettings {
  httpPort: number;
  httpsPort: number;
  /** null listens on all addresses; otherwise an IPv4 or IPv6 literal. */
  bindAddress: string | null;
  /** Absolute; nginx runs with `-p workDir`, and the pid file, temp paths and config socket live here. */
  workDir: string;
  /** Absolute path of the repository's lua/ directory. */
  luaDir: string;
  /** Absolute .so paths for load_module, in load order (Debian: ndk first, then lua); [] for OpenResty. */
  modules: string[];
  /** Extra lua_package_path entries such as "/usr/share/lua/5.1/?.lua". */
  luaPackagePath: string[];
  /** Name servers (IP literals) for host names nginx looks up per request (an `auth-url` host); none: such lookups fail. */
  resolvers?: string[];
  /** The `user` directive, for a master running as root (e.g. "nobody nogroup"); null otherwise. */
  user: string | null;
  workerProcesses: number | 'auto';
  /** Served where neither the host nor model.defaultCertificate names a certificate. */
  defaultCertificate: { certFile: string; keyFile: string };
}

/** Unix socket file name, inside workDir, of the configuration endpoint. */
export const CONFIG_SOCKET = 'portico.sock';

/** Unix socket file name, inside workDir, of the internal server answering 503 for backends without endpoints. */
export const UNAVAILABLE_SOCKET = 'unavailable.sock';

/** Where apply writes a model SecretFile (htpasswd files, CA bundles), and where the configuration reads it. */
export function secretFilePath(workDir: string, name: string): string {
  return `${workDir}/secrets/${name}`;
}

/** Where apply writes a model certificate's PEM files, and where the configuration reads them. */
export function certificatePaths(workDir: string, name: string): { certFile: string; keyFile: string } {
  return { certFile: `${workDir}/certs/${name}.crt`, keyFile: `${workDir}/certs/${name}.key` };
}
