import { got } from 'got';
import type { Backend, Lane } from '../model/types.js';
import { PorticoError } from '../errors.js';

/** got's unix-socket URL form: http://unix:<socket path>:<request path>. */
function socketUrl(socketPath: string, path: string): string {
  return `http://unix:${socketPath}:${path}`;
}

const client = got.extend({
  enableUnixSockets: true,
  retry: { limit: 0 },
  timeout: { request: 5000 },
});

/** A lane as lanes.lua reads it: flat, and without the nulls cjson would turn into userdata. */
function laneWire({ backend, header, cookie, weight, weightTotal }: Lane): Record<string, string | number> {
  return {
    backend,
    weight,
    weightTotal,
    ...(header && { header: header.name }),
    ...(header?.value && { headerValue: header.value }),
    ...(header?.pattern && { headerPattern: header.pattern }),
    ...(cookie && { cookie }),
  };
}

/** The wire format the Lua configuration endpoint expects (lua/portico/configuration.lua); absent, never null. */
function toWire(backends: readonly Backend[]): object[] {
  return backends.map(({ name, endpoints, balancing, routes }) => ({
    name,
    endpoints,
    balancing: JSON.parse(JSON.stringify(balancing, (_key, value: unknown) => (value === null ? undefined : value))) as object,
    routes: routes.map(({ route, lanes }) => ({ route, lanes: lanes.map(laneWire) })),
  }));
}

/** Replaces the backends every worker balances over; workers pick them up on their next request, no reload. */
export async function pushBackends(socketPath: string, backends: readonly Backend[]): Promise<void> {
  try {
    await client.post(socketUrl(socketPath, '/configuration/backends'), { json: toWire(backends) });
  } catch (err) {
    throw new PorticoError('DYNAMIC_PUSH', (err as Error).message, { cause: err });
  }
}

/** The hash of the configuration the answering worker runs, or null while nothing answers. */
export async function loadedConfigHash(socketPath: string): Promise<string | null> {
  try {
    return await client.get(socketUrl(socketPath, '/configuration/hash'), { timeout: { request: 1000 } }).text();
  } catch {
    return null;
  }
}
