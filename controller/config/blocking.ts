/** Requests refused (403) before any Ingress sees them: by client address, User-Agent or Referer. */
import { accept, type Checked, reject } from '../model/validate.js';
import { parseCidrList } from '../annotations/cidr.js';
import { parseHeaderPattern, type HeaderPattern } from './header-pattern.js';
import { setting } from './types.js';

/** Comma-separated patterns; an empty value blocks nothing. */
function parsePatterns(raw: string): Checked<HeaderPattern[]> {
  const patterns: HeaderPattern[] = [];
  for (const item of raw.split(',').map((part) => part.trim()).filter(Boolean)) {
    const parsed = parseHeaderPattern(item);
    if (!parsed.ok) return reject(`${JSON.stringify(item.slice(0, 64))}: ${parsed.reason}`);
    patterns.push(parsed.value);
  }
  return patterns.length > 256 ? reject('more than 256 patterns') : accept(patterns);
}

export const blockCidrs = setting<string[]>({
  key: 'block-cidrs',
  default: [],
  doc: 'comma-separated client addresses or CIDR ranges (IPv4, IPv6) answered 403',
  parse: (raw) => (raw === '' ? accept([]) : parseCidrList(raw)),
});

export const blockUserAgents = setting<HeaderPattern[]>({
  key: 'block-user-agents',
  default: [],
  doc: 'comma-separated User-Agent values answered 403: exact text, or `~` + a case-sensitive (`~*`: insensitive) regular expression',
  parse: parsePatterns,
});

export const blockReferers = setting<HeaderPattern[]>({
  key: 'block-referers',
  default: [],
  doc: 'comma-separated Referer values answered 403, written as for `block-user-agents`',
  parse: parsePatterns,
});
