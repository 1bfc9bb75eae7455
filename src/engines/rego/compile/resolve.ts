/**
 * Name resolution, AST → IR (OPA's ResolveRefs + RewriteLocalVars, v1/ast/compile.go):
 * - a var declared with `:=`, `some`, a function arg, or a some-in/every var is a local and shadows
 *   rule names, imports and builtin namespaces (a local named `object` does not hide `object.get(…)`);
 * - otherwise a var named like a rule of the package, or an import, is a ref to that document;
 * - otherwise `input` / `data` are the roots, and any other var is a local of the innermost body that
 *   uses it outside closures (comprehension bodies close over the enclosing body's vars).
 */
import { CompileProblem, type Location } from '../errors.ts';
import { lookupBuiltin } from '../builtins/registry.ts';
import type { CExpr, CTerm, CWith, FnTarget, WithTarget } from '../ir.ts';
import type { Body, Expr, Term } from '../syntax/ast.ts';
import { RegoObject, RegoSet, type Value, keyOf } from '../values/value.ts';
import { Scope } from './scope.ts';
import { describeArg, parseType, valueMatches } from './typecheck.ts';

/** What a name outside any local scope means: a path under data or input. */
export interface Global {
  readonly root: 'data' | 'input';
  readonly path: readonly string[];
}

export interface ResolveEnv {
  readonly globals: ReadonlyMap<string, Global>;
  readonly problems: CompileProblem[];
  /** user functions by full data path text → arity, for call checks */
  readonly functionArity: (path: readonly string[]) => number | undefined | 'not-function';
}

/** Negated expressions may use wildcards existentially; we track which wildcard slots they own. */
export class Resolver {
  /** the scope of each closure body, for the safety pass */
  readonly closureScopes = new WeakMap<object, Scope>();

  constructor(private readonly env: ResolveEnv) {}

  problem(message: string, loc: Location, code = 'rego_compile_error'): void {
    this.env.problems.push(new CompileProblem(code, message, loc));
  }

  /** Declare the names a body introduces at its own level (OPA declaredVars). */
  declareBody(body: Body, scope: Scope): void {
    for (const expr of body) {
      const k = expr.kind;
      if (k.type === 'assign') {
        for (const v of patternVarNames(k.left)) {
          if (scope.declared.has(v.name)) this.problem(`var ${v.name} assigned above`, v.loc);
          else {
            scope.declared.add(v.name);
            if (!scope.vars.has(v.name)) scope.add(v.name);
          }
        }
        if (!isPattern(k.left)) this.problem(`cannot assign to ${termKindName(k.left)}`, expr.loc);
      } else if (k.type === 'some') {
        for (const v of k.vars) {
          if (v.type !== 'var') continue;
          scope.declared.add(v.name);
          if (!scope.vars.has(v.name)) scope.add(v.name);
        }
      } else if (k.type === 'somein') {
        for (const t of [k.key, k.value]) {
          if (!t) continue;
          for (const v of patternVarNames(t)) {
            scope.declared.add(v.name);
            if (!scope.vars.has(v.name)) scope.add(v.name);
          }
        }
      }
    }
  }

  /** Allocate the plain (undeclared, non-global) vars a body uses outside its closures. */
  collectPlain(body: Body, scope: Scope): void {
    const visit = (t: Term): void => {
      switch (t.type) {
        case 'var':
          if (t.wildcard) return;
          if (scope.lookup(t.name) !== undefined) return;
          if (this.env.globals.has(t.name) || t.name === 'input' || t.name === 'data') return;
          scope.add(t.name);
          return;
        case 'ref':
          visit(t.head);
          t.path.forEach(visit);
          return;
        case 'array':
        case 'set':
          t.items.forEach(visit);
          return;
        case 'object':
          for (const [k, v] of t.pairs) {
            visit(k);
            visit(v);
          }
          return;
        case 'call':
          t.args.forEach(visit);
          return;
        default:
          return;
      }
    };
    for (const expr of body) {
      const k = expr.kind;
      switch (k.type) {
        case 'term':
          visit(k.term);
          break;
        case 'unify':
        case 'assign':
          visit(k.left);
          visit(k.right);
          break;
        case 'somein':
          visit(k.domain);
          break;
        case 'every':
          visit(k.domain);
          break;
        case 'some':
          break;
      }
      for (const w of expr.with) {
        // `with f as count`: a builtin's name is not a variable
        const name = dottedName(w.value);
        if (name && lookupBuiltin(name.join('.')) && scope.lookup(name[0]!) === undefined) continue;
        visit(w.value);
      }
    }
  }

