/** Secret data that becomes files nginx reads: htpasswd users and CA bundles, parsed strictly and written canonically. */
import { X509Certificate } from 'node:crypto';
import { type Checked, accept, quote, reject } from './validate.js';

const USER = /^[A-Za-z0-9._@+-]{1,128}$/;
// crypt, apr1, bcrypt, {SHA} and {PLAIN} forms: printable ASCII without spaces or `:`.
const HASH = /^[\x21-\x39\x3b-\x7e]{1,512}$/;
const MAX_USERS = 10_000;

function lines(users: Array<[string, string]>): Checked<string> {
  if (users.length === 0) return reject('holds no users');
  if (users.length > MAX_USERS) return reject(`holds more than ${MAX_USERS} users`);
  for (const [user, hash] of users) {
    if (!USER.test(user)) return reject(`user ${quote(user)} is not a valid user name (letters, digits, . _ @ + -)`);
    if (!HASH.test(hash)) return reject(`the password hash of ${quote(user)} is not a valid htpasswd hash`);
  }
  return accept(`${users.map(([user, hash]) => `${user}:${hash}`).join('\n')}\n`);
}

/** The `auth` key of an htpasswd Secret: `user:hash` lines; blank lines and `#` comments are dropped. */
export function parseHtpasswd(text: string | undefined): Checked<string> {
  if (text === undefined) return reject('lacks the auth key (an htpasswd file)');
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
    });
  return lines(entries);
}

/** `auth-secret-type: auth-map`: each key is a user, its value the password hash. */
export function parseUserMap(data: Record<string, string>): Checked<string> {
  return lines(Object.entries(data).map(([user, hash]): [string, string] => [user, hash.trim()]));
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]+\n)+-----END CERTIFICATE-----/g;

/** `ca.crt`: one or more PEM certificates and nothing else, each parsed. */
export function parseCaBundle(text: string | undefined): Checked<string> {
  if (text === undefined) return reject('lacks ca.crt');
  const normalised = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join('\n');
  const blocks = normalised.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0 || blocks.join('\n') !== normalised) return reject('ca.crt must hold PEM certificates and nothing else');
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch (error) {
    return reject(`ca.crt cannot be parsed: ${quote((error as Error).message)}`);
  }
  return accept(`${blocks.join('\n')}\n`);
}
