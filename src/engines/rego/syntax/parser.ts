/**
 * Rego parser for v0 and v1 syntax (after v1/ast/parser.go): modules, imports (future keywords,
 * rego.v1), rules (complete, partial set/object, functions, default, else chains, v0 chained
 * bodies `p {…} {…}`, ref heads). Expressions and terms are in expressions.ts.
 */
import { CompileProblem } from '../errors.ts';
import type { Body, Import, Module, Rule, RuleHead, RuleKind, Term } from './ast.ts';
import { ExpressionParser, FUTURE_KEYWORDS, trueExpr, type RegoVersion } from './expressions.ts';
import { tokenize, type Token } from './lexer.ts';

export type { RegoVersion };

class Parser extends ExpressionParser {
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

  protected parseDottedPath(what: string): string[] {
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

  protected parseImport(): Import {
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
  protected parseRules(): Rule[] {
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

  protected parseDefault(): Rule {
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

  protected parseHead(): RuleHead {
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

  protected headContinues(): boolean {
    return this.isOp('.') && !this.tok.wsBefore;
  }

  protected parseRuleBodyAndElse(head: RuleHead, start: Token, allowElse: boolean): Rule {
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
  protected parseOptionalBody(head: RuleHead, isElse = false): Body {
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
