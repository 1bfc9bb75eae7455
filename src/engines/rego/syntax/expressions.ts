/**
 * The expression half of the Rego parser (after v1/ast/parser.go): token helpers, bodies, literals
 * (`some`, `every`, `not`, `with`) and terms with their infix levels. Notable upstream behaviour
 * kept: a newline or `;` separates body expressions; `(`, `[` and `.` continue a term only when
 * adjacent (parseTermFinish), so `f (x)` is not a call; trailing commas are allowed; `-1` is a
 * literal; `set()` is the empty set.
 */
import { CompileProblem, type Location } from '../errors.ts';
import { RegoNumber } from '../values/number.ts';
import { EMPTY_SET } from '../values/value.ts';
import type { Body, Expr, ExprKind, Term, With } from './ast.ts';
import type { Token } from './lexer.ts';

export type RegoVersion = 'v0' | 'v1';

export const FUTURE_KEYWORDS = ['in', 'every', 'contains', 'if'] as const;
const ALWAYS_KEYWORDS = new Set(['package', 'import', 'as', 'default', 'else', 'not', 'some', 'with', 'null', 'true', 'false']);

const RELATION_OPS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };
const ARITH_OPS: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR_OPS: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

/** Nesting bound: a runaway input ends in a parse error, not a stack overflow. */
const MAX_NESTING = 500;

export abstract class ExpressionParser {
  protected pos = 0;
  protected readonly keywords = new Set<string>();
  protected v1: boolean;
  protected depth = 0;
  protected wildcards = 0;

  constructor(
    protected readonly tokens: Token[],
    protected readonly file: string,
    version: RegoVersion,
  ) {
    this.v1 = version === 'v1';
    if (this.v1) for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
  }