  /** Resolve a body in `scope` (which must already hold the body's declared and plain vars). */
  body(body: Body, scope: Scope): CExpr[] {
    const out: CExpr[] = [];
    for (const expr of body) {
      const c = this.expr(expr, scope);
      if (Array.isArray(c)) out.push(...c);
      else if (c) out.push(c);
    }
    if (out.length === 0) {
      const loc = body[0]?.loc ?? { file: '', line: 0, column: 0 };
      out.push({ e: { k: 'term', t: { k: 'const', v: true } }, negated: false, with: [], loc });
    }
    return out;
  }

  /** A closure body (comprehension, every): a child scope over `outer`. */
  closureBody(body: Body, outer: Scope, extraDeclared: readonly Term[] = []): { scope: Scope; body: CExpr[] } {
    const scope = new Scope(outer.alloc, outer);
    for (const t of extraDeclared) {
      for (const v of patternVarNames(t)) {
        scope.declared.add(v.name);
        if (!scope.vars.has(v.name)) scope.add(v.name);
      }
    }
    this.declareBody(body, scope);
    this.collectPlain(body, scope);
    const out = this.body(body, scope);
    this.closureScopes.set(out, scope);
    return { scope, body: out };
  }

  private expr(expr: Expr, scope: Scope): CExpr | CExpr[] | undefined {
    const k = expr.kind;
    const withs = expr.with.map((w) => this.with(w.target, w.value, w.loc, scope));
    let e: CExpr['e'];
    switch (k.type) {
      case 'some':
        return undefined;
      case 'term': {
        const t = k.term;
        if (t.type === 'call' && isPrintCall(t, scope, this.env.globals)) {
          // OPA erases print() calls when print is disabled (RewritePrintCalls) and, when enabled,
          // print never fails its body; with no output here, both are the expression `true`.
          return { e: { k: 'term', t: { k: 'const', v: true } }, negated: false, with: [], loc: expr.loc };
        }
        if (t.type === 'call') {
          const call = this.callParts(t, scope);
          if (call.output) {
            e = { k: 'unify', a: call.output, b: call.term };
            break;
          }
          e = { k: 'term', t: call.term };
          break;
        }
        e = { k: 'term', t: this.term(t, scope) };
        break;
      }
      case 'unify':
      case 'assign':
        e = { k: 'unify', a: this.term(k.left, scope), b: this.term(k.right, scope) };
        break;
      case 'somein':
        e = {
          k: 'somein',
          key: k.key ? this.term(k.key, scope) : undefined,
          value: this.term(k.value, scope),
          domain: this.term(k.domain, scope),
        };
        break;
      case 'every': {
        const domain = this.term(k.domain, scope);
        const decl = k.key ? [k.key, k.value] : [k.value];
        const { scope: inner, body } = this.closureBody(k.body, scope, decl);
        e = {
          k: 'every',
          key: k.key ? this.term(k.key, inner) : undefined,
          value: this.term(k.value, inner),
          domain,
          body,
        };
        break;
      }
    }
    const out: CExpr = { e, negated: expr.negated, with: withs, loc: expr.loc };
    if (!expr.negated) return out;
    // OPA's RewriteExprTerms: calls nested in an expression become separate (positive) expressions
    // before it, so under `not` they are evaluated outside the negation.
    const pre: CExpr[] = [];
    const e2 = extractNestedCalls(e, scope, (call, v) => pre.push({ e: { k: 'unify', a: v, b: call }, negated: false, with: withs, loc: expr.loc }));
    if (pre.length === 0) return out;
    return [...pre, { ...out, e: e2 }];
  }

