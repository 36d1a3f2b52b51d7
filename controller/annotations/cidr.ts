/** IPv4 and IPv6 address ranges as nginx's `allow`, `deny` and `geo` take them: strictly parsed, written canonically. */
import { BlockList, isIP } from 'node:net';
import { accept, type Checked, quote, reject } from '../model/validate.js';

const MAX_RANGES = 1000;

/** The address with every bit past `prefix` cleared, so nginx never warns about meaningless low bits. */
function networkAddress(address: string, prefix: number, family: 4 | 6): string {
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  const network = value & mask;
  return family === 4 ? bigIntToIpv4(network) : bigIntToIpv6(network);
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** Expands `::` and a trailing dotted IPv4 part into eight 16-bit groups. */
function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToBigInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** Lower-case hex groups with the longest run of zero groups (two or more) written as `::` (RFC 5952). */
function bigIntToIpv6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (groups[start + length] === '0') length++;
    if (length > best.length) best = { start, length };
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128 range), written back as `network/prefix`. */
export function parseCidr(raw: string): Checked<string> {
  const [address = '', prefixText, ...rest] = raw.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0 || address.includes('%')) return reject(`${quote(raw)} is not an IP address or CIDR range`);
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return reject(`${quote(raw)} has a prefix length outside 0-${bits}`);
  // node's own parser has the last word on what a valid range is.
  new BlockList().addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return accept(`${networkAddress(address, prefix, family as 4 | 6)}/${prefix}`);
}

/** Comma-separated ranges (spaces around commas allowed), canonical and de-duplicated, in the order given. */
export function parseCidrList(raw: string): Checked<string[]> {
  const items = raw.split(',').map((item) => item.trim());
  if (items.length > MAX_RANGES) return reject(`more than ${MAX_RANGES} ranges`);
  const ranges: string[] = [];
  for (const item of items) {
    const parsed = parseCidr(item);
    if (!parsed.ok) return reject(`expected comma-separated IP addresses or CIDR ranges: ${parsed.reason}`);
    ranges.push(parsed.value);
  }
  return accept([...new Set(ranges)]);
}
