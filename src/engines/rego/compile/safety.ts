/**
 * Safety: every var must be bound before it is used in an input position, so OPA reorders body
 * expressions (v1/ast/compile.go reorderBodyForSafety / reorderBodyForClosures, unify.go) and
 * rejects what cannot be ordered (rego_unsafe_var_error). This is the same greedy pass: in each
 * round, expressions whose vars are all safe are appended in their original order; an expression's
 * output vars (ref iteration, unification, call outputs, some-in) become safe.
 */
import { CompileProblem, type Location } from '../errors.ts';
import type { CExpr, CTerm } from '../ir.ts';
import type { Scope, SlotAllocator } from './scope.ts';
import { generatedVar } from './resolve.ts';

type Slots = Set<number>;

/** Slots in a term outside closures. */
export function termVars(t: CTerm, out: Slots = new Set(), skipRefHeads = false): Slots {
  switch (t.k) {
    case 'var':
      out.add(t.slot);
      break;
    case 'ref':
      if (!(skipRefHeads && t.head.k === 'var')) termVars(t.head, out, skipRefHeads);
      for (const p of t.path) termVars(p, out, skipRefHeads);
      break;
    case 'array':
    case 'set':
      for (const i of t.items) termVars(i, out, skipRefHeads);
      break;
    case 'object':
      for (const k of t.keys) termVars(k, out, skipRefHeads);
      for (const v of t.values) termVars(v, out, skipRefHeads);
      break;
    case 'call':
      for (const a of t.args) termVars(a, out, skipRefHeads);
      break;
    default:
      break;
  }
  return out;
}

/** Slots referenced anywhere inside the closures (comprehensions, every bodies) of a term/expr. */
function closureVarsOfTerm(t: CTerm, out: Slots): void {
  switch (t.k) {
    case 'ref':
      closureVarsOfTerm(t.head, out);
      t.path.forEach((p) => closureVarsOfTerm(p, out));
      break;
    case 'array':
    case 'set':
      t.items.forEach((i) => closureVarsOfTerm(i, out));
      break;
    case 'object':
      t.keys.forEach((k) => closureVarsOfTerm(k, out));
      t.values.forEach((v) => closureVarsOfTerm(v, out));
      break;
    case 'call':
      t.args.forEach((a) => closureVarsOfTerm(a, out));
      break;
    case 'arraycomp':
    case 'setcomp':
      allVarsOfTerm(t.term, out);
      t.body.forEach((e) => allVarsOfExpr(e, out));
      break;
    case 'objectcomp':
      allVarsOfTerm(t.key, out);
      allVarsOfTerm(t.value, out);
      t.body.forEach((e) => allVarsOfExpr(e, out));
      break;
    default:
      break;
  }
}

function allVarsOfTerm(t: CTerm, out: Slots): void {
  termVars(t, out);
  closureVarsOfTerm(t, out);
}

function allVarsOfExpr(e: CExpr, out: Slots): void {
  for (const t of exprTerms(e)) allVarsOfTerm(t, out);
  if (e.e.k === 'every') e.e.body.forEach((x) => allVarsOfExpr(x, out));
}

function exprTerms(e: CExpr): CTerm[] {
  const k = e.e;
  const terms: CTerm[] = [];
  switch (k.k) {
    case 'term':
      terms.push(k.t);
      break;
    case 'unify':
      terms.push(k.a, k.b);
      break;
    case 'somein':
      if (k.key) terms.push(k.key);
      terms.push(k.value, k.domain);
      break;
    case 'every':
      terms.push(k.domain);
      break;
  }
  for (const w of e.with) terms.push(w.value);
  return terms;
}

/** Vars an expression needs safe (outside closures), like e.Vars(SafetyCheckVisitorParams). */
function exprVars(e: CExpr): Slots {
  const out: Slots = new Set();
  for (const t of exprTerms(e)) termVars(t, out);
  return out;
}

function closureVars(e: CExpr): Slots {
  const out: Slots = new Set();
  for (const t of exprTerms(e)) closureVarsOfTerm(t, out);
  if (e.e.k === 'every') {
    e.e.body.forEach((x) => allVarsOfExpr(x, out));
    if (e.e.key) termVars(e.e.key, out);
    termVars(e.e.value, out);
  }
  return out;
}

function subset(a: Slots, b: Slots): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function isRefSafe(t: CTerm & { k: 'ref' }, safe: Slots): boolean {
  const h = t.head;
  if (h.k === 'var') return safe.has(h.slot);
  if (h.k === 'input' || h.k === 'data' || h.k === 'const') return true;
  return subset(termVars(h), safe);
}