  private with(target: Term, value: Term, loc: Location, scope: Scope): CWith {
    const t = this.withTarget(target, loc, scope);
    let valueFn: FnTarget | undefined;
    if (t.kind === 'fn') {
      const name = dottedName(value);
      // a local variable of that name is a value, not a function
      if (name && !(scope.lookup(name[0]!) !== undefined && scope.isDeclared(name[0]!))) {
        const fn = this.resolveFunctionName(name, scope, loc, false);
        if (fn) valueFn = fn;
      }
    }
    if (valueFn) return { target: t, value: { k: 'const', v: null }, valueFn };
    return { target: t, value: this.term(value, scope) };
  }

  private withTarget(target: Term, loc: Location, scope: Scope): WithTarget {
    const name = dottedName(target);
    if (name) {
      const [first] = name;
      const g = first !== undefined && !scope.isDeclared(first) ? this.env.globals.get(first) : undefined;
      let full: { root: string; path: string[] } | undefined;
      if (first === 'input' || first === 'data') full = { root: first, path: name.slice(1) };
      else if (g) full = { root: g.root, path: [...g.path, ...name.slice(1)] };
      if (full?.root === 'input') return { kind: 'input', path: full.path };
      if (full?.root === 'data') {
        const arity = this.env.functionArity(full.path);
        if (typeof arity === 'number') return { kind: 'fn', fn: { kind: 'user', path: full.path } };
        return { kind: 'data', path: full.path };
      }
      const def = lookupBuiltin(name.join('.'));
      if (def) return { kind: 'fn', fn: { kind: 'builtin', def } };
    }
    this.problem('with keyword target must reference existing input, data, or a function', loc, 'rego_type_error');
    return { kind: 'input', path: [] };
  }

  /** A function name (`f`, `a.b.f`, `data.x.f`, `object.get`) → its target, or undefined with a problem. */
  resolveFunctionName(name: readonly string[], scope: Scope, loc: Location, report = true): FnTarget | undefined {
    const [first] = name;
    if (first === undefined) return undefined;
    let dataPath: string[] | undefined;
    if (first === 'data') dataPath = name.slice(1);
    else if (!scope.isDeclared(first)) {
      const g = this.env.globals.get(first);
      if (g?.root === 'data') dataPath = [...g.path, ...name.slice(1)];
    }
    if (dataPath) {
      const arity = this.env.functionArity(dataPath);
      if (arity !== undefined) {
        if (arity === 'not-function') {
          if (report) this.problem(`data.${dataPath.join('.')} is not a function`, loc, 'rego_type_error');
          return undefined;
        }
        return { kind: 'user', path: dataPath };
      }
    }
    const def = lookupBuiltin(name.join('.'));
    if (def) return { kind: 'builtin', def };
    if (report) this.problem(`undefined function ${dataPath ? 'data.' + dataPath.join('.') : name.join('.')}`, loc, 'rego_type_error');
    return undefined;
  }

