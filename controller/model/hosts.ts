/** Host names of Ingress rules: validation, wildcards, and the server a request's Host header selects. */
import type { HostMatch, Model, Server } from './types.js';
import { accept, type Checked, isDnsSubdomain, isIpAddress, quote, reject } from './validate.js';

export interface RuleHost {
  host: string;
  match: Exclude<HostMatch, 'catch-all'>;
}

/** Validates a rule or TLS host as a DNS-1123 subdomain, optionally behind a single leading `*.` label. */
export function parseHost(raw: string): Checked<RuleHost> {
  const host = raw.toLowerCase();
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  if (!isDnsSubdomain(name)) return reject(`host ${quote(raw)} is not a valid DNS name`);
  if (isIpAddress(name)) return reject(`host ${quote(raw)} is an IP address, not a DNS name`);
  return accept({ host, match: wildcard ? 'wildcard' : 'exact' });
}

/**
 * The server that answers a request for `host`: an exact name first, then a wildcard covering exactly one
 * extra label (`*.foo.com` takes `bar.foo.com`, not `baz.bar.foo.com` nor `foo.com`), else the catch-all.
 */
export function matchServer(model: Model, host: string): Server | null {
  const name = host.toLowerCase();
  const exact = model.servers.find((server) => server.match === 'exact' && server.host === name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const wildcardHost = `*${name.slice(dot)}`;
    const wildcard = model.servers.find((server) => server.match === 'wildcard' && server.host === wildcardHost);
    if (wildcard) return wildcard;
  }
  return model.servers.find((server) => server.match === 'catch-all') ?? null;
}