/** Ref.OutputVars: vars in the path of safe refs (heads skipped), found anywhere in the term. */
function outputVarsForTerms(t: CTerm, safe: Slots, out: Slots): void {
  switch (t.k) {
    case 'ref':
      if (!isRefSafe(t, safe)) return;
      for (const p of t.path) termVars(p, out, true);
      outputVarsForTerms(t.head, safe, out);
      for (const p of t.path) outputVarsForTerms(p, safe, out);
      return;
    case 'array':
    case 'set':
      t.items.forEach((i) => outputVarsForTerms(i, safe, out));
      return;
    case 'object':
      t.keys.forEach((k) => outputVarsForTerms(k, safe, out));
      t.values.forEach((v) => outputVarsForTerms(v, safe, out));
      return;
    case 'call':
      t.args.forEach((a) => outputVarsForTerms(a, safe, out));
      return;
    default:
      return;
  }
}

/** Port of OPA's unifier (v1/ast/unify.go): which vars `a = b` makes safe. */
class Unifier {
  readonly unified: Slots = new Set();
  private readonly unknown = new Map<number, Slots>();
  constructor(private readonly safe: Slots) {}

  private isSafe(v: number): boolean {
    return this.safe.has(v) || this.unified.has(v);
  }
  private allSafe(t: CTerm): boolean {
    for (const v of termVars(t)) if (!this.isSafe(v)) return false;
    return true;
  }
  private markSafe(v: number): void {
    this.unified.add(v);
    const deps = this.unknown.get(v);
    this.unknown.delete(v);
    if (deps) for (const d of deps) this.markSafe(d);
    for (const [w, ds] of [...this.unknown]) {
      if (ds.has(v)) {
        ds.delete(v);
        if (ds.size === 0) this.markSafe(w);
      }
    }
  }
  private markUnknown(a: number, b: number): void {
    let s = this.unknown.get(a);
    if (!s) this.unknown.set(a, (s = new Set()));
    s.add(b);
  }
  private markAllSafe(t: CTerm): void {
    for (const v of termVars(t)) this.markSafe(v);
  }
  private unifyAll(a: number, b: CTerm): void {
    if (this.isSafe(a)) this.markAllSafe(b);
    else {
      const unsafe = [...termVars(b)].filter((v) => !this.isSafe(v));
      if (unsafe.length === 0) this.markSafe(a);
      else for (const v of unsafe) this.markUnknown(a, v);
    }
  }
  private evaluable(t: CTerm): boolean {
    if (t.k === 'ref') return isRefSafe(t, new Set([...this.safe, ...this.unified]));
    if (t.k === 'call') return t.args.every((x) => this.allSafe(x));
    return true; // comprehensions are evaluated as closures
  }

  unify(a: CTerm, b: CTerm): void {
    if (a.k === 'var') {
      if (b.k === 'var') {
        if (this.isSafe(b.slot)) this.markSafe(a.slot);
        else if (this.isSafe(a.slot)) this.markSafe(b.slot);
        else {
          this.markUnknown(a.slot, b.slot);
          this.markUnknown(b.slot, a.slot);
        }
      } else if (b.k === 'array' || b.k === 'object') this.unifyAll(a.slot, b);
      else if (b.k === 'ref' || b.k === 'call' || b.k === 'arraycomp' || b.k === 'setcomp' || b.k === 'objectcomp') {
        if (this.evaluable(b)) this.markSafe(a.slot);
      } else if (b.k === 'set') {
        if (this.allSafe(b)) this.markSafe(a.slot);
      } else this.markSafe(a.slot);
      return;
    }
    if (a.k === 'ref' || a.k === 'call' || a.k === 'arraycomp' || a.k === 'setcomp' || a.k === 'objectcomp') {
      if (!this.evaluable(a)) return;
      if (b.k === 'var') this.markSafe(b.slot);
      else if (b.k === 'array' || b.k === 'object') this.markAllSafe(b);
      return;
    }
    if (a.k === 'array') {
      if (b.k === 'var') this.unifyAll(b.slot, a);
      else if (b.k === 'ref' || b.k === 'call' || b.k === 'arraycomp' || b.k === 'setcomp' || b.k === 'objectcomp') {
        if (this.evaluable(b)) this.markAllSafe(a);
      } else if (b.k === 'array' && b.items.length === a.items.length) a.items.forEach((x, i) => this.unify(x, b.items[i]!));
      else if (b.k === 'const' && Array.isArray(b.v)) this.markAllSafe(a);
      return;
    }
    if (a.k === 'object') {
      if (b.k === 'var') this.unifyAll(b.slot, a);
      else if (b.k === 'ref' || b.k === 'call' || b.k === 'arraycomp' || b.k === 'setcomp' || b.k === 'objectcomp') {
        if (this.evaluable(b)) this.markAllSafe(a);
      } else if (b.k === 'object') {
        a.keys.forEach((k, i) => {
          if (k.k !== 'const') return;
          const j = b.keys.findIndex((bk) => bk.k === 'const' && sameConst(bk.v, k.v));
          if (j >= 0) this.unify(a.values[i]!, b.values[j]!);
        });
      } else if (b.k === 'const') this.markAllSafe(a);
      return;
    }
    // constants and sets
    if (a.k === 'set' && !this.allSafe(a)) return;
    if (b.k === 'var') this.markSafe(b.slot);
    else if (b.k === 'array' || b.k === 'object') this.markAllSafe(b);
  }
}

