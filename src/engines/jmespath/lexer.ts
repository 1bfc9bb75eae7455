/**
 * JMESPath lexer with the behaviour of go-jmespath (kyverno/go-jmespath lexer.go): the same token
 * set, the same raw-string and literal escapes, the same error texts.
 */

export type TokenType =
  | 'Unknown'
  | 'Star'
  | 'Dot'
  | 'Filter'
  | 'Flatten'
  | 'Lparen'
  | 'Rparen'
  | 'Lbracket'
  | 'Rbracket'
  | 'Lbrace'
  | 'Rbrace'
  | 'Or'
  | 'Pipe'
  | 'Number'
  | 'UnquotedIdentifier'
  | 'QuotedIdentifier'
  | 'Comma'
  | 'Colon'
  | 'LT'
  | 'LTE'
  | 'GT'
  | 'GTE'
  | 'EQ'
  | 'NE'
  | 'JSONLiteral'
  | 'StringLiteral'
  | 'Current'
  | 'Expref'
  | 'And'
  | 'Not'
  | 'EOF';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  /** Byte-independent position: index in the code-point array. */
  readonly position: number;
}

/** go-jmespath SyntaxError: `SyntaxError: <msg>`. */
export class JmesSyntaxError extends Error {
  constructor(
    readonly msg: string,
    readonly expression: string,
    readonly offset: number,
  ) {
    super(`SyntaxError: ${msg}`);
    this.name = 'JmesSyntaxError';
  }
}

const BASIC_TOKENS: Record<string, TokenType> = {
  '.': 'Dot',
  '*': 'Star',
  ',': 'Comma',
  ':': 'Colon',
  '{': 'Lbrace',
  '}': 'Rbrace',
  ']': 'Rbracket',
  '(': 'Lparen',
  ')': 'Rparen',
  '@': 'Current',
};

const EOF = -1;

function isIdentifierStart(r: number): boolean {
  return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || r === 0x5f;
}

function isIdentifierTrailing(r: number): boolean {
  return isIdentifierStart(r) || (r >= 0x30 && r <= 0x39);
}

/** A rune cursor mirroring the Go lexer's next/back/peek (lastWidth is 0 at end of input). */
class Cursor {
  readonly runes: number[];
  pos = 0;
  lastWidth = 0;
  constructor(readonly expression: string) {
    this.runes = Array.from(expression, (c) => c.codePointAt(0)!);
  }
  next(): number {
    if (this.pos >= this.runes.length) {
      this.lastWidth = 0;
      return EOF;
    }
    this.lastWidth = 1;
    return this.runes[this.pos++]!;
  }
  back(): void {
    this.pos -= this.lastWidth;
  }
  peek(): number {
    const r = this.next();
    this.back();
    return r;
  }
  slice(start: number, end: number): string {
    return String.fromCodePoint(...this.runes.slice(start, end));
  }
}

