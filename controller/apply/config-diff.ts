import { formatPatch, structuredPatch } from 'diff';

/** Lines of context around each change. */
const CONTEXT = 2;

/** Start of the line `lines` lines above the one holding offset `at` (a newline before `at` ends the line above). */
function linesAbove(text: string, at: number, lines: number): number {
  let start = text.lastIndexOf('\n', at - 1) + 1;
  for (let i = 0; i < lines && start > 0; i++) start = text.lastIndexOf('\n', start - 2) + 1;
  return start;
}

/** End (after its newline) of the line `lines` lines below the one ending at the first newline from `at` on. */
function linesBelow(text: string, at: number, lines: number): number {
  let end = at;
  for (let i = 0; i <= lines && end < text.length; i++) {
    const newline = text.indexOf('\n', end);
    end = newline === -1 ? text.length : newline + 1;
  }
  return end;
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
}

/**
 * Where offset i of a and offset j of b lie at the same place inside an occurrence of x in a and of y in b (x and
 * y of the same length): that place's offset inside them; else -1.
 */
function insideSame(a: string, i: number, x: string, b: string, j: number, y: string): number {
  const near = Math.max(0, i - x.length + 1);
  const found = a.slice(near, i + x.length).indexOf(x);
  if (found === -1 || near + found > i) return -1;
  const offset = i - (near + found);
  return b.startsWith(y, j - offset) ? offset : -1;
}

/**
 * Unified diff of two nginx.conf texts, or undefined when it takes longer than timeoutMs. Only the lines
 * between the texts' common head and tail are diffed: a change to one server of ten thousand costs the size
 * of that server, not two copies of the whole file split into lines. `same` names a string of `before` and one
 * of `after` (the configurations' hashes, of equal length) that count as equal wherever they stand.
 */
export function configDiff(before: string, after: string, timeoutMs: number, same?: { before: string; after: string }): string | undefined {
  const shorter = Math.min(before.length, after.length);
  let head = 0;
  while (head < shorter) {
    if (before.charCodeAt(head) === after.charCodeAt(head)) {
      head += 1;
      continue;
    }
    const offset = same ? insideSame(before, head, same.before, after, head, same.after) : -1;
    if (!same || offset === -1) break;
    head += same.before.length - offset;
  }
  head = Math.min(head, shorter);
  let tail = 0;
  while (tail < shorter - head) {
    const b = before.length - 1 - tail;
    const a = after.length - 1 - tail;
    if (before.charCodeAt(b) === after.charCodeAt(a)) {
      tail += 1;
      continue;
    }
    const offset = same ? insideSame(before, b, same.before, after, a, same.after) : -1;
    if (offset === -1) break;
    tail = Math.min(tail + offset + 1, shorter - head);
  }
  // Whole lines plus context, cut at newlines inside the common head and tail, so both cuts match.
  const start = linesAbove(before, head, CONTEXT);
  const beforeEnd = linesBelow(before, before.length - tail, CONTEXT);
  const afterEnd = linesBelow(after, after.length - tail, CONTEXT);
  let changed = before.slice(start, beforeEnd);
  if (same) changed = changed.replaceAll(same.before, same.after);
  const patch = structuredPatch('nginx.conf', 'nginx.conf', changed, after.slice(start, afterEnd), 'loaded', 'new', {
    context: CONTEXT,
    timeout: timeoutMs,
  });
  // V8 keeps the subject of the last successful match (RegExp.lastMatch): after the diff's line splitting, a slice
  // of the new configuration, which holds all of it (24 MB at 10k Ingresses) until another match. A match on an
  // empty string lets it go.
  /(?:)/.exec('');
  if (!patch) return undefined;
  const skipped = countLines(before, start);
  for (const hunk of patch.hunks) {
    hunk.oldStart += skipped;
    hunk.newStart += skipped;
  }
  return formatPatch(patch);
}