function sameConst(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function outputVarsForExpr(e: CExpr, safe: Slots): Slots {
  if (e.negated) return new Set();
  for (const w of e.with) if (!subset(termVars(w.value), safe)) return new Set();
  const k = e.e;
  const out: Slots = new Set();
  switch (k.k) {
    case 'term':
      outputVarsForTerms(k.t, safe, out);
      return out;
    case 'unify': {
      outputVarsForTerms(k.a, safe, out);
      outputVarsForTerms(k.b, safe, out);
      const both: Slots = new Set([...safe, ...out]);
      const u = new Unifier(both);
      u.unify(k.a, k.b);
      for (const v of u.unified) out.add(v);
      for (const v of safe) out.delete(v);
      return out;
    }
    case 'somein': {
      outputVarsForTerms(k.domain, safe, out);
      const s2: Slots = new Set([...safe, ...out]);
      if (subset(termVars(k.domain), s2)) {
        if (k.key) termVars(k.key, out);
        termVars(k.value, out);
      }
      return out;
    }
    case 'every':
      outputVarsForTerms(k.domain, safe, out);
      return out;
  }
}

export interface SafetyContext {
  readonly alloc: SlotAllocator;
  readonly problems: CompileProblem[];
  /** the scope each closure body (comprehension, every) was resolved in */
  readonly closureScopes: WeakMap<object, Scope>;
}

/**
 * Reorder `body` (in place) so every expression's vars are bound by earlier ones; `globals` are the
 * vars already bound around the body. Recurses into closures. Returns the vars bound after the body.
 */
export function reorderBody(body: CExpr[], globals: Slots, scope: Scope, ctx: SafetyContext): Slots {
  const chain = scope.chain();
  const inScope = (slot: number) => chain.has(ctx.alloc.scopeOf[slot]!);
  const unsafe = new Map<CExpr, Slots>();
  for (const e of body) {
    const vs = exprVars(e);
    for (const v of closureVars(e)) if (inScope(v)) vs.add(v);
    for (const v of globals) vs.delete(v);
    unsafe.set(e, vs);
  }
  const safe: Slots = new Set(globals);
  const reordered: CExpr[] = [];
  const placed = new Set<CExpr>();
  while (true) {
    const n = reordered.length;
    for (const e of body) {
      if (placed.has(e)) continue;
      for (const v of outputVarsForExpr(e, safe)) safe.add(v);
      const u = unsafe.get(e)!;
      for (const v of [...u]) if (safe.has(v)) u.delete(v);
      if (u.size === 0) {
        placed.add(e);
        reordered.push(e);
      }
    }
    if (reordered.length === n) break;
  }
  for (const e of body) {
    if (placed.has(e)) continue;
    const names = [...unsafe.get(e)!].map((v) => ctx.alloc.names[v]!).map((n) => (n.startsWith('$') ? '_' : n));
    for (const name of [...new Set(names)].sort()) ctx.problems.push(new CompileProblem('rego_unsafe_var_error', `var ${name} is unsafe`, e.loc));
  }
  if (reordered.length !== body.length) return safe;
  body.splice(0, body.length, ...rewriteDynamics(reordered, scope));
  // Closures: globals grow with the vars of the expressions before each one.
  const g: Slots = new Set(globals);
  for (let i = 0; i < body.length; i++) {
    if (i > 0) for (const v of exprVars(body[i - 1]!)) g.add(v);
    reorderClosures(body[i]!, g, scope, ctx);
  }
  return safe;
}

function reorderClosures(e: CExpr, globals: Slots, scope: Scope, ctx: SafetyContext): void {
  for (const t of exprTerms(e)) reorderClosuresInTerm(t, globals, scope, ctx, e.loc);
  const k = e.e;
  if (k.k === 'every') {
    const g: Slots = new Set(globals);
    if (k.key) termVars(k.key, g);
    termVars(k.value, g);
    const inner = innerScope(k.body, ctx, scope);
    reorderBody(k.body as CExpr[], g, inner, ctx);
  }
}

function innerScope(body: readonly CExpr[], ctx: SafetyContext, fallback: Scope): Scope {
  return ctx.closureScopes.get(body) ?? fallback;
}

export function reorderTermClosures(t: CTerm, globals: Slots, scope: Scope, ctx: SafetyContext, loc: Location): void {
  reorderClosuresInTerm(t, globals, scope, ctx, loc);
}

function reorderClosuresInTerm(t: CTerm, globals: Slots, scope: Scope, ctx: SafetyContext, loc: Location): void {
  switch (t.k) {
    case 'ref':
      reorderClosuresInTerm(t.head, globals, scope, ctx, loc);
      t.path.forEach((p) => reorderClosuresInTerm(p, globals, scope, ctx, loc));
      return;
    case 'array':
    case 'set':
      t.items.forEach((i) => reorderClosuresInTerm(i, globals, scope, ctx, loc));
      return;
    case 'object':
      t.keys.forEach((k) => reorderClosuresInTerm(k, globals, scope, ctx, loc));
      t.values.forEach((v) => reorderClosuresInTerm(v, globals, scope, ctx, loc));
      return;
    case 'call':
      t.args.forEach((a) => reorderClosuresInTerm(a, globals, scope, ctx, loc));
      return;
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp': {
      const inner = innerScope(t.body, ctx, scope);
      const bound = reorderBody(t.body as CExpr[], globals, inner, ctx);
      const head = new Set<number>();
      if (t.k === 'objectcomp') {
        termVars(t.key, head);
        termVars(t.value, head);
      } else termVars(t.term, head);
      const bodyVars: Slots = new Set(bound);
      t.body.forEach((x) => termVarsOfExprInto(x, bodyVars));
      for (const v of head) {
        if (!bodyVars.has(v) && !globals.has(v)) {
          const name = ctx.alloc.names[v]!;
          ctx.problems.push(new CompileProblem('rego_unsafe_var_error', `var ${name.startsWith('$') ? '_' : name} is unsafe`, loc));
        }
      }
      return;
    }
    default:
      return;
  }
}

