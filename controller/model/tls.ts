/** Which certificate each TLS host serves, and the default certificate. */
import type { V1Ingress } from '@kubernetes/client-node';
import type { ObjectRef } from './types.js';
import type { CertificateTable } from './certificates.js';
import { parseHost } from './hosts.js';
import { isDnsLabel, quote, quoteRef } from './validate.js';

/** The certificate a TLS host gets: the first usable one, claimed by the oldest Ingress listing the host. */
export interface TlsClaim {
  /** null: the default certificate (the Secret is unusable or none was named); the host is still redirected to https. */
  certificate: string | null;
  owner: ObjectRef;
}

/**
 * Records the hosts an Ingress lists under spec.tls in `claims` (keyed by host). Call for Ingresses oldest
 * first: a host keeps the first usable certificate, and a younger, different one is reported.
 */
export function claimTls(
  ingress: V1Ingress,
  ref: ObjectRef,
  certificates: CertificateTable,
  claims: Map<string, TlsClaim>,
  report: (reason: string) => void,
): void {
  for (const [tlsIndex, entry] of (ingress.spec?.tls ?? []).entries()) {
    const field = `spec.tls[${tlsIndex}]`;
    if (!entry.hosts?.length) {
      report(`${field} lists no hosts and is ignored`);
      continue;
    }
    // As in ingress-nginx, a host listed without a secretName is redirected to https and gets the default certificate.
    const certificate = entry.secretName ? certificates.use(ref.namespace, entry.secretName) : null;
    if (certificate?.problem) report(`${field}.secretName: ${certificate.problem}`);
    const name = certificate?.name ?? null;
    for (const [hostIndex, rawHost] of entry.hosts.entries()) {
      const parsed = parseHost(rawHost);
      if (!parsed.ok) {
        report(`${field}.hosts[${hostIndex}]: ${parsed.reason}`);
        continue;
      }
      const { host } = parsed.value;
      const claim = claims.get(host);
      if (!claim || (claim.certificate === null && name !== null)) {
        claims.set(host, { certificate: name, owner: ref });
      } else if (name !== null && claim.certificate !== name) {
        report(`${field}: host ${quote(host)} already uses certificate ${quote(claim.certificate)} from ${quoteRef(claim.owner)}`);
      }
    }
  }
}

/** `--default-ssl-certificate` (`namespace/name`): the certificate served where a host has none of its own. */
export function defaultCertificate(
  option: string | null,
  certificates: CertificateTable,
  report: (object: ObjectRef, reason: string) => void,
): string | null {
  if (!option) return null;
  const [namespace = '', name = '', ...rest] = option.split('/');
  const secret = { kind: 'Secret', namespace, name };
  if (rest.length > 0 || !isDnsLabel(namespace) || !name) {
    report(secret, `--default-ssl-certificate ${quote(option)} is not namespace/name`);
    return null;
  }
  const certificate = certificates.use(namespace, name);
  if (certificate.problem) report(secret, `--default-ssl-certificate: ${certificate.problem}`);
  return certificate.name;
}