  private callParts(t: Term & { type: 'call' }, scope: Scope): { term: CTerm; output?: CTerm } {
    const name = dottedName(t.operator);
    const args = t.args.map((a) => this.term(a, scope));
    const fn = name ? this.resolveFunctionName(name, scope, t.loc) : undefined;
    if (!name) this.problem('illegal call operator', t.loc);
    if (!fn) return { term: { k: 'const', v: false } };
    const arity = fn.kind === 'builtin' ? fn.def.args.length : (this.env.functionArity(fn.path) as number);
    const variadic = fn.kind === 'builtin' && fn.def.args[0] === '...';
    if (fn.kind === 'builtin' && !variadic && (args.length === arity || args.length === arity + 1)) {
      const bad = fn.def.args.some((type, i) => {
        const a = args[i];
        return a?.k === 'const' && !valueMatches(a.v, parseType(type));
      });
      if (bad) {
        const have = args.slice(0, arity).map((a) => describeArg(a.k === 'const' ? a.v : undefined));
        this.problem(`${fn.def.name}: invalid argument(s)\n\thave: (${have.join(', ')})\n\twant: (${fn.def.args.join(', ')})`, t.loc, 'rego_type_error');
      }
    }
    if (!variadic && args.length === arity + 1) {
      return { term: { k: 'call', fn, args: args.slice(0, arity), loc: t.loc }, output: args[arity] };
    }
    if (!variadic && args.length !== arity) {
      const fname = fn.kind === 'builtin' ? fn.def.name : 'data.' + fn.path.join('.');
      this.problem(`${fname}: ${args.length < arity ? 'too few' : 'too many'} arguments`, t.loc, 'rego_type_error');
    }
    return { term: { k: 'call', fn, args, loc: t.loc } };
  }

  term(t: Term, scope: Scope): CTerm {
    switch (t.type) {
      case 'scalar':
        return { k: 'const', v: t.value };
      case 'var':
        return this.varTerm(t.name, t.loc, scope, t.wildcard === true);
      case 'ref': {
        const head = this.term(t.head, scope);
        const path = t.path.map((p) => this.term(p, scope));
        if (head.k === 'ref') return { k: 'ref', head: head.head, path: [...head.path, ...path] };
        return { k: 'ref', head, path };
      }
      case 'array': {
        const items = t.items.map((i) => this.term(i, scope));
        return items.every(isConst) ? { k: 'const', v: items.map((i) => (i as { v: Value }).v) } : { k: 'array', items };
      }
      case 'set': {
        const items = t.items.map((i) => this.term(i, scope));
        return items.every(isConst) ? { k: 'const', v: RegoSet.of(items.map((i) => (i as { v: Value }).v)) } : { k: 'set', items };
      }
      case 'object': {
        const keys = t.pairs.map(([k]) => this.term(k, scope));
        const values = t.pairs.map(([, v]) => this.term(v, scope));
        if (keys.every(isConst) && values.every(isConst)) {
          const map = new Map<string, readonly [Value, Value]>();
          keys.forEach((k, i) => {
            const kv = (k as { v: Value }).v;
            map.set(keyOf(kv), [kv, (values[i] as { v: Value }).v]);
          });
          return { k: 'const', v: new RegoObject(map) };
        }
        return { k: 'object', keys, values };
      }
      case 'call': {
        const { term, output } = this.callParts(t, scope);
        if (output) this.problem('nested call has too many arguments', t.loc, 'rego_type_error');
        return term;
      }
      case 'arraycomp': {
        const { scope: inner, body } = this.closureBody(t.body, scope);
        return { k: 'arraycomp', term: this.term(t.term, inner), body };
      }
      case 'setcomp': {
        const { scope: inner, body } = this.closureBody(t.body, scope);
        return { k: 'setcomp', term: this.term(t.term, inner), body };
      }
      case 'objectcomp': {
        const { scope: inner, body } = this.closureBody(t.body, scope);
        return { k: 'objectcomp', key: this.term(t.key, inner), value: this.term(t.value, inner), body, loc: t.loc };
      }
    }
  }

  private varTerm(name: string, loc: Location, scope: Scope, wildcard: boolean): CTerm {
    if (wildcard) return { k: 'var', slot: scope.add(name), name: '_' };
    const declared = scope.isDeclared(name);
    const slot = scope.lookup(name);
    if (declared && slot !== undefined) return { k: 'var', slot, name };
    if (!declared) {
      const g = this.env.globals.get(name);
      if (g) return { k: 'ref', head: { k: g.root }, path: g.path.map((p) => ({ k: 'const', v: p })) };
    }
    if (slot !== undefined) return { k: 'var', slot, name };
    if (name === 'input') return { k: 'input' };
    if (name === 'data') return { k: 'data' };
    void loc;
    return { k: 'var', slot: scope.add(name), name };
  }
}