function termVarsOfExprInto(e: CExpr, out: Slots): void {
  for (const v of exprVars(e)) out.add(v);
}

/**
 * OPA's RewriteDynamicTerms (after the safety check): refs and comprehensions used as call
 * arguments, and dynamic ref path elements, are bound to generated vars by expressions placed before
 * their expression. It changes meaning only under `not`: `not f(x.y)` fails when x.y is undefined,
 * and `not f(x[_])` holds when f fails for some element. `==` was rewritten to `=` before (RewriteEquals),
 * so `not x.y == 1` keeps its refs inside the negation. Positive expressions evaluate the same either
 * way, so only negated ones are rewritten here.
 */
function rewriteDynamics(body: readonly CExpr[], scope: Scope): CExpr[] {
  const out: CExpr[] = [];
  for (const e of body) {
    if (!e.negated) {
      out.push(e);
      continue;
    }
    const pre: CExpr[] = [];
    const gen = (t: CTerm): CTerm => {
      const v = generatedVar(scope);
      pre.push({ e: { k: 'unify', a: v, b: t }, negated: false, with: e.with, loc: e.loc });
      return v;
    };
    const one = (t: CTerm): CTerm => {
      switch (t.k) {
        case 'ref':
          return gen({ k: 'ref', head: t.head, path: t.path.map(one) });
        case 'array':
          return { k: 'array', items: t.items.map(one) };
        case 'set':
          return { k: 'set', items: t.items.map(one) };
        case 'object':
          return { k: 'object', keys: t.keys.map(one), values: t.values.map(one) };
        case 'arraycomp':
        case 'setcomp':
        case 'objectcomp':
          return gen(t);
        default:
          return t;
      }
    };
    const inTerm = (t: CTerm): CTerm => {
      if (t.k === 'ref') return { k: 'ref', head: t.head, path: t.path.map(one) };
      if (t.k === 'arraycomp' || t.k === 'setcomp' || t.k === 'objectcomp') return t;
      return one(t);
    };
    const k = e.e;
    let e2: CExpr['e'] = k;
    // RewriteEquals runs first: `a == b` becomes `a = b`, whose ref operands stay inside the negation.
    if (k.k === 'term' && k.t.k === 'call' && k.t.fn.kind === 'builtin' && k.t.fn.def.name === 'equal' && k.t.args.length === 2) {
      e2 = { k: 'term', t: { ...k.t, args: k.t.args.map(inTerm) } };
    } else if (k.k === 'term' && k.t.k === 'call') e2 = { k: 'term', t: { ...k.t, args: k.t.args.map(one) } };
    else if (k.k === 'term') e2 = { k: 'term', t: inTerm(k.t) };
    else if (k.k === 'unify') e2 = { k: 'unify', a: inTerm(k.a), b: inTerm(k.b) };
    out.push(...pre, pre.length ? { ...e, e: e2 } : e);
  }
  return out;
}
