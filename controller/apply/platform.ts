import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { execa } from 'execa';

/** What the configuration must add to run on this OpenResty or Debian nginx + lua module build. */
export interface Platform {
  binary: string;
  /** load_module paths: none for OpenResty (Lua is built in), the NDK and Lua modules for Debian's nginx. */
  modules: string[];
  /** Where lua-resty-core lives when it is not built in. */
  luaPackagePath: string[];
  /** Worker user when the master runs as root, so workers never run as root. */
  user: string | null;
  /** Numeric uid/gid of that user, to give it the temp directories it writes to. */
  workerIds: { uid: number; gid: number } | null;
  /** The system's name servers (/etc/resolv.conf), for names nginx resolves itself. */
  resolvers: string[];
}

const DEBIAN_MODULE_DIR = '/usr/lib/nginx/modules';
// headers-more: response headers (CORS, custom-headers) set on every status, merged across server and location as ingress-nginx relies on.
const DEBIAN_MODULES = ['ndk_http_module.so', 'ngx_http_lua_module.so', 'ngx_http_headers_more_filter_module.so'];
const DEBIAN_LUA_PATH = ['/usr/share/lua/5.1/?.lua'];

/** `nameserver` addresses of /etc/resolv.conf (in a pod: the cluster DNS); none if it cannot be read. */
async function systemResolvers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((match) => match[1]!).filter((address) => isIP(address) !== 0);
}

/** `openresty` when on PATH, else `nginx` (the `--nginx-binary` default). */
export async function defaultNginxBinary(): Promise<string> {
  const found = await execa('sh', ['-c', 'command -v openresty'], { reject: false });
  return found.exitCode === 0 ? 'openresty' : 'nginx';
}

async function idOf(flags: string[], name: string): Promise<string> {
  const { stdout } = await execa('id', [...flags, name]);
  return stdout.trim();
}

/** The unprivileged user nginx workers run as when the master is root, with its own primary group. */
async function workerUser(): Promise<{ user: string; uid: number; gid: number }> {
  const group = await idOf(['-gn'], 'nobody');
  return { user: `nobody ${group}`, uid: Number(await idOf(['-u'], 'nobody')), gid: Number(await idOf(['-g'], 'nobody')) };
}

export async function detectPlatform(binary: string): Promise<Platform> {
  const version = await execa(binary, ['-V'], { reject: false, all: true });
  if (version.exitCode !== 0 && version.failed) {
    throw new Error(`cannot run ${binary} -V: ${version.all ?? version.message}`);
  }
  const openresty = /openresty/i.test(version.all ?? '');
  const modules = openresty
    ? []
    : DEBIAN_MODULES.map((file) => `${DEBIAN_MODULE_DIR}/${file}`).filter((path) => existsSync(path));
  const worker = process.getuid?.() === 0 ? await workerUser() : null;
  return {
    binary,
    modules,
    luaPackagePath: openresty ? [] : DEBIAN_LUA_PATH,
    user: worker?.user ?? null,
    workerIds: worker ? { uid: worker.uid, gid: worker.gid } : null,
    resolvers: await systemResolvers(),
  };
}
