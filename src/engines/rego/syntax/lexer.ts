/**
 * Rego scanner (after v1/ast/internal/scanner). Newlines are whitespace, but each token records
 * whether whitespace and whether a newline came before it: the parser needs both, since a newline
 * ends a body expression and `(`, `[`, `.` continue a term only when adjacent (parseTermFinish).
 */
import { CompileProblem, type Location } from '../errors.ts';

export type TokenKind = 'ident' | 'number' | 'string' | 'rawstring' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, operator text, number text, or the decoded string value. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly end: number;
  /** Whitespace (or a comment) directly before this token. */
  readonly wsBefore: boolean;
  /** A newline (or `;`-free line break) between the previous token and this one. */
  readonly nlBefore: boolean;
}

const OPERATORS = [':=', '==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':'];

export function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = source.length;
  const loc = (offset: number): Location => ({ file, line, column: offset - lineStart + 1 });
  while (true) {
    let ws = false;
    let nl = false;
    // skip whitespace and comments
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === 10) {
        nl = true;
        ws = true;
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) {
        ws = true;
        i++;
      } else if (c === 35) {
        ws = true;
        while (i < n && source.charCodeAt(i) !== 10) i++;
      } else break;
    }
    const start = i;
    const column = start - lineStart + 1;
    const push = (kind: TokenKind, text: string) =>
      tokens.push({ kind, text, line, column, offset: start, end: i, wsBefore: ws, nlBefore: nl });
    if (i >= n) {
      push('eof', '');
      return tokens;
    }
    const c = source[i]!;
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      push('ident', source.slice(start, i));
      continue;
    }
    if (/[0-9]/.test(c)) {
      // JSON-style number: int [frac] [exp]
      while (i < n && /[0-9]/.test(source[i]!)) i++;
      if (source[i] === '.' && /[0-9]/.test(source[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9]/.test(source[i]!)) i++;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (/[0-9]/.test(source[j] ?? '')) {
          i = j;
          while (i < n && /[0-9]/.test(source[i]!)) i++;
        }
      }
      const text = source.slice(start, i);
      if (/^0\d/.test(text)) throw new CompileProblem('rego_parse_error', `illegal number format`, loc(start));
      if (i < n && /[A-Za-z_.]/.test(source[i]!) && !(source[i] === '.' && !/[0-9]/.test(source[i + 1] ?? ''))) {
        throw new CompileProblem('rego_parse_error', `illegal number format`, loc(start));
      }
      push('number', text);
      continue;
    }
    if (c === '"') {
      i++;
      let out = '';
      while (true) {
        if (i >= n || source[i] === '\n') throw new CompileProblem('rego_parse_error', 'non-terminated string', loc(start));
        const ch = source[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = source[i + 1];
          i += 2;
          switch (e) {
            case '"':
            case '\\':
            case '/':
              out += e;
              break;
            case 'b':
              out += '\b';
              break;
            case 'f':
              out += '\f';
              break;
            case 'n':
              out += '\n';
              break;
            case 'r':
              out += '\r';
              break;
            case 't':
              out += '\t';
              break;
            case 'u': {
              const hex = source.slice(i, i + 4);
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new CompileProblem('rego_parse_error', 'illegal unicode escape sequence', loc(start));
              out += String.fromCharCode(parseInt(hex, 16));
              i += 4;
              break;
            }
            default:
              throw new CompileProblem('rego_parse_error', 'illegal escape sequence', loc(start));
          }
          continue;
        }
        out += ch;
        i++;
      }
      push('string', out);
      continue;
    }
    if (c === '`') {
      const close = source.indexOf('`', i + 1);
      if (close < 0) throw new CompileProblem('rego_parse_error', 'non-terminated raw string', loc(start));
      const text = source.slice(i + 1, close);
      const startLine = line;
      for (const ch of text) if (ch === '\n') line++;
      if (text.includes('\n')) lineStart = start + 1 + text.lastIndexOf('\n') + 1;
      i = close + 1;
      tokens.push({ kind: 'rawstring', text, line: startLine, column, offset: start, end: i, wsBefore: ws, nlBefore: nl });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new CompileProblem('rego_parse_error', `illegal token`, loc(start));
    i += op.length;
    push('op', op);
  }
}
