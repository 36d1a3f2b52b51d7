/** A request header value to match in an nginx `map`: exact text, or a regular expression after `~` / `~*`. */
import { accept, type Checked, reject } from '../model/validate.js';
import { parseHeaderPattern as parseRegex } from '../annotations/canary.js';

export type HeaderPattern = { exact: string } | { regex: string; caseInsensitive: boolean };

// Words a `map` block reads as its own syntax even when quoted: `"include" x;` would include a file.
const MAP_KEYWORDS = new Set(['default', 'include', 'hostnames', 'volatile']);

/** Printable ASCII without quotes, backslash, `$` or a leading `~` (which would make it a regex). */
const EXACT = /^[ !#%&()*+./0-9:;<=>?@A-Z[\]^_`a-z{|}-]{1,256}$/;

export function parseHeaderPattern(raw: string): Checked<HeaderPattern> {
  const regex = /^~(\*?)(.*)$/.exec(raw);
  if (regex) {
    const parsed = parseRegex(regex[2] ?? '');
    return parsed.ok ? accept({ regex: parsed.value, caseInsensitive: regex[1] === '*' }) : parsed;
  }
  if (!EXACT.test(raw)) return reject('expected printable text without quotes, backslashes or $, or ~regex');
  if (MAP_KEYWORDS.has(raw)) return reject(`${raw} is a reserved word of nginx maps`);
  return accept({ exact: raw });
}