  // ---- token helpers ----
  protected get tok(): Token {
    return this.tokens[this.pos]!;
  }
  protected peekAt(n: number): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }
  protected next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  protected loc(t: Token = this.tok): Location {
    return { file: this.file, line: t.line, column: t.column };
  }
  protected isOp(text: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === text;
  }
  protected isKw(name: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === name && (ALWAYS_KEYWORDS.has(name) || this.keywords.has(name));
  }
  protected isKeywordIdent(t: Token): boolean {
    return t.kind === 'ident' && (ALWAYS_KEYWORDS.has(t.text) || this.keywords.has(t.text));
  }
  protected fail(message: string, t: Token = this.tok): never {
    throw new CompileProblem('rego_parse_error', message, this.loc(t));
  }
  protected unexpected(what: string): never {
    const t = this.tok;
    const found = t.kind === 'eof' ? 'EOF' : t.kind === 'string' ? 'string' : t.kind === 'number' ? 'number' : t.text;
    this.fail(`unexpected ${found} token: expected ${what}`);
  }
  protected expectOp(text: string): Token {
    if (!this.isOp(text)) this.unexpected(text);
    return this.next();
  }
  protected enter(): void {
    if (++this.depth > MAX_NESTING) this.fail('nesting too deep');
  }

  protected parseBraceBody(): Body {
    const open = this.expectOp('{');
    if (this.isOp('}')) this.fail('found empty body', open);
    const body = this.parseBodyUntil('}');
    this.expectOp('}');
    return body;
  }

  /** Literals separated by `;` or newlines, up to (not consuming) the closing token. */
  protected parseBodyUntil(close: string): Body {
    const body: Expr[] = [];
    while (true) {
      body.push(this.parseLiteral());
      if (this.isOp(';')) {
        this.next();
        continue;
      }
      if ((close === '' && this.tok.kind === 'eof') || (close !== '' && this.isOp(close))) break;
      if (this.tok.nlBefore) continue;
      this.unexpected(close === '' ? `\\n or ;` : `\\n or ; or ${close}`);
    }
    return body;
  }

  // ---- literals ----
  parseLiteral(): Expr {
    this.enter();
    try {
      const start = this.tok;
      if (this.isKw('some')) return this.parseSome();
      if (this.isKw('every')) return this.parseEvery();
      let negated = false;
      if (this.isKw('not')) {
        this.next();
        negated = true;
      }
      const kind = this.parseExprKind();
      const withs: With[] = [];
      while (this.isKw('with')) {
        const wt = this.next();
        const target = this.parseTermInfix();
        if (!this.isKw('as')) this.unexpected('as');
        this.next();
        const value = this.parseTermInfix();
        withs.push({ target, value, loc: this.loc(wt) });
      }
      return { kind, negated, with: withs, loc: this.loc(start) };
    } finally {
      this.depth--;
    }
  }

  protected parseSome(): Expr {
    const start = this.next();
    const terms: Term[] = [this.parseTermRelation()];
    while (this.isOp(',')) {
      this.next();
      terms.push(this.parseTermRelation());
    }
    if (this.isKw('in')) {
      this.next();
      if (terms.length > 2) this.fail('unexpected , token: expected at most two terms before `in`');
      const domain = this.parseTermRelation();
      const [a, b] = terms;
      const kind: ExprKind = b ? { type: 'somein', key: a, value: b, domain } : { type: 'somein', key: undefined, value: a!, domain };
      return { kind, negated: false, with: this.parseWithsOnly(), loc: this.loc(start) };
    }
    for (const t of terms) if (t.type !== 'var') this.fail('expected var in some declaration', start);
    return { kind: { type: 'some', vars: terms }, negated: false, with: [], loc: this.loc(start) };
  }

  protected parseWithsOnly(): With[] {
    const withs: With[] = [];
    while (this.isKw('with')) {
      const wt = this.next();
      const target = this.parseTermInfix();
      if (!this.isKw('as')) this.unexpected('as');
      this.next();
      withs.push({ target, value: this.parseTermInfix(), loc: this.loc(wt) });
    }
    return withs;
  }

  protected parseEvery(): Expr {
    const start = this.next();
    const first = this.parseTermRelation();
    let key: Term | undefined;
    let value = first;
    if (this.isOp(',')) {
      this.next();
      key = first;
      value = this.parseTermRelation();
    }
    if (!this.isKw('in')) this.unexpected('in');
    this.next();
    const domain = this.parseTermRelation();
    if (!this.isOp('{')) this.unexpected('{');
    const body = this.parseBraceBody();
    return { kind: { type: 'every', key, value, domain, body }, negated: false, with: this.parseWithsOnly(), loc: this.loc(start) };
  }

  protected parseExprKind(): ExprKind {
    const left = this.parseTermInfix(true);
    if (this.isOp(':=') || this.isOp('=')) {
      const assign = this.tok.text === ':=';
      this.next();
      const right = this.parseTermInfix();
      return assign ? { type: 'assign', left, right } : { type: 'unify', left, right };
    }
    return { type: 'term', term: left };
  }

  // ---- terms ----
  /** The infix levels, lowest first: in, relation, |, &, + -, * / %. `kv` allows `k, v in xs`. */
  parseTermInfix(kv = false, noOr = false): Term {
    this.enter();
    try {
      let left = this.parseTermRelation(noOr);
      if (kv && this.isOp(',') && this.keywords.has('in')) {
        const save = this.pos;
        this.next();
        const value = this.parseTermRelation(noOr);
        if (this.isKw('in')) {
          const t = this.next();
          const domain = this.parseTermRelation(noOr);
          return this.call('internal.member_3', [left, value, domain], left.loc, t);
        }
        this.pos = save;
      }
      while (this.isKw('in')) {
        const t = this.next();
        const right = this.parseTermRelation(noOr);
        left = this.call('internal.member_2', [left, right], left.loc, t);
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  protected call(name: string, args: Term[], loc: Location, _t: Token): Term {
    return { type: 'call', operator: { type: 'var', name, loc }, args, loc };
  }

  protected parseTermRelation(noOr = false): Term {
    let left = this.parseTermOr(noOr);
    while (this.tok.kind === 'op' && RELATION_OPS[this.tok.text]) {
      const t = this.next();
      const right = this.parseTermOr(noOr);
      left = this.call(RELATION_OPS[t.text]!, [left, right], left.loc, t);
    }
    return left;
  }

  protected parseTermOr(noOr: boolean): Term {
    let left = this.parseTermAnd();
    while (!noOr && this.isOp('|')) {
      const t = this.next();
      left = this.call('or', [left, this.parseTermAnd()], left.loc, t);
    }
    return left;
  }

  protected parseTermAnd(): Term {
    let left = this.parseTermArith();
    while (this.isOp('&')) {
      const t = this.next();
      left = this.call('and', [left, this.parseTermArith()], left.loc, t);
    }
    return left;
  }

  protected parseTermArith(): Term {
    let left = this.parseTermFactor();
    while (this.tok.kind === 'op' && ARITH_OPS[this.tok.text]) {
      const t = this.next();
      left = this.call(ARITH_OPS[t.text]!, [left, this.parseTermFactor()], left.loc, t);
    }
    return left;
  }

  protected parseTermFactor(): Term {
    let left = this.parseTerm();
    while (this.tok.kind === 'op' && FACTOR_OPS[this.tok.text]) {
      const t = this.next();
      left = this.call(FACTOR_OPS[t.text]!, [left, this.parseTerm()], left.loc, t);
    }
    return left;
  }

  parseTerm(): Term {
    this.enter();
    try {
      const t = this.tok;
      const loc = this.loc(t);
      let term: Term;
      switch (t.kind) {
        case 'number':
          this.next();
          term = { type: 'scalar', value: new RegoNumber(t.text), loc };
          break;
        case 'string':
        case 'rawstring':
          this.next();
          term = { type: 'scalar', value: t.text, loc };
          break;
        case 'ident':
          if (t.text === 'null' || t.text === 'true' || t.text === 'false') {
            this.next();
            term = { type: 'scalar', value: t.text === 'null' ? null : t.text === 'true', loc };
            break;
          }
          // `contains` stays callable as the string builtin where it is a keyword (v1)
          if (this.isKeywordIdent(t) && !(t.text === 'contains' && this.isOp('(', this.peekAt(1)) && !this.peekAt(1).wsBefore)) this.unexpected('term');
          this.next();
          if (t.text === '_') term = { type: 'var', name: `$${this.wildcards++}`, loc, wildcard: true };
          else term = { type: 'var', name: t.text, loc };
          break;
        case 'op':
          if (t.text === '[') {
            term = this.parseArray();
            break;
          }
          if (t.text === '{') {
            term = this.parseBraced();
            break;
          }
          if (t.text === '(') {
            this.next();
            term = this.parseTermInfix();
            this.expectOp(')');
            break;
          }
          if (t.text === '-') {
            this.next();
            const n = this.tok;
            if (n.kind === 'number' && !n.wsBefore) {
              this.next();
              term = { type: 'scalar', value: new RegoNumber('-' + n.text), loc };
              break;
            }
            const operand = this.parseTerm();
            return this.call('minus', [{ type: 'scalar', value: new RegoNumber('0'), loc }, operand], loc, t);
          }
          this.unexpected('term');
        // falls through (unexpected throws)
        default:
          this.unexpected('term');
      }
      return this.parseTermFinish(term);
    } finally {
      this.depth--;
    }
  }

  protected parseTermFinish(head: Term): Term {
    let term = head;
    while (true) {
      const t = this.tok;
      if (t.wsBefore) return term;
      if (this.isOp('.')) {
        this.next();
        const name = this.tok;
        if (name.kind !== 'ident' || name.wsBefore) this.unexpected('identifier');
        this.next();
        const el: Term = { type: 'scalar', value: name.text, loc: this.loc(name) };
        term = appendRef(term, el);
      } else if (this.isOp('[')) {
        this.next();
        const el = this.parseTermInfix();
        this.expectOp(']');
        term = appendRef(term, el);
      } else if (this.isOp('(')) {
        if (term.type !== 'var' && term.type !== 'ref') return term;
        if (term.type === 'ref' && !isCallableRef(term)) this.fail('illegal call operator', t);
        this.next();
        const args = this.parseTermList(')');
        if (term.type === 'var' && term.name === 'set' && args.length === 0) {
          term = { type: 'scalar', value: EMPTY_SET, loc: term.loc };
        } else {
          term = { type: 'call', operator: term, args, loc: term.loc };
        }
      } else return term;
    }
  }

  protected parseTermList(close: string): Term[] {
    const items: Term[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseTermInfix());
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      if (!this.isOp(close)) this.unexpected(close);
    }
    this.next();
    return items;
  }

  protected parseArray(): Term {
    const open = this.next();
    const loc = this.loc(open);
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [], loc };
    }
    const first = this.parseTermInfix(false, true);
    if (this.isOp('|')) return { type: 'arraycomp', term: first, body: this.parseComprehensionBody(']'), loc };
    return { type: 'array', items: this.parseListRest(first, ']'), loc };
  }

  protected parseBraced(): Term {
    const open = this.next();
    const loc = this.loc(open);
    if (this.isOp('}')) {
      this.next();
      return { type: 'object', pairs: [], loc };
    }
    const first = this.parseTermInfix(false, true);
    if (this.isOp(':')) {
      this.next();
      const value = this.parseTermInfix(false, true);
      if (this.isOp('|')) return { type: 'objectcomp', key: first, value, body: this.parseComprehensionBody('}'), loc };
      const pairs: [Term, Term][] = [[first, value]];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        const k = this.parseTermInfix();
        this.expectOp(':');
        pairs.push([k, this.parseTermInfix()]);
      }
      this.expectOp('}');
      return { type: 'object', pairs, loc };
    }
    if (this.isOp('|')) return { type: 'setcomp', term: first, body: this.parseComprehensionBody('}'), loc };
    return { type: 'set', items: this.parseListRest(first, '}'), loc };
  }

  /** After a comprehension's term: `| body` through the closing bracket. */
  private parseComprehensionBody(close: string): Body {
    this.next();
    const body = this.parseBodyUntil(close);
    this.expectOp(close);
    return body;
  }

  /** The items after the first of a comma-separated array or set, through the closing bracket (a trailing comma allowed). */
  private parseListRest(first: Term, close: string): Term[] {
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(close)) break;
      items.push(this.parseTermInfix());
    }
    this.expectOp(close);
    return items;
  }

  parseQueryBody(): Body {
    if (this.tok.kind === 'eof') this.fail('empty query');
    const body = this.parseBodyUntil('');
    if ((this.tok.kind as string) !== 'eof') this.unexpected('end of query');
    return body;
  }

  parseSingleTerm(): Term {
    const t = this.parseTermInfix();
    if (this.tok.kind !== 'eof') this.unexpected('end of term');
    return t;
  }

}

function appendRef(term: Term, el: Term): Term {
  if (term.type === 'ref') return { type: 'ref', head: term.head, path: [...term.path, el], loc: term.loc };
  return { type: 'ref', head: term, path: [el], loc: term.loc };
}

/** `a.b.c(…)`: a var followed by string elements. */
function isCallableRef(term: Term & { type: 'ref' }): boolean {
  return term.head.type === 'var' && term.path.every((p) => p.type === 'scalar' && typeof p.value === 'string');
}

export function trueExpr(loc: Location): Expr {
  return { kind: { type: 'term', term: { type: 'scalar', value: true, loc } }, negated: false, with: [], loc };
}
