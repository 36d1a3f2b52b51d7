/** TLS Secrets → checked PEM certificate chains and keys. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { Snapshot } from '../store/types.js';
import type { Certificate } from './types.js';
import { compareText, namespaceOf } from './objects.js';
import { accept, type Checked, isDnsSubdomain, quote, reject } from './validate.js';

export interface CertificateUse {
  /** The certificate to serve; null when the Secret is unusable (the default certificate is served instead). */
  name: string | null;
  problem: string | null;
}

interface PemBlock {
  type: string;
  text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n(?:[A-Za-z0-9+/=]+\n)+-----END \1-----/g;
const PRIVATE_KEY_TYPES = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

/** Namespaces hold no dots, so the first dot separates it from the Secret name and the name is unique. */
export function certificateName(namespace: string, secretName: string): string {
  return `${namespace}.${secretName}`;
}

/** The PEM blocks of a file, or null if it holds anything else (stray text, headers, broken base64 lines). */
function splitPem(text: string): PemBlock[] | null {
  const normalised = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join('\n');
  const blocks = [...normalised.matchAll(PEM_BLOCK)].map((found) => ({ type: found[1] ?? '', text: found[0] }));
  const rebuilt = blocks.map((block) => block.text).join('\n');
  return blocks.length > 0 && rebuilt === normalised ? blocks : null;
}

function parseKeyPair(certText: string, keyText: string): Checked<{ certPem: string; keyPem: string }> {
  const certBlocks = splitPem(certText);
  if (!certBlocks || certBlocks.some((block) => block.type !== 'CERTIFICATE')) {
    return reject('tls.crt must hold PEM certificates and nothing else');
  }
  // openssl ecparam writes the curve parameters before the key; the key block names its curve anyway.
  const keyBlocks = splitPem(keyText)?.filter((block) => block.type !== 'EC PARAMETERS');
  const keyBlock = keyBlocks?.length === 1 ? keyBlocks[0] : undefined;
  if (!keyBlock || !PRIVATE_KEY_TYPES.has(keyBlock.type)) {
    return reject('tls.key must hold one unencrypted PEM private key and nothing else');
  }
  try {
    const chain = certBlocks.map((block) => new X509Certificate(block.text));
    const key = createPrivateKey(keyBlock.text);
    if (!chain[0]?.checkPrivateKey(key)) return reject('tls.key does not belong to the first certificate in tls.crt');
  } catch (error) {
    return reject(`tls.crt or tls.key cannot be parsed: ${quote((error as Error).message)}`);
  }
  return accept({ certPem: `${certBlocks.map((block) => block.text).join('\n')}\n`, keyPem: `${keyBlock.text}\n` });
}

function secretData(secret: V1Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * Checked key pairs by Secret: the store's objects are frozen and stay the same object until they change, so
 * each Secret is parsed once rather than on every pass (X.509 and key parsing dominate a pass with many TLS hosts).
 * An object that is not frozen could change in place, so it is parsed every time.
 */
const keyPairs = new WeakMap<V1Secret, ReturnType<typeof parseKeyPair>>();

function cachedKeyPair(secret: V1Secret, certText: string, keyText: string): ReturnType<typeof parseKeyPair> {
  const known = Object.isFrozen(secret) ? keyPairs.get(secret) : undefined;
  if (known) return known;
  const pair = parseKeyPair(certText, keyText);
  if (Object.isFrozen(secret)) keyPairs.set(secret, pair);
  return pair;
}

function loadCertificate(secret: V1Secret | undefined, namespace: string, secretName: string): Checked<Certificate> {
  const label = `Secret ${quote(`${namespace}/${secretName}`)}`;
  if (!isDnsSubdomain(secretName)) return reject(`secret name ${quote(secretName)} is not a valid DNS-1123 subdomain`);
  if (!secret) return reject(`${label} not found`);
  const type = secret.type ?? 'Opaque';
  if (type !== 'kubernetes.io/tls' && type !== 'Opaque') return reject(`${label} has type ${quote(type)}, not kubernetes.io/tls`);
  const certText = secretData(secret, 'tls.crt');
  const keyText = secretData(secret, 'tls.key');
  if (certText === undefined || keyText === undefined) return reject(`${label} lacks tls.crt or tls.key`);
  const pair = cachedKeyPair(secret, certText, keyText);
  if (!pair.ok) return reject(`${label}: ${pair.reason}`);
  const name = certificateName(namespace, secretName);
  return accept({ name, secret: { kind: 'Secret', namespace, name: secretName }, ...pair.value });
}

/** Loads certificates from one snapshot's Secrets, each Secret once. */
export class CertificateTable {
  readonly #secrets = new Map<string, V1Secret>();
  readonly #loaded = new Map<string, Checked<Certificate>>();

  constructor(snapshot: Snapshot) {
    for (const secret of snapshot.secrets) this.#secrets.set(`${namespaceOf(secret)}/${secret.metadata?.name}`, secret);
  }

  use(namespace: string, secretName: string): CertificateUse {
    const key = `${namespace}/${secretName}`;
    let loaded = this.#loaded.get(key);
    if (!loaded) {
      loaded = loadCertificate(this.#secrets.get(key), namespace, secretName);
      this.#loaded.set(key, loaded);
    }
    return loaded.ok ? { name: loaded.value.name, problem: null } : { name: null, problem: loaded.reason };
  }

  /** The certificates with these names (all previously returned by `use`), sorted by name. */
  certificates(names: Iterable<string>): Certificate[] {
    const byName = new Map<string, Certificate>();
    for (const loaded of this.#loaded.values()) if (loaded.ok) byName.set(loaded.value.name, loaded.value);
    return [...new Set(names)].sort(compareText).flatMap((name) => byName.get(name) ?? []);
  }
}
