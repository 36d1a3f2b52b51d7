/** Extra names of servers: `server-alias` names and the `from-to-www-redirect` partner name. */
import type { Server } from './types.js';

interface AliasDraft {
  aliases: string[];
  wwwRedirect: boolean;
}

/** `www.foo.com` ↔ `foo.com`. */
function wwwPartner(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : `www.${host}`;
}

/**
 * Gives each server the aliases and redirect name its Ingresses asked for. A name that is some server's own
 * host stays with that server (a rule beats an alias, as in ingress-nginx), and a name claimed twice goes to
 * the first server in host order, so the result does not depend on the order objects arrived in.
 */
export function finishAliases(servers: Server[], drafts: ReadonlyMap<string, AliasDraft>): void {
  const claimed = new Set(servers.map((server) => server.host));
  for (const server of servers) {
    const draft = drafts.get(server.host);
    if (!draft || server.match === 'catch-all') continue;
    const aliases = new Set<string>();
    for (const alias of draft.aliases) {
      if (claimed.has(alias)) continue;
      claimed.add(alias);
      aliases.add(alias);
    }
    server.aliases = [...aliases].sort();
    const partner = wwwPartner(server.host);
    if (draft.wwwRedirect && server.match === 'exact' && !claimed.has(partner)) {
      claimed.add(partner);
      server.redirectFrom = partner;
    }
  }
}
