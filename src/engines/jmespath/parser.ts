/**
 * Pratt parser producing go-jmespath's AST (parser.go): same node kinds, same binding powers, same
 * quirks (e.g. a bad index inside a leading `[` yields an Empty node that fails at run time).
 */
import { JmesSyntaxError, tokenize, type Token, type TokenType } from './lexer.ts';
import type { Value } from './values.ts';

export type ComparatorOp = 'EQ' | 'NE' | 'LT' | 'LTE' | 'GT' | 'GTE';

export type AstNode =
  | { readonly type: 'Empty' }
  | { readonly type: 'Comparator'; readonly op: ComparatorOp; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'CurrentNode' }
  | { readonly type: 'ExpRef'; readonly child: AstNode }
  | { readonly type: 'FunctionExpression'; readonly name: string; readonly args: readonly AstNode[] }
  | { readonly type: 'Field'; readonly name: string }
  | { readonly type: 'FilterProjection'; readonly left: AstNode; readonly right: AstNode; readonly condition: AstNode }
  | { readonly type: 'Flatten'; readonly child: AstNode }
  | { readonly type: 'Identity' }
  | { readonly type: 'Index'; readonly index: number }
  | { readonly type: 'IndexExpression'; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'KeyValPair'; readonly key: string; readonly value: AstNode }
  | { readonly type: 'Literal'; readonly value: Value }
  | { readonly type: 'MultiSelectHash'; readonly pairs: readonly { readonly key: string; readonly value: AstNode }[] }
  | { readonly type: 'MultiSelectList'; readonly items: readonly AstNode[] }
  | { readonly type: 'Or'; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'And'; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'Not'; readonly child: AstNode }
  | { readonly type: 'Pipe'; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'Projection'; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'Subexpression'; readonly left: AstNode; readonly right: AstNode }
  | { readonly type: 'Slice'; readonly parts: readonly (number | null)[] }
  | { readonly type: 'ValueProjection'; readonly left: AstNode; readonly right: AstNode };

const BINDING_POWERS: Partial<Record<TokenType, number>> = {
  Pipe: 1,
  Or: 2,
  And: 3,
  EQ: 5,
  LT: 5,
  LTE: 5,
  GT: 5,
  GTE: 5,
  NE: 5,
  Flatten: 9,
  Star: 20,
  Filter: 21,
  Dot: 40,
  Not: 45,
  Lbrace: 50,
  Lbracket: 55,
  Lparen: 60,
};

const bp = (t: TokenType): number => BINDING_POWERS[t] ?? 0;

const IDENTITY: AstNode = Object.freeze({ type: 'Identity' });

/** Nesting beyond this is refused: deep recursion must end in an error, never a stack overflow. */
const MAX_DEPTH = 200;

