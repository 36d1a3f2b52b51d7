import { lookup } from 'node:dns/promises';
import type { Logger } from '../log.js';
import type { Backend } from '../model/types.js';

/** How long a resolved ExternalName is used before it is looked up again. */
export const EXTERNAL_NAME_TTL_MS = 30_000;

/**
 * Turns the DNS names of ExternalName backends into endpoints, with the system resolver (so /etc/hosts
 * counts too). A failed lookup keeps the last addresses it had, or none (the backend answers 503).
 */
export class ExternalNameResolver {
  private readonly cache = new Map<string, { addresses: string[]; expires: number }>();

  constructor(private readonly log: Logger) {}

  /** The backends with ExternalName endpoints filled in; the same array when there are none. */
  async resolve(backends: readonly Backend[]): Promise<readonly Backend[]> {
    if (!backends.some((backend) => backend.externalName)) return backends;
    return Promise.all(
      backends.map(async (backend) => {
        const target = backend.externalName;
        if (!target) return backend;
        const addresses = await this.addresses(target.host);
        return { ...backend, endpoints: addresses.map((address) => ({ address, port: target.port })) };
      }),
    );
  }

  private async addresses(host: string): Promise<string[]> {
    const cached = this.cache.get(host);
    if (cached && cached.expires > Date.now()) return cached.addresses;
    try {
      const found = await lookup(host, { all: true });
      const addresses = [...new Set(found.map((entry) => entry.address))].sort();
      this.cache.set(host, { addresses, expires: Date.now() + EXTERNAL_NAME_TTL_MS });
      return addresses;
    } catch (err) {
      this.log.warn({ host, err: (err as Error).message }, 'ExternalName lookup failed; keeping the last addresses');
      return cached?.addresses ?? [];
    }
  }
}
