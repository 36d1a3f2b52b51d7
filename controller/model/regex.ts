/** Regex paths (`use-regex`): a PCRE subset that means the same to JavaScript and PCRE, and cannot leave its quotes. */
import { accept, type Checked, quote, reject } from './validate.js';

// Path characters plus regex syntax; no quotes, whitespace, `;`, `#` or control characters.
const REGEX_CHARACTERS = /^[A-Za-z0-9/._~%+:@,=\-()[\]{}|?*^$\\!]+$/;
// After a backslash: a character class or an escaped metacharacter; never a digit (backreference) or a letter escape PCRE reads otherwise.
const ESCAPE = /\\(.)/g;
const ALLOWED_ESCAPES = new Set([...'dDwWsSbB', ...'./-+*?()[]{}|^$\\']);

/** Validates an ImplementationSpecific path under use-regex; nginx matches it case-insensitively from the start. */
export function parseRegexPath(raw: string): Checked<string> {
  if (!raw.startsWith('/')) return reject(`regex path ${quote(raw)} must start with /`);
  if (raw.length > 1024) return reject(`regex path ${quote(raw)} is longer than 1024 characters`);
  if (!REGEX_CHARACTERS.test(raw)) return reject(`regex path ${quote(raw)} may use only path characters and ( ) [ ] { } | ? * ^ $ \\ !`);
  for (const [, escaped] of raw.matchAll(ESCAPE)) {
    if (!ALLOWED_ESCAPES.has(escaped ?? '')) return reject(`regex path ${quote(raw)}: escape \\${escaped} is not allowed`);
  }
  // Groups other than plain and non-capturing ones (lookarounds, inline flags, named groups) differ between engines.
  if (/\(\?(?!:)/.test(raw.replace(/\\./g, ''))) return reject(`regex path ${quote(raw)}: only ( ) and (?: ) groups are allowed`);
  try {
    new RegExp(raw);
  } catch (error) {
    return reject(`regex path ${quote(raw)} is not a valid regular expression: ${(error as Error).message}`);
  }
  return accept(raw);
}