export function tokenize(expression: string): Token[] {
  const c = new Cursor(expression);
  const tokens: Token[] = [];
  for (;;) {
    const r = c.next();
    if (r === EOF) break;
    const ch = String.fromCodePoint(r);
    if (isIdentifierStart(r)) {
      const start = c.pos - 1;
      for (;;) {
        const n = c.next();
        if (n === EOF || !isIdentifierTrailing(n)) {
          c.back();
          break;
        }
      }
      tokens.push({ type: 'UnquotedIdentifier', value: c.slice(start, c.pos), position: start });
    } else if (Object.hasOwn(BASIC_TOKENS, ch)) {
      tokens.push({ type: BASIC_TOKENS[ch]!, value: ch, position: c.pos - 1 });
    } else if (r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      const start = c.pos - 1;
      for (;;) {
        const n = c.next();
        if (n < 0x30 || n > 0x39) {
          c.back();
          break;
        }
      }
      tokens.push({ type: 'Number', value: c.slice(start, c.pos), position: start });
    } else if (ch === '[') {
      const start = c.pos - 1;
      const n = c.next();
      if (n === 0x3f) tokens.push({ type: 'Filter', value: '[?', position: start });
      else if (n === 0x5d) tokens.push({ type: 'Flatten', value: '[]', position: start });
      else {
        c.back();
        tokens.push({ type: 'Lbracket', value: '[', position: start });
      }
    } else if (ch === '"') {
      const start = c.pos;
      const raw = consumeUntil(c, 0x22);
      let decoded: unknown;
      try {
        decoded = JSON.parse(`"${raw}"`);
      } catch (error) {
        throw new JmesSyntaxError(`invalid quoted identifier: ${(error as Error).message}`, expression, start);
      }
      tokens.push({ type: 'QuotedIdentifier', value: decoded as string, position: start - 1 });
    } else if (ch === "'") {
      tokens.push(consumeRawString(c));
    } else if (ch === '`') {
      const start = c.pos;
      const raw = consumeUntil(c, 0x60).replaceAll('\\`', '`');
      tokens.push({ type: 'JSONLiteral', value: raw, position: start });
    } else if (ch === '|') {
      tokens.push(matchOrElse(c, r, 0x7c, 'Or', 'Pipe'));
    } else if (ch === '<') {
      tokens.push(matchOrElse(c, r, 0x3d, 'LTE', 'LT'));
    } else if (ch === '>') {
      tokens.push(matchOrElse(c, r, 0x3d, 'GTE', 'GT'));
    } else if (ch === '!') {
      tokens.push(matchOrElse(c, r, 0x3d, 'NE', 'Not'));
    } else if (ch === '=') {
      tokens.push(matchOrElse(c, r, 0x3d, 'EQ', 'Unknown'));
    } else if (ch === '&') {
      tokens.push(matchOrElse(c, r, 0x26, 'And', 'Expref'));
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      // whitespace
    } else {
      throw new JmesSyntaxError(`Unknown char: ${quoteRuneToAscii(r)}`, expression, c.pos - 1);
    }
  }
  tokens.push({ type: 'EOF', value: '', position: c.runes.length });
  return tokens;
}

function matchOrElse(c: Cursor, first: number, second: number, matched: TokenType, single: TokenType): Token {
  const start = c.pos - 1;
  const n = c.next();
  if (n === second) return { type: matched, value: String.fromCodePoint(first, second), position: start };
  c.back();
  return { type: single, value: String.fromCodePoint(first), position: start };
}

function consumeUntil(c: Cursor, end: number): string {
  const start = c.pos;
  let current = c.next();
  while (current !== end && current !== EOF) {
    if (current === 0x5c && c.peek() !== EOF) c.next();
    current = c.next();
  }
  if (c.lastWidth === 0) {
    throw new JmesSyntaxError(`Unclosed delimiter: ${String.fromCodePoint(end)}`, c.expression, c.runes.length);
  }
  return c.slice(start, c.pos - 1);
}

// Raw string literal: only \' is an escape; everything else (including other backslashes) is literal.
function consumeRawString(c: Cursor): Token {
  const start = c.pos;
  let currentIndex = start;
  let buf = '';
  let current = c.next();
  while (current !== 0x27 && c.peek() !== EOF) {
    if (current === 0x5c && c.peek() === 0x27) {
      buf += c.slice(currentIndex, c.pos - 1) + "'";
      c.next();
      currentIndex = c.pos;
    }
    current = c.next();
  }
  if (c.lastWidth === 0) {
    throw new JmesSyntaxError("Unclosed delimiter: '", c.expression, c.runes.length);
  }
  if (currentIndex < c.pos) buf += c.slice(currentIndex, c.pos - 1);
  return { type: 'StringLiteral', value: buf, position: start };
}

function quoteRuneToAscii(r: number): string {
  if (r >= 0x20 && r < 0x7f) return r === 0x27 ? "'\\''" : r === 0x5c ? "'\\\\'" : `'${String.fromCodePoint(r)}'`;
  if (r < 0x10000) return `'\\u${r.toString(16).padStart(4, '0')}'`;
  return `'\\U${r.toString(16).padStart(8, '0')}'`;
}
