/**
 * The structure of raw nginx configuration text: a snippet must be whole directives and balanced blocks, so
 * even an allowed snippet cannot close the block it is placed in and open another server or location.
 */
import { accept, type Checked, reject } from '../model/validate.js';

const MAX_SNIPPET = 16_384;

/** Reads one quoted string starting at `start` (the quote); returns the index after the closing quote, or -1. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return -1;
}

/** Checks `text` is a sequence of complete directives (`name args;` or `name args { … }`) with balanced braces. */
export function checkSnippetSyntax(text: string): Checked<string> {
  if (text.length > MAX_SNIPPET) return reject(`longer than ${MAX_SNIPPET} characters`);
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return reject('control characters other than line breaks and tabs are not allowed');
  let depth = 0;
  let open = false; // inside a directive not yet ended by `;` or `{`
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    if (char === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (char === '"' || char === "'") {
      const end = skipQuoted(text, i);
      if (end < 0) return reject('a quoted string is not closed');
      open = true;
      i = end;
    } else if (char === ';') {
      if (!open) return reject('an empty directive (stray ;)');
      open = false;
      i++;
    } else if (char === '{') {
      if (!open) return reject('a block without a directive name');
      open = false;
      depth++;
      i++;
    } else if (char === '}') {
      if (open) return reject('a directive is not ended by ; before }');
      if (--depth < 0) return reject('a } closes a block the snippet did not open');
      i++;
    } else {
      if (!/\s/.test(char)) open = true;
      i += char === '\\' ? 2 : 1;
    }
  }
  if (open) return reject('the last directive is not ended by ;');
  if (depth !== 0) return reject('a block is not closed');
  return accept(text);
}