function isConst(t: CTerm): boolean {
  return t.k === 'const';
}

/** Vars a term binds when it is the left side of `:=` (vars, and inside arrays / object values). */
export function patternVarNames(t: Term): { name: string; loc: Location }[] {
  const out: { name: string; loc: Location }[] = [];
  const visit = (x: Term): void => {
    if (x.type === 'var') {
      if (!x.wildcard) out.push({ name: x.name, loc: x.loc });
    } else if (x.type === 'array') x.items.forEach(visit);
    else if (x.type === 'object') x.pairs.forEach(([, v]) => visit(v));
  };
  visit(t);
  return out;
}

function isPattern(t: Term): boolean {
  if (t.type === 'var') return true;
  if (t.type === 'array') return t.items.every((i) => isPattern(i) || i.type === 'scalar');
  if (t.type === 'object') return t.pairs.every(([, v]) => isPattern(v) || v.type === 'scalar');
  return false;
}

function termKindName(t: Term): string {
  switch (t.type) {
    case 'scalar':
      return 'scalar';
    case 'ref':
      return 'ref';
    case 'call':
      return 'call';
    default:
      return t.type;
  }
}

/** `a`, `a.b.c` → ['a','b','c']; anything else → undefined. */
export function dottedName(t: Term): string[] | undefined {
  if (t.type === 'var') return [t.name];
  if (t.type === 'ref' && t.head.type === 'var') {
    const out = [t.head.name];
    for (const p of t.path) {
      if (p.type !== 'scalar' || typeof p.value !== 'string') return undefined;
      out.push(p.value);
    }
    return out;
  }
  return undefined;
}

/** A fresh generated local (OPA's `__localN__`) in `scope`. */
export function generatedVar(scope: Scope): CTerm & { k: 'var' } {
  const name = `__local${scope.alloc.size}__`;
  return { k: 'var', slot: scope.add(name), name };
}

/**
 * OPA's expandExpr (v1/ast/compile.go): every call nested inside the expression's terms (outside
 * closures) is replaced by a generated var bound by `emit(call, var)`, innermost first. The
 * expression's own top-level call stays; a call or composite ref subject is assigned to a var too.
 */
function extractNestedCalls(e: CExpr['e'], scope: Scope, emit: (call: CTerm, v: CTerm) => void): CExpr['e'] {
  const expand = (t: CTerm): CTerm => {
    switch (t.k) {
      case 'call': {
        const call: CTerm = { ...t, args: t.args.map(expand) };
        const v = generatedVar(scope);
        emit(call, v);
        return v;
      }
      case 'ref': {
        const path = t.path.map(expand);
        let head = t.head;
        if (head.k === 'call' || head.k === 'array' || head.k === 'set' || head.k === 'object' || head.k === 'arraycomp' || head.k === 'setcomp' || head.k === 'objectcomp') {
          const subject = head.k === 'call' ? { ...head, args: head.args.map(expand) } : head;
          const v = generatedVar(scope);
          emit(subject, v);
          head = v;
        }
        return { k: 'ref', head, path };
      }
      case 'array':
        return { k: 'array', items: t.items.map(expand) };
      case 'set':
        return { k: 'set', items: t.items.map(expand) };
      case 'object':
        return { k: 'object', keys: t.keys.map(expand), values: t.values.map(expand) };
      default:
        return t;
    }
  };
  switch (e.k) {
    case 'term':
      if (e.t.k === 'call') return { k: 'term', t: { ...e.t, args: e.t.args.map(expand) } };
      return { k: 'term', t: expand(e.t) };
    case 'unify':
      return { k: 'unify', a: expand(e.a), b: expand(e.b) };
    default:
      return e;
  }
}

function isPrintCall(t: Term & { type: 'call' }, scope: Scope, globals: ReadonlyMap<string, Global>): boolean {
  const name = dottedName(t.operator);
  return name?.length === 1 && name[0] === 'print' && !globals.has('print') && !scope.isDeclared('print');
}
