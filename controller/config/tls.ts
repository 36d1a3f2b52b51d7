/** TLS between clients and Portico: protocols, ciphers, session reuse, and Strict-Transport-Security. */
import { createSecureContext } from 'node:tls';
import { accept, type Checked, reject } from '../model/validate.js';
import { integerIn, parseDuration } from '../annotations/validators.js';
import { flagSetting, setting } from './types.js';

const PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Space-separated protocol names nginx knows, de-duplicated, in the order given. */
function parseProtocols(raw: string): Checked<string[]> {
  const words = raw.split(/ +/).filter(Boolean);
  if (words.length === 0 || !words.every((word) => PROTOCOLS.includes(word))) return reject(`expected space-separated protocols from: ${PROTOCOLS.join(' ')}`);
  return accept([...new Set(words)]);
}

/**
 * An OpenSSL cipher list: names and the list operators `: , ! + - @ =`, nothing nginx would read as syntax; and
 * one that selects some cipher (checked with Node's OpenSSL), since nginx -t refuses a list that selects none.
 */
function parseCiphers(raw: string): Checked<string> {
  if (!/^[A-Za-z0-9_.:,!+@=-]{1,2048}$/.test(raw)) return reject('expected an OpenSSL cipher list such as ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL');
  try {
    createSecureContext({ ciphers: raw });
  } catch {
    return reject('selects no cipher OpenSSL knows');
  }
  return accept(raw);
}

export const sslProtocols = setting<string[]>({
  key: 'ssl-protocols',
  default: ['TLSv1.2', 'TLSv1.3'],
  defaultDoc: '`TLSv1.2 TLSv1.3`',
  doc: 'space-separated TLS versions offered',
  parse: parseProtocols,
});

export const sslCiphers = setting<string>({
  key: 'ssl-ciphers',
  default:
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:' +
    'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384',
  defaultDoc: "ingress-nginx's (ECDHE/DHE with AES-GCM or ChaCha20)",
  doc: 'OpenSSL cipher list for TLS 1.2 and older',
  parse: parseCiphers,
});

export const sslSessionCache = flagSetting('ssl-session-cache', true, 'share TLS sessions between workers so returning clients skip the full handshake');

/** A shared memory zone's size: nginx refuses less than eight pages, so at least 64k (k, m or g). */
function parseZoneSize(raw: string): Checked<string> {
  const match = /^(\d{1,6})([kKmMgG])$/.exec(raw);
  if (!match || (match[2]!.toLowerCase() === 'k' && Number(match[1]) < 64) || Number(match[1]) === 0) return reject('expected a size of at least 64k, such as 10m');
  return accept(raw.toLowerCase());
}

export const sslSessionCacheSize = setting<string>({
  key: 'ssl-session-cache-size',
  default: '10m',
  doc: 'size of that shared session cache (about 4000 sessions per megabyte)',
  parse: parseZoneSize,
});

export const sslSessionTimeout = setting<number>({
  key: 'ssl-session-timeout',
  default: 600_000,
  defaultDoc: '`10m`',
  doc: 'how long a cached TLS session may be resumed; seconds or an nginx time',
  parse: parseDuration,
});

export const hsts = flagSetting('hsts', true, 'send Strict-Transport-Security on HTTPS answers of hosts listed in an Ingress `spec.tls`');

export const hstsMaxAge = setting<number>({
  key: 'hsts-max-age',
  default: 31_536_000,
  doc: 'its `max-age`, in seconds',
  parse: integerIn(0, 999_999_999),
});

export const hstsIncludeSubdomains = flagSetting('hsts-include-subdomains', true, 'add `includeSubDomains`');

export const hstsPreload = flagSetting('hsts-preload', false, 'add `preload`');
