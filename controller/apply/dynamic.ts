import { got } from 'got';
import type { Backend } from '../model/types.js';
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

/** The wire format the Lua configuration endpoint expects (lua/portico/configuration.lua). */
function toWire(backends: readonly Backend[]): Array<{ name: string; endpoints: Array<{ address: string; port: number }> }> {
  return backends.map((backend) => ({ name: backend.name, endpoints: backend.endpoints }));
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