export function parse(expression: string): AstNode {
  return new Parser(expression).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(private readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  parseAll(): AstNode {
    const node = this.parseExpression(0);
    if (this.current() !== 'EOF') {
      throw this.syntaxError(`Unexpected token at the end of the expression: ${goTokenName(this.current())}`);
    }
    return node;
  }

  private parseExpression(bindingPower: number): AstNode {
    if (++this.depth > MAX_DEPTH) throw this.syntaxError('expression nested too deeply');
    try {
      const leftToken = this.lookaheadToken(0);
      this.advance();
      let left = this.nud(leftToken);
      let current = this.current();
      while (bindingPower < bp(current)) {
        this.advance();
        left = this.led(current, left);
        current = this.current();
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private parseIndexExpression(): AstNode {
    if (this.lookahead(0) === 'Colon' || this.lookahead(1) === 'Colon') return this.parseSliceExpression();
    const indexStr = this.lookaheadToken(0).value;
    const parsed = atoi(indexStr);
    if (parsed === null) throw new JmesSyntaxError(`strconv.Atoi: parsing "${indexStr}": invalid syntax`, this.expression, this.lookaheadToken(0).position);
    this.advance();
    this.match('Rbracket');
    return { type: 'Index', index: parsed };
  }

  private parseSliceExpression(): AstNode {
    const parts: (number | null)[] = [null, null, null];
    let index = 0;
    let current = this.current();
    while (current !== 'Rbracket' && index < 3) {
      if (current === 'Colon') {
        index++;
        this.advance();
      } else if (current === 'Number') {
        const value = this.lookaheadToken(0).value;
        const parsed = atoi(value);
        if (parsed === null) throw new JmesSyntaxError(`strconv.Atoi: parsing "${value}": invalid syntax`, this.expression, this.lookaheadToken(0).position);
        parts[index] = parsed;
        this.advance();
      } else {
        throw this.syntaxError(`Expected tColon or tNumber, received: ${goTokenName(this.current())}`);
      }
      current = this.current();
    }
    this.match('Rbracket');
    return { type: 'Slice', parts };
  }

  private match(type: TokenType): void {
    if (this.current() === type) {
      this.advance();
      return;
    }
    throw this.syntaxError(`Expected ${goTokenName(type)}, received: ${goTokenName(this.current())}`);
  }

  private led(type: TokenType, node: AstNode): AstNode {
    switch (type) {
      case 'Dot': {
        if (this.current() !== 'Star') {
          const right = this.parseDotRHS(bp('Dot'));
          return { type: 'Subexpression', left: node, right };
        }
        this.advance();
        const right = this.parseProjectionRHS(bp('Dot'));
        return { type: 'ValueProjection', left: node, right };
      }
      case 'Pipe':
        return { type: 'Pipe', left: node, right: this.parseExpression(bp('Pipe')) };
      case 'Or':
        return { type: 'Or', left: node, right: this.parseExpression(bp('Or')) };
      case 'And':
        return { type: 'And', left: node, right: this.parseExpression(bp('And')) };
      case 'Lparen': {
        // go-jmespath takes the function name from the left node's value, whatever that node is.
        const name = node.type === 'Field' ? node.name : '';
        const args: AstNode[] = [];
        while (this.current() !== 'Rparen') {
          const expression = this.parseExpression(0);
          if (this.current() === 'Comma') this.match('Comma');
          args.push(expression);
        }
        this.match('Rparen');
        return { type: 'FunctionExpression', name, args };
      }
      case 'Filter':
        return this.parseFilter(node);
      case 'Flatten': {
        const left: AstNode = { type: 'Flatten', child: node };
        const right = this.parseProjectionRHS(bp('Flatten'));
        return { type: 'Projection', left, right };
      }
      case 'EQ':
      case 'NE':
      case 'GT':
      case 'GTE':
      case 'LT':
      case 'LTE': {
        const right = this.parseExpression(bp(type));
        return { type: 'Comparator', op: type, left: node, right };
      }
      case 'Lbracket': {
        const t = this.current();
        if (t === 'Number' || t === 'Colon') {
          const right = this.parseIndexExpression();
          return this.projectIfSlice(node, right);
        }
        this.match('Star');
        this.match('Rbracket');
        const right = this.parseProjectionRHS(bp('Star'));
        return { type: 'Projection', left: node, right };
      }
      default:
        throw this.syntaxError(`Unexpected token: ${goTokenName(type)}`);
    }
  }

  private nud(token: Token): AstNode {
    switch (token.type) {
      case 'JSONLiteral': {
        let parsed: Value;
        try {
          parsed = JSON.parse(token.value) as Value;
        } catch (error) {
          throw new JmesSyntaxError(`invalid JSON literal: ${(error as Error).message}`, this.expression, token.position);
        }
        return { type: 'Literal', value: parsed };
      }
      case 'StringLiteral':
        return { type: 'Literal', value: token.value };
      case 'UnquotedIdentifier':
        return { type: 'Field', name: token.value };
      case 'QuotedIdentifier':
        if (this.current() === 'Lparen') {
          throw new JmesSyntaxError("Can't have quoted identifier as function Name.", this.expression, token.position);
        }
        return { type: 'Field', name: token.value };
      case 'Star': {
        const right = this.current() === 'Rbracket' ? IDENTITY : this.parseProjectionRHS(bp('Star'));
        return { type: 'ValueProjection', left: IDENTITY, right };
      }
      case 'Filter':
        return this.parseFilter(IDENTITY);
      case 'Lbrace':
        return this.parseMultiSelectHash();
      case 'Flatten': {
        const left: AstNode = { type: 'Flatten', child: IDENTITY };
        const right = this.parseProjectionRHS(bp('Flatten'));
        return { type: 'Projection', left, right };
      }
      case 'Lbracket': {
        const t = this.current();
        if (t === 'Number' || t === 'Colon') {
          let right: AstNode;
          try {
            right = this.parseIndexExpression();
          } catch {
            return { type: 'Empty' }; // go-jmespath returns (ASTNode{}, nil) here
          }
          return this.projectIfSlice(IDENTITY, right);
        }
        if (t === 'Star' && this.lookahead(1) === 'Rbracket') {
          this.advance();
          this.advance();
          const right = this.parseProjectionRHS(bp('Star'));
          return { type: 'Projection', left: IDENTITY, right };
        }
        return this.parseMultiSelectList();
      }
      case 'Current':
        return { type: 'CurrentNode' };
      case 'Expref':
        return { type: 'ExpRef', child: this.parseExpression(bp('Expref')) };
      case 'Not':
        return { type: 'Not', child: this.parseExpression(bp('Not')) };
      case 'Lparen': {
        const expression = this.parseExpression(0);
        this.match('Rparen');
        return expression;
      }
      case 'EOF':
        throw new JmesSyntaxError('Incomplete expression', this.expression, token.position);
      default:
        throw new JmesSyntaxError(`Invalid token: ${goTokenName(token.type)}`, this.expression, token.position);
    }
  }

  private parseMultiSelectList(): AstNode {
    const items: AstNode[] = [];
    for (;;) {
      items.push(this.parseExpression(0));
      if (this.current() === 'Rbracket') break;
      this.match('Comma');
    }
    this.match('Rbracket');
    return { type: 'MultiSelectList', items };
  }

  private parseMultiSelectHash(): AstNode {
    const pairs: { key: string; value: AstNode }[] = [];
    for (;;) {
      const keyToken = this.lookaheadToken(0);
      if (this.current() === 'UnquotedIdentifier' || this.current() === 'QuotedIdentifier') this.advance();
      else throw this.syntaxError('Expected tQuotedIdentifier or tUnquotedIdentifier');
      this.match('Colon');
      const value = this.parseExpression(0);
      pairs.push({ key: keyToken.value, value });
      if (this.current() === 'Comma') {
        this.match('Comma');
      } else if (this.current() === 'Rbrace') {
        this.match('Rbrace');
        break;
      }
      // any other token: go-jmespath loops again and fails on the key match
    }
    return { type: 'MultiSelectHash', pairs };
  }

  private projectIfSlice(left: AstNode, right: AstNode): AstNode {
    const indexExpr: AstNode = { type: 'IndexExpression', left, right };
    if (right.type === 'Slice') {
      return { type: 'Projection', left: indexExpr, right: this.parseProjectionRHS(bp('Star')) };
    }
    return indexExpr;
  }

  private parseFilter(node: AstNode): AstNode {
    const condition = this.parseExpression(0);
    this.match('Rbracket');
    const right = this.current() === 'Flatten' ? IDENTITY : this.parseProjectionRHS(bp('Filter'));
    return { type: 'FilterProjection', left: node, right, condition };
  }

  private parseDotRHS(bindingPower: number): AstNode {
    const lookahead = this.current();
    if (lookahead === 'QuotedIdentifier' || lookahead === 'UnquotedIdentifier' || lookahead === 'Star') {
      return this.parseExpression(bindingPower);
    }
    if (lookahead === 'Lbracket') {
      this.match('Lbracket');
      return this.parseMultiSelectList();
    }
    if (lookahead === 'Lbrace') {
      this.match('Lbrace');
      return this.parseMultiSelectHash();
    }
    throw this.syntaxError('Expected identifier, lbracket, or lbrace');
  }

  private parseProjectionRHS(bindingPower: number): AstNode {
    const current = this.current();
    if (bp(current) < 10) return IDENTITY;
    if (current === 'Lbracket' || current === 'Filter') return this.parseExpression(bindingPower);
    if (current === 'Dot') {
      this.match('Dot');
      return this.parseDotRHS(bindingPower);
    }
    throw this.syntaxError('Error');
  }

  private lookahead(n: number): TokenType {
    return this.lookaheadToken(n).type;
  }

  private current(): TokenType {
    return this.lookahead(0);
  }

  private lookaheadToken(n: number): Token {
    // Past the end the Go parser would panic; the EOF token is a safe stand-in.
    return this.tokens[Math.min(this.index + n, this.tokens.length - 1)]!;
  }

  private advance(): void {
    this.index++;
  }

  private syntaxError(msg: string): JmesSyntaxError {
    return new JmesSyntaxError(msg, this.expression, this.lookaheadToken(0).position);
  }
}

/** strconv.Atoi: optional sign then decimal digits, within int64. */
function atoi(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Token names as go-jmespath's stringer prints them (tDot, tEOF, …). */
function goTokenName(type: TokenType): string {
  return `t${type}`;
}
