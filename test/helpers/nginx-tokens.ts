/**
 * A small nginx.conf tokenizer for the security tests: words, quoted strings, `;`, `{`, `}` (comments dropped),
 * read the way nginx's own parser reads them, and the structure those tokens give: the sequence of directive
 * names and block nesting. Two configurations with the same structure differ only in directive arguments.
 */

export type Token = { kind: 'word' | 'quoted'; text: string } | { kind: ';' | '{' | '}' };

/** Unescapes a quoted string as ngx_conf_read_token does: `\"`, `\'`, `\\` lose their backslash; `\t \r \n` become control characters. */
function unescape(raw: string): string {
  return raw.replace(/\\(["'\\tnr])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      tokens.push({ kind: c });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new Error(`unterminated string at offset ${i}`);
      tokens.push({ kind: 'quoted', text: unescape(text.slice(i + 1, j)) });
      i = j + 1;
    } else {
      // A word runs to whitespace, `;`, `{` or `}`; inside it, `${name}` is a variable, not a block.
      let j = i;
      while (j < text.length && !/[\s;{}]/.test(text[j]!)) {
        if (text[j] === '$' && text[j + 1] === '{') j = text.indexOf('}', j) + 1 || text.length;
        else j += text[j] === '\\' ? 2 : 1;
      }
      const word = text.slice(i, j);
      tokens.push({ kind: 'word', text: word });
      i = word.endsWith('_by_lua_block') ? skipLuaBlock(text, j, tokens) : j;
    }
  }
  return tokens;
}

/** `*_by_lua_block { … }` holds Lua, not nginx syntax: kept as one opaque block so its braces do not count. */
function skipLuaBlock(text: string, from: number, tokens: Token[]): number {
  const open = text.indexOf('{', from);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) {
      tokens.push({ kind: 'quoted', text: text.slice(open + 1, i) }, { kind: ';' });
      return i + 1;
    }
  }
  throw new Error('unterminated Lua block');
}

/** One directive: its name, its arguments (quotes removed), and its block's directives if it has one. */
export interface Directive {
  name: string;
  args: string[];
  block: Directive[] | null;
}

export function parseConfig(text: string): Directive[] {
  const tokens = tokenize(text);
  let i = 0;
  const parseBlock = (): Directive[] => {
    const directives: Directive[] = [];
    while (i < tokens.length) {
      const token = tokens[i]!;
      if (token.kind === '}') {
        i++;
        return directives;
      }
      if (token.kind === ';' || token.kind === '{') throw new Error(`unexpected ${token.kind} at token ${i}`);
      const words: string[] = [];
      while (i < tokens.length && (tokens[i]!.kind === 'word' || tokens[i]!.kind === 'quoted')) words.push((tokens[i++] as { text: string }).text);
      const end = tokens[i++];
      if (!end) throw new Error('unexpected end of configuration');
      const [name = '', ...args] = words;
      directives.push({ name, args, block: end.kind === '{' ? parseBlock() : null });
    }
    return directives;
  };
  const top = parseBlock();
  if (i < tokens.length) throw new Error('unbalanced }');
  return top;
}

// Inside these blocks the first word is data (a map key, a MIME type), except for the words nginx reads as syntax there.
const DATA_BLOCKS = new Set(['map', 'types', 'geo', 'split_clients']);
const DATA_BLOCK_KEYWORDS = new Set(['default', 'include', 'hostnames', 'volatile', 'ranges', 'proxy', 'delete', 'proxy_recursive']);

/** The structure: one line per directive, `depth name` (`{`/`}` around blocks), map keys abstracted unless they are keywords. */
export function structure(directives: Directive[], depth = 0, inData = false): string[] {
  return directives.flatMap((directive) => {
    const name = inData && !DATA_BLOCK_KEYWORDS.has(directive.name) ? '<key>' : directive.name;
    const line = `${'  '.repeat(depth)}${name}`;
    if (directive.block === null) return [line];
    return [`${line} {`, ...structure(directive.block, depth + 1, DATA_BLOCKS.has(directive.name)), `${'  '.repeat(depth)}}`];
  });
}

/** Every directive, depth first, with the names of its enclosing blocks. */
export function* walk(directives: Directive[], parents: string[] = []): Generator<{ directive: Directive; parents: string[] }> {
  for (const directive of directives) {
    yield { directive, parents };
    if (directive.block) yield* walk(directive.block, [...parents, directive.name]);
  }
}
