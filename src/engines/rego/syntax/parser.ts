/**
 * Rego parser for v0 and v1 syntax (after v1/ast/parser.go). Notable upstream behaviour kept:
 * a newline or `;` separates body expressions; `(`, `[` and `.` continue a term only when adjacent
 * (parseTermFinish), so `f (x)` is not a call; trailing commas are allowed; `-1` is a literal;
 * `set()` is the empty set; chained bodies `p {…} {…}` and `else` chains.
 */
import { CompileProblem, type Location } from '../errors.ts';
import { RegoNumber } from '../values/number.ts';
import { EMPTY_SET } from '../values/value.ts';
import type { Body, Expr, ExprKind, Import, Module, Rule, RuleHead, RuleKind, Term, With } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

export type RegoVersion = 'v0' | 'v1';

const FUTURE_KEYWORDS = ['in', 'every', 'contains', 'if'] as const;
const ALWAYS_KEYWORDS = new Set(['package', 'import', 'as', 'default', 'else', 'not', 'some', 'with', 'null', 'true', 'false']);

const RELATION_OPS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };
const ARITH_OPS: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR_OPS: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

/** Nesting bound: a runaway input ends in a parse error, not a stack overflow. */
const MAX_NESTING = 500;

class Parser {
  private pos = 0;
  private readonly keywords = new Set<string>();
  private v1: boolean;
  private depth = 0;
  private wildcards = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
    version: RegoVersion,
  ) {
    this.v1 = version === 'v1';
    if (this.v1) for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
  }

  // ---- token helpers ----
  private get tok(): Token {
    return this.tokens[this.pos]!;
  }
  private peekAt(n: number): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private loc(t: Token = this.tok): Location {
    return { file: this.file, line: t.line, column: t.column };
  }
  private isOp(text: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === text;
  }
  private isKw(name: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === name && (ALWAYS_KEYWORDS.has(name) || this.keywords.has(name));
  }
  private isKeywordIdent(t: Token): boolean {
    return t.kind === 'ident' && (ALWAYS_KEYWORDS.has(t.text) || this.keywords.has(t.text));
  }
  private fail(message: string, t: Token = this.tok): never {
    throw new CompileProblem('rego_parse_error', message, this.loc(t));
  }
  private unexpected(what: string): never {
    const t = this.tok;
    const found = t.kind === 'eof' ? 'EOF' : t.kind === 'string' ? 'string' : t.kind === 'number' ? 'number' : t.text;
    this.fail(`unexpected ${found} token: expected ${what}`);
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.unexpected(text);
    return this.next();
  }
  private enter(): void {
    if (++this.depth > MAX_NESTING) this.fail('nesting too deep');
  }

  // ---- module ----
  parseModule(): Module {
    const start = this.tok;
    if (!this.isKw('package')) this.fail('package expected');
    this.next();
    const packagePath = this.parseDottedPath('package');
    const imports: Import[] = [];
    while (this.isKw('import')) imports.push(this.parseImport());
    const rules: Rule[] = [];
    while (this.tok.kind !== 'eof') {
      if (this.isKw('import')) this.fail('imports must come before rules');
      if (this.isKw('package')) this.fail('unexpected package keyword');
      rules.push(...this.parseRules());
    }
    return { file: this.file, packagePath, imports, rules, regoV1: this.v1, loc: this.loc(start) };
  }

  private parseDottedPath(what: string): string[] {
    const first = this.tok;
    if (first.kind !== 'ident') this.unexpected(`${what} path`);
    this.next();
    const path = [first.text];
    while (true) {
      if (this.isOp('.') && !this.tok.wsBefore) {
        this.next();
        const t = this.tok;
        if (t.kind !== 'ident') this.unexpected('identifier');
        this.next();
        path.push(t.text);
      } else if (this.isOp('[') && !this.tok.wsBefore) {
        this.next();
        const t = this.tok;
        if (t.kind !== 'string' && t.kind !== 'rawstring') this.unexpected('string');
        this.next();
        path.push(t.text);
        this.expectOp(']');
      } else break;
    }
    return path;
  }

  private parseImport(): Import {
    const start = this.next();
    const path = this.parseDottedPath('import');
    let alias: string | undefined;
    if (this.isKw('as')) {
      this.next();
      const t = this.next();
      if (t.kind !== 'ident') this.fail('import alias must be an identifier', t);
      alias = t.text;
    }
    const root = path[0]!;
    if (root === 'future') {
      if (path[1] !== 'keywords' || path.length > 3) this.fail('invalid import, must be `future.keywords` or `future.keywords.<keyword>`', start);
      const kw = path[2];
      if (kw === undefined) for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
      else if ((FUTURE_KEYWORDS as readonly string[]).includes(kw)) {
        this.keywords.add(kw);
        if (kw === 'every') this.keywords.add('in'); // `every x in xs` needs `in` (OPA imports both)
      }
      else this.fail(`unexpected keyword, must be one of [contains every if in]`, start);
    } else if (root === 'rego') {
      if (path.length !== 2 || path[1] !== 'v1') this.fail('invalid import `' + path.join('.') + '`, must be `rego.v1`', start);
      this.v1 = true;
      for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
    } else if (root !== 'data' && root !== 'input') {
      this.fail(`invalid import ${path.join('.')}, must begin with one of: {data, future, input, rego}`, start);
    }
    return { path, alias, loc: this.loc(start) };
  }

  // ---- rules ----
  private parseRules(): Rule[] {
    const start = this.tok;
    if (this.isKw('default')) return [this.parseDefault()];
    const head = this.parseHead();
    const rules: Rule[] = [];
    const first = this.parseRuleBodyAndElse(head, start, true);
    rules.push(first);
    // v0 chained bodies: `p { … } { … }` define more rules with the same head.
    while (!this.v1 && this.isOp('{') && !this.keywords.has('if')) {
      const body = this.parseBraceBody();
      rules.push({ head, body, isDefault: false, elseRules: [], loc: this.loc(start), file: this.file });
    }
    return rules;
  }

  private parseDefault(): Rule {
    const start = this.next();
    const nameTok = this.tok;
    if (nameTok.kind !== 'ident' || this.isKeywordIdent(nameTok)) this.unexpected('rule name');
    const path = this.parseDottedPath('rule');
    let args: Term[] | undefined;
    if (this.isOp('(') && !this.tok.wsBefore) {
      this.next();
      args = this.parseTermList(')');
    }
    let assign = false;
    if (this.isOp(':=')) assign = true;
    else if (!this.isOp('=')) this.fail('default rules must use = or := operator', this.tok);
    this.next();
    const value = this.parseTermInfix();
    const kind: RuleKind = args ? 'function' : 'complete';
    const head: RuleHead = { path, kind, args, value, assign, loc: this.loc(nameTok) };
    return { head, body: [trueExpr(this.loc(start))], isDefault: true, elseRules: [], loc: this.loc(start), file: this.file };
  }

  private parseHead(): RuleHead {
    const nameTok = this.tok;
    if (nameTok.kind !== 'ident' || this.isKeywordIdent(nameTok)) this.unexpected('rule');
    this.next();
    const path = [nameTok.text];
    let key: Term | undefined;
    let args: Term[] | undefined;
    // ref head: name(.name)*([term])?
    while (true) {
      if (this.isOp('.') && !this.tok.wsBefore && key === undefined) {
        this.next();
        const t = this.next();
        if (t.kind !== 'ident') this.fail('expected identifier in rule head', t);
        path.push(t.text);
      } else if (this.isOp('[') && !this.tok.wsBefore && key === undefined) {
        this.next();
        const term = this.parseTermInfix();
        this.expectOp(']');
        if (term.type === 'scalar' && typeof term.value === 'string' && !(this.isOp('[') && !this.tok.wsBefore) && this.headContinues()) {
          // `p["a"]` followed by more: a string path element
          path.push(term.value);
        } else key = term;
      } else break;
    }
    if (this.isOp('(') && !this.tok.wsBefore) {
      if (key !== undefined) this.fail('function heads cannot have a key');
      this.next();
      args = this.parseTermList(')');
    }
    let kind: RuleKind = args ? 'function' : key !== undefined ? 'partialset' : 'complete';
    let usedContains = false;
    if (this.isKw('contains')) {
      if (args || key !== undefined) this.fail('contains cannot be combined with a key or args');
      this.next();
      key = this.parseTermInfix();
      kind = 'partialset';
      usedContains = true;
    }
    let value: Term | undefined;
    let assign = false;
    if (!usedContains && (this.isOp('=') || this.isOp(':='))) {
      assign = this.tok.text === ':=';
      this.next();
      value = this.parseTermInfix();
      if (kind === 'partialset') kind = 'partialobject';
    }
    // v1: `p[x] if …` without `contains` is a single-value ref-head rule, p[x] = true.
    if (this.v1 && kind === 'partialset' && !usedContains) kind = 'partialobject';
    return { path, kind, args, key, value, assign, loc: this.loc(nameTok) };
  }

  private headContinues(): boolean {
    return this.isOp('.') && !this.tok.wsBefore;
  }

  private parseRuleBodyAndElse(head: RuleHead, start: Token, allowElse: boolean): Rule {
    const body = this.parseOptionalBody(head);
    const elseRules: Rule[] = [];
    if (allowElse) {
      while (this.isKw('else')) {
        if (head.kind !== 'complete' && head.kind !== 'function') this.fail('else keyword cannot be used on multi-value rules');
        const elseTok = this.next();
        let value: Term | undefined;
        let assign = false;
        if (this.isOp('=') || this.isOp(':=')) {
          assign = this.tok.text === ':=';
          this.next();
          value = this.parseTermInfix();
        }
        const elseHead: RuleHead = { ...head, value, assign, loc: this.loc(elseTok) };
        const elseBody = this.parseOptionalBody(elseHead, true);
        elseRules.push({ head: elseHead, body: elseBody, isDefault: false, elseRules: [], loc: this.loc(elseTok), file: this.file });
      }
    }
    return { head, body, isDefault: false, elseRules, loc: this.loc(start), file: this.file };
  }

  /** `if { … }`, `if expr`, `{ … }` (v0), or nothing (body `true`). */
  private parseOptionalBody(head: RuleHead, isElse = false): Body {
    if (this.isKw('if')) {
      this.next();
      if (this.isOp('{')) return this.parseBraceBody();
      const expr = this.parseLiteral();
      return [expr];
    }
    if (this.isOp('{')) {
      if (this.v1) this.fail('`if` keyword is required before rule body');
      return this.parseBraceBody();
    }
    void isElse;
    return [trueExpr(head.loc)];
  }

  private parseBraceBody(): Body {
    const open = this.expectOp('{');
    if (this.isOp('}')) this.fail('found empty body', open);
    const body = this.parseBodyUntil('}');
    this.expectOp('}');
    return body;
  }

  /** Literals separated by `;` or newlines, up to (not consuming) the closing token. */
  private parseBodyUntil(close: string): Body {
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

  private parseSome(): Expr {
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

  private parseWithsOnly(): With[] {
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

  private parseEvery(): Expr {
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

  private parseExprKind(): ExprKind {
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

  private call(name: string, args: Term[], loc: Location, _t: Token): Term {
    return { type: 'call', operator: { type: 'var', name, loc }, args, loc };
  }

  private parseTermRelation(noOr = false): Term {
    let left = this.parseTermOr(noOr);
    while (this.tok.kind === 'op' && RELATION_OPS[this.tok.text]) {
      const t = this.next();
      const right = this.parseTermOr(noOr);
      left = this.call(RELATION_OPS[t.text]!, [left, right], left.loc, t);
    }
    return left;
  }

  private parseTermOr(noOr: boolean): Term {
    let left = this.parseTermAnd();
    while (!noOr && this.isOp('|')) {
      const t = this.next();
      left = this.call('or', [left, this.parseTermAnd()], left.loc, t);
    }
    return left;
  }

  private parseTermAnd(): Term {
    let left = this.parseTermArith();
    while (this.isOp('&')) {
      const t = this.next();
      left = this.call('and', [left, this.parseTermArith()], left.loc, t);
    }
    return left;
  }

  private parseTermArith(): Term {
    let left = this.parseTermFactor();
    while (this.tok.kind === 'op' && ARITH_OPS[this.tok.text]) {
      const t = this.next();
      left = this.call(ARITH_OPS[t.text]!, [left, this.parseTermFactor()], left.loc, t);
    }
    return left;
  }

  private parseTermFactor(): Term {
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

  private parseTermFinish(head: Term): Term {
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

  private parseTermList(close: string): Term[] {
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

  private parseArray(): Term {
    const open = this.next();
    const loc = this.loc(open);
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [], loc };
    }
    const first = this.parseTermInfix(false, true);
    if (this.isOp('|')) {
      this.next();
      const body = this.parseBodyUntil(']');
      this.expectOp(']');
      return { type: 'arraycomp', term: first, body, loc };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(']')) break;
      items.push(this.parseTermInfix());
    }
    this.expectOp(']');
    return { type: 'array', items, loc };
  }

  private parseBraced(): Term {
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
      if (this.isOp('|')) {
        this.next();
        const body = this.parseBodyUntil('}');
        this.expectOp('}');
        return { type: 'objectcomp', key: first, value, body, loc };
      }
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
    if (this.isOp('|')) {
      this.next();
      const body = this.parseBodyUntil('}');
      this.expectOp('}');
      return { type: 'setcomp', term: first, body, loc };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp('}')) break;
      items.push(this.parseTermInfix());
    }
    this.expectOp('}');
    return { type: 'set', items, loc };
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

function trueExpr(loc: Location): Expr {
  return { kind: { type: 'term', term: { type: 'scalar', value: true, loc } }, negated: false, with: [], loc };
}

export function parseModule(file: string, source: string, version: RegoVersion = 'v0'): Module {
  return new Parser(tokenize(source, file), file, version).parseModule();
}

export interface QuerySyntax {
  readonly version?: RegoVersion;
  /** future keywords enabled for the query (v1 enables all) */
  readonly keywords?: readonly string[];
}

export function parseQuery(source: string, version: RegoVersion = 'v1'): Body {
  return new Parser(tokenize(source, '<query>'), '<query>', version).parseQueryBody();
}

export function parseTermSource(source: string, file = '<term>'): Term {
  return new Parser(tokenize(source, file), file, 'v1').parseSingleTerm();
}
