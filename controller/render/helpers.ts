import { PorticoError } from '../errors.js';

// NUL, line breaks and other control characters would end or corrupt a directive.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** An nginx double-quoted string taken literally; `$` is refused because nginx would expand it as a variable. */
export function quote(value: string): string {
  if (CONTROL_CHARACTER.test(value) || value.includes('$')) {
    throw new PorticoError('TEMPLATE', `unsafe string for nginx.conf: ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * An nginx double-quoted regular expression, where `^` and `$` are anchors. Backslashes are doubled because
 * nginx unescapes `\\` inside quotes; quotes are refused outright since no host or path regex needs them.
 */
export function quoteRegex(value: string): string {
  if (CONTROL_CHARACTER.test(value) || /["']/.test(value)) {
    throw new PorticoError('TEMPLATE', `unsafe regular expression for nginx.conf: ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/\\/g, '\\\\')}"`;
}

/**
 * An nginx double-quoted string in which nginx expands variables: for values an annotation parser has already
 * limited to allowed variables (see annotations/validators.ts). Here only the quoting is enforced: no control
 * characters, quotes or backslashes, and every `$` starts a variable name or a capture number.
 */
export function quoteExpression(value: string): string {
  if (CONTROL_CHARACTER.test(value) || /["'\\]/.test(value) || /\$(?![A-Za-z_0-9]|\{[A-Za-z_]+\})/.test(value)) {
    throw new PorticoError('TEMPLATE', `unsafe expression for nginx.conf: ${JSON.stringify(value)}`);
  }
  return `"${value}"`;
}

/**
 * An nginx double-quoted string of literal text and `${name}` variables (a log format, a log path): the text
 * is escaped as by `quote`; a `$` anywhere but at the start of `${name}` is refused, as nginx has no escape for it.
 * Which variables are allowed is the parser's decision (config/log-format.ts).
 */
export function quoteWithVariables(value: string): string {
  if (CONTROL_CHARACTER.test(value) || /\$(?!\{[A-Za-z_][A-Za-z0-9_]*\})/.test(value)) {
    throw new PorticoError('TEMPLATE', `unsafe text with variables for nginx.conf: ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** Wraps a string function as a Handlebars helper that throws unless called with exactly one string. */
function stringHelper(name: string, format: (value: string) => string) {
  return (...args: unknown[]): string => {
    // Handlebars appends its options object, so one template argument arrives as two.
    const [value] = args;
    if (args.length !== 2 || typeof value !== 'string') {
      throw new PorticoError('TEMPLATE', `{{${name}}} takes one string, got ${JSON.stringify(args.slice(0, -1))}`);
    }
    return format(value);
  };
}

/**
 * The whole helper set templates may use: `q` for literal strings, `re` for regular expressions, `expr` for
 * validated expressions, `qvars` for text with `${name}` variables.
 */
export const templateHelpers = {
  q: stringHelper('q', quote),
  re: stringHelper('re', quoteRegex),
  expr: stringHelper('expr', quoteExpression),
  qvars: stringHelper('qvars', quoteWithVariables),
};
