/**
 * Top-down evaluation with backtracking (after OPA v1/topdown/eval.go), in continuation-passing
 * style: every `eval*` takes a continuation and returns true when evaluation must stop (a caller
 * found what it needed). Bindings live in frame slots; whoever binds a slot unbinds it after its
 * continuation returns, which is the backtracking.
 *
 * Semantics kept from OPA: an expression fails when undefined or `false` (null, 0, "" succeed);
 * builtin errors make the call undefined unless strict; complete rules, functions and partial
 * objects that produce conflicting values raise eval_conflict_error (with OPA ≤ 1.17's wording, the
 * version Gatekeeper pins; newer OPA says "rule … produced conflicting values"); objects and sets iterate in
 * sorted order; `with` evaluates its expression in a context with input/data/functions replaced and a
 * fresh rule cache.
 *
 * One class on purpose: the eval* methods are mutually recursive continuations over shared state
 * (context, step and depth counters); documents.ts and with.ts hold what does not need that state.
 */
import { WorkBudget, withWorkBudget } from '../../../util/budget.ts';
import { BuiltinError, type BuiltinContext } from '../builtins/registry.ts';
import { RegoEvalError, type Location } from '../errors.ts';
import { DataNode, type CExpr, type CRule, type CTerm, type CWith, type FnTarget, type RuleSet } from '../ir.ts';
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, type Value, isArray, keyOf, valuesEqual } from '../values/value.ts';
import { lookup } from './documents.ts';
import { applyWith, type Ctx, type FnOverride } from './with.ts';

export interface EvalLimits {
  /** Body expressions evaluated, elements iterated, calls made and builtin work units. */
  readonly maxSteps: number;
  /** Wall-clock bound of one query, the backstop for work steps do not measure well. */
  readonly timeoutMs: number;
  /** Nested rule and function evaluations. */
  readonly maxDepth: number;
  /** Elements of any collection built by a comprehension, rule or builtin. */
  readonly maxCollectionSize: number;
}

// OPA has no such limits (a cluster cuts a runaway webhook off at its timeout, 3 s for Gatekeeper).
// The upstream suites need at most a few hundred steps; 5M steps are well under a second of work.
export const DEFAULT_LIMITS: EvalLimits = { maxSteps: 5_000_000, timeoutMs: 2_000, maxDepth: 400, maxCollectionSize: 1_000_000 };

/** Units a user function call or rule evaluation costs beyond its body's steps (frames, caching). */
const CALL_STEPS = 4;

type K = () => boolean;
type VK = (v: Value) => boolean;
type Frame = (Value | undefined)[];

import { fnKey, UNDEF } from './with.ts';

const INDEX_CACHE: RegoNumber[] = [];
function indexNumber(i: number): RegoNumber {
  let n = INDEX_CACHE[i];
  if (!n) {
    n = new RegoNumber(String(i));
    if (i < 4096) INDEX_CACHE[i] = n;
  }
  return n;
}

/**
 * What a builtin call costs: 1, plus the size of its arguments (elements of collections, 64-byte
 * chunks of strings), since most builtins traverse what they are given. Deep traversals (marshal,
 * sprintf, comparisons) also charge per nested value through the active work budget.
 */
function argumentWork(args: readonly Value[]): number {
  let units = 1;
  for (const a of args) {
    if (typeof a === 'string') units += a.length >>> 6;
    else if (Array.isArray(a)) units += a.length;
    else if (a instanceof RegoObject || a instanceof RegoSet) units += a.size;
  }
  return units;
}

export interface EvaluatorOptions {
  readonly input: Value | undefined;
  readonly data: Value;
  readonly strictBuiltinErrors: boolean;
  readonly limits: EvalLimits;
}

export class Evaluator {
  private ctx: Ctx;
  /** Steps and the deadline of this query; `run` makes it the active work budget for value helpers. */
  readonly budget: WorkBudget;
  private depth = 0;
  private readonly strict: boolean;
  private readonly limits: EvalLimits;
  private readonly builtinCtx: BuiltinContext;

  constructor(
    private readonly root: DataNode,
    options: EvaluatorOptions,
  ) {
    this.ctx = { input: options.input, data: options.data, nodeOverrides: undefined, fnOverrides: undefined, cache: new Map() };
    this.strict = options.strictBuiltinErrors;
    this.limits = options.limits;
    this.budget = new WorkBudget({ maxUnits: this.limits.maxSteps, timeoutMs: this.limits.timeoutMs }, 'evaluation');
    const budget = this.budget;
    this.builtinCtx = {
      charge(units: number) {
        budget.spend(units);
      },
      maxCollectionSize: this.limits.maxCollectionSize,
    };
  }

  private checkSize(n: number, loc?: Location): void {
    if (n > this.limits.maxCollectionSize) {
      throw new RegoEvalError('eval_limit_error', `collection exceeded ${this.limits.maxCollectionSize} elements (limits.maxCollectionSize)`, loc);
    }
  }

  /**
   * Every solution of a body; `onSolution` returns true to stop. Throws WorkLimitExceeded when the
   * step or time limit is hit (the caller names the limit).
   */
  run(body: readonly CExpr[], nslots: number, onSolution: (frame: Frame) => boolean): void {
    const frame: Frame = new Array(nslots);
    withWorkBudget(this.budget, () => this.evalBody(body, 0, frame, () => onSolution(frame)));
  }

  // ---- bodies and expressions ----

  evalBody(body: readonly CExpr[], i: number, f: Frame, k: K): boolean {
    if (i === body.length) return k();
    return this.evalExpr(body[i]!, f, () => this.evalBody(body, i + 1, f, k));
  }

  private evalExpr(e: CExpr, f: Frame, k: K): boolean {
    this.budget.spend(1);
    if (e.with.length > 0) return this.evalWith(e, f, k);
    return this.evalExprNoWith(e, f, k);
  }

  private evalExprNoWith(e: CExpr, f: Frame, k: K): boolean {
    if (e.negated) {
      const found = this.evalExprInner(e, f, () => true);
      return found ? false : k();
    }
    return this.evalExprInner(e, f, k);
  }

  private evalExprInner(e: CExpr, f: Frame, k: K): boolean {
    const x = e.e;
    switch (x.k) {
      case 'term':
        return this.evalTerm(x.t, f, (v) => (v === false ? false : k()));
      case 'unify':
        return this.unify(x.a, x.b, f, k);
      case 'somein':
        return this.evalTerm(x.domain, f, (d) =>
          this.enumerate(d, (key, val) => {
            if (x.key) return this.unifyValue(x.key, key, f, () => this.unifyValue(x.value, val, f, k));
            return this.unifyValue(x.value, val, f, k);
          }),
        );
      case 'every':
        return this.evalTerm(x.domain, f, (d) => {
          let all = true;
          this.enumerate(d, (key, val) => {
            let ok = false;
            // (no named closures on hot paths: tsx's keepNames makes each one a defineProperty call)
            if (x.key) {
              this.unifyValue(x.key, key, f, () =>
                this.unifyValue(x.value, val, f, () => {
                  ok = this.evalBody(x.body, 0, f, () => true);
                  return true;
                }),
              );
            } else {
              this.unifyValue(x.value, val, f, () => {
                ok = this.evalBody(x.body, 0, f, () => true);
                return true;
              });
            }
            if (!ok) all = false;
            return !ok;
          });
          return all ? k() : false;
        });
    }
  }

  // ---- with ----

  private evalWith(e: CExpr, f: Frame, k: K): boolean {
    return this.withValues(e.with, 0, [], f, (values) => {
      const outer = this.ctx;
      const inner = applyWith(this.root, outer, e.with, values, (rs) => this.evalRuleSet(rs));
      this.ctx = inner;
      try {
        return this.evalExprNoWith(e, f, () => {
          this.ctx = outer;
          try {
            return k();
          } finally {
            this.ctx = inner;
          }
        });
      } finally {
        this.ctx = outer;
      }
    });
  }

  private withValues(ws: readonly CWith[], i: number, acc: (Value | FnTarget)[], f: Frame, k: (vs: (Value | FnTarget)[]) => boolean): boolean {
    if (i === ws.length) return k(acc.slice());
    const w = ws[i]!;
    if (w.valueFn) {
      acc[i] = w.valueFn;
      return this.withValues(ws, i + 1, acc, f, k);
    }
    return this.evalTerm(w.value, f, (v) => {
      acc[i] = v;
      return this.withValues(ws, i + 1, acc, f, k);
    });
  }

  // ---- terms ----

  evalTerm(t: CTerm, f: Frame, k: VK): boolean {
    switch (t.k) {
      case 'const':
        return k(t.v);
      case 'var': {
        const v = f[t.slot];
        if (v === undefined) throw new RegoEvalError('eval_internal_error', `var ${t.name} is unbound`);
        return k(v);
      }
      case 'input':
        return this.ctx.input === undefined ? false : k(this.ctx.input);
      case 'data':
        return this.walkData(this.root, this.ctx.data, [], 0, f, k);
      case 'ref':
        return this.evalRef(t, f, k);
      case 'array':
        return this.evalTerms(t.items, 0, [], f, (items) => k(items));
      case 'set':
        return this.evalTerms(t.items, 0, [], f, (items) => k(RegoSet.of(items)));
      case 'object': {
        const n = t.keys.length;
        return this.evalTerms([...t.keys, ...t.values], 0, [], f, (all) => {
          const map = new Map<string, readonly [Value, Value]>();
          for (let i = 0; i < n; i++) map.set(keyOf(all[i]!), [all[i]!, all[n + i]!]);
          return k(new RegoObject(map));
        });
      }
      case 'call':
        return this.evalTerms(t.args, 0, [], f, (args) => this.callFn(t.fn, args, t.loc, k));
      case 'arraycomp': {
        const out: Value[] = [];
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.term, f, (v) => {
            out.push(v);
            if (out.length > this.limits.maxCollectionSize) this.checkSize(out.length);
            return false;
          }),
        );
        return k(out);
      }
      case 'setcomp': {
        const map = new Map<string, Value>();
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.term, f, (v) => {
            map.set(keyOf(v), v);
            if (map.size > this.limits.maxCollectionSize) this.checkSize(map.size);
            return false;
          }),
        );
        return k(new RegoSet(map));
      }
      case 'objectcomp': {
        const map = new Map<string, readonly [Value, Value]>();
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.key, f, (kv) =>
            this.evalTerm(t.value, f, (vv) => {
              const id = keyOf(kv);
              const prev = map.get(id);
              if (prev && !valuesEqual(prev[1], vv)) throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', t.loc);
              map.set(id, [kv, vv]);
              if (map.size > this.limits.maxCollectionSize) this.checkSize(map.size);
              return false;
            }),
          ),
        );
        return k(new RegoObject(map));
      }
    }
  }

  private evalTerms(items: readonly CTerm[], i: number, acc: Value[], f: Frame, k: (vs: Value[]) => boolean): boolean {
    if (i === items.length) return k(acc.slice(0, items.length));
    return this.evalTerm(items[i]!, f, (v) => {
      acc[i] = v;
      return this.evalTerms(items, i + 1, acc, f, k);
    });
  }

  private evalRef(t: CTerm & { k: 'ref' }, f: Frame, k: VK): boolean {
    const head = t.head;
    switch (head.k) {
      case 'data':
        return this.walkData(this.root, this.ctx.data, t.path, 0, f, k);
      case 'input':
        return this.ctx.input === undefined ? false : this.walkValue(this.ctx.input, t.path, 0, f, k);
      case 'var': {
        const v = f[head.slot];
        if (v === undefined) throw new RegoEvalError('eval_internal_error', `var ${head.name} is unbound`);
        return this.walkValue(v, t.path, 0, f, k);
      }
      default:
        return this.evalTerm(head, f, (hv) => this.walkValue(hv, t.path, 0, f, k));
    }
  }

  /** True when a term has vars that are unbound now in a pattern position (var, array/object items). */
  private isOpenPattern(t: CTerm, f: Frame): boolean {
    switch (t.k) {
      case 'var':
        return f[t.slot] === undefined;
      case 'array':
        return t.items.some((i) => this.isOpenPattern(i, f));
      case 'object':
        return t.values.some((v) => this.isOpenPattern(v, f));
      default:
        return false;
    }
  }

  private walkValue(v: Value, path: readonly CTerm[], i: number, f: Frame, k: VK): boolean {
    if (i === path.length) return k(v);
    const p = path[i]!;
    if (p.k === 'const') {
      const child = lookup(v, p.v);
      return child === undefined ? false : this.walkValue(child, path, i + 1, f, k);
    }
    if (p.k === 'var') {
      const bound = f[p.slot];
      if (bound !== undefined) {
        const child = lookup(v, bound);
        return child === undefined ? false : this.walkValue(child, path, i + 1, f, k);
      }
      return this.enumerate(v, (key, child) => {
        f[p.slot] = key;
        try {
          return this.walkValue(child, path, i + 1, f, k);
        } finally {
          f[p.slot] = undefined;
        }
      });
    }
    if (this.isOpenPattern(p, f)) {
      return this.enumerate(v, (key, child) => this.unifyValue(p, key, f, () => this.walkValue(child, path, i + 1, f, k)));
    }
    return this.evalTerm(p, f, (key) => {
      const child = lookup(v, key);
      return child === undefined ? false : this.walkValue(child, path, i + 1, f, k);
    });
  }

  /** Elements of a collection as (key, value): array (index, item), object (key, value), set (x, x). */
  private enumerate(v: Value, cb: (key: Value, value: Value) => boolean): boolean {
    if (isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        this.budget.spend(1);
        if (cb(indexNumber(i), v[i]!)) return true;
      }
      return false;
    }
    if (v instanceof RegoObject) {
      for (const [key, val] of v.sortedEntries()) {
        this.budget.spend(1);
        if (cb(key, val)) return true;
      }
      return false;
    }
    if (v instanceof RegoSet) {
      for (const x of v.sortedValues()) {
        this.budget.spend(1);
        if (cb(x, x)) return true;
      }
    }
    return false;
  }

  // ---- the data document: base data merged with rules ----

  private walkData(node: DataNode, base: Value | undefined, path: readonly CTerm[], i: number, f: Frame, k: VK): boolean {
    const ov = this.ctx.nodeOverrides?.get(node);
    if (ov !== undefined) return this.walkValue(ov, path, i, f, k);
    const rs = node.ruleSet;
    if (rs) {
      let v: Value | undefined;
      if (rs.kind === 'function') {
        if (rs.arity !== 0) return false;
        v = this.callUser(rs, [], rs.loc);
      } else v = this.evalRuleSet(rs);
      return v === undefined ? false : this.walkValue(v, path, i, f, k);
    }
    if (i === path.length) {
      const v = this.materialize(node, base);
      return v === undefined ? false : k(v);
    }
    const p = path[i]!;
    if (p.k === 'const') return this.walkDataChild(node, base, p.v, path, i, f, k);
    if (this.isOpenPattern(p, f)) {
      const keys = new Map<string, Value>();
      for (const [name, c] of node.children) {
        if (c.ruleSet?.kind === 'function') continue;
        keys.set(keyOf(name), name);
      }
      if (base instanceof RegoObject) for (const [key] of base.sortedEntries()) keys.set(keyOf(key), key);
      for (const key of RegoSet.of(keys.values()).sortedValues()) {
        if (this.unifyValue(p, key, f, () => this.walkDataChild(node, base, key, path, i, f, k))) return true;
      }
      return false;
    }
    return this.evalTerm(p, f, (key) => this.walkDataChild(node, base, key, path, i, f, k));
  }

  /** One step of walkData: the child `key` of a data node (rules first, then base data). */
  private walkDataChild(node: DataNode, base: Value | undefined, key: Value, path: readonly CTerm[], i: number, f: Frame, k: VK): boolean {
    const child = typeof key === 'string' ? node.children.get(key) : undefined;
    const baseChild = base === undefined ? undefined : lookup(base, key);
    if (child) return this.walkData(child, baseChild, path, i + 1, f, k);
    return baseChild === undefined ? false : this.walkValue(baseChild, path, i + 1, f, k);
  }

  private materialize(node: DataNode, base: Value | undefined): Value | undefined {
    const ov = this.ctx.nodeOverrides?.get(node);
    if (ov !== undefined) return ov;
    if (node.ruleSet) return node.ruleSet.kind === 'function' ? undefined : this.evalRuleSet(node.ruleSet);
    if (node.children.size === 0) return base;
    const map = new Map<string, readonly [Value, Value]>(base instanceof RegoObject ? base.map : []);
    for (const [name, child] of node.children) {
      if (child.ruleSet?.kind === 'function') continue;
      const v = this.materialize(child, base instanceof RegoObject ? base.getString(name) : undefined);
      if (v !== undefined) map.set(keyOf(name), [name, v]);
    }
    return new RegoObject(map);
  }

  // ---- rules ----

  evalRuleSet(rs: RuleSet): Value | undefined {
    const cached = this.ctx.cache.get(rs);
    if (cached !== undefined) return cached === UNDEF ? undefined : cached;
    this.budget.spend(CALL_STEPS);
    if (++this.depth > this.limits.maxDepth) {
      this.depth--;
      throw new RegoEvalError('eval_limit_error', `rule evaluation nested deeper than ${this.limits.maxDepth} (limits.maxDepth)`, rs.loc);
    }
    let result: Value | undefined;
    try {
      switch (rs.kind) {
        case 'complete': {
          const msg = 'complete rules must not produce multiple outputs';
          for (const rule of rs.rules) {
            const v = this.evalValueRule(rule, [], msg);
            if (v === undefined) continue;
            if (result !== undefined && !valuesEqual(result, v)) throw new RegoEvalError('eval_conflict_error', msg, rule.loc);
            result = v;
          }
          if (result === undefined && rs.defaultRule) result = this.evalValueRule(rs.defaultRule, [], msg);
          break;
        }
        case 'partialset': {
          const map = new Map<string, Value>();
          for (const rule of rs.rules) {
            const f: Frame = new Array(rule.nslots);
            this.evalBody(rule.body, 0, f, () =>
              this.evalTerm(rule.key!, f, (v) => {
                map.set(keyOf(v), v);
                if (map.size > this.limits.maxCollectionSize) this.checkSize(map.size, rule.loc);
                return false;
              }),
            );
          }
          result = new RegoSet(map);
          break;
        }
        case 'partialobject': {
          const map = new Map<string, readonly [Value, Value]>();
          for (const rule of rs.rules) {
            const f: Frame = new Array(rule.nslots);
            this.evalBody(rule.body, 0, f, () =>
              this.evalTerm(rule.key!, f, (kv) =>
                this.headValue(rule, f, (vv) => {
                  const id = keyOf(kv);
                  const prev = map.get(id);
                  if (prev && !valuesEqual(prev[1], vv)) throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', rule.loc);
                  map.set(id, [kv, vv]);
                  if (map.size > this.limits.maxCollectionSize) this.checkSize(map.size, rule.loc);
                  return false;
                }),
              ),
            );
          }
          result = new RegoObject(map);
          break;
        }
        case 'function':
          result = undefined;
          break;
      }
    } finally {
      this.depth--;
    }
    this.ctx.cache.set(rs, result === undefined ? UNDEF : result);
    return result;
  }

  private headValue(rule: CRule, f: Frame, k: VK): boolean {
    return rule.value ? this.evalTerm(rule.value, f, k) : k(true);
  }

  /** A complete rule or function body with its else chain: the value, or undefined. */
  private evalValueRule(rule: CRule, args: readonly Value[], conflict: string): Value | undefined {
    const f: Frame = new Array(rule.nslots);
    const out: { value: Value | undefined } = { value: undefined };
    if (rule.args) this.unifyArgs(rule.args, args, 0, f, () => this.evalRuleBody(rule, f, out, conflict));
    else this.evalRuleBody(rule, f, out, conflict);
    const result = out.value;
    if (result !== undefined) return result;
    for (const e of rule.elseRules) {
      const v = this.evalValueRule(e, args, conflict);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Every value the body of a complete rule or function gives, into `out`; two different ones conflict. */
  private evalRuleBody(rule: CRule, f: Frame, out: { value: Value | undefined }, conflict: string): boolean {
    return this.evalBody(rule.body, 0, f, () =>
      this.headValue(rule, f, (v) => {
        if (out.value !== undefined && !valuesEqual(out.value, v)) throw new RegoEvalError('eval_conflict_error', conflict, rule.loc);
        out.value = v;
        return false;
      }),
    );
  }

  private unifyArgs(patterns: readonly CTerm[], args: readonly Value[], i: number, f: Frame, k: K): boolean {
    if (i === patterns.length) return k();
    return this.unifyValue(patterns[i]!, args[i]!, f, () => this.unifyArgs(patterns, args, i + 1, f, k));
  }

  callUser(rs: RuleSet, args: readonly Value[], loc: Location): Value | undefined {
    this.budget.spend(CALL_STEPS);
    if (++this.depth > this.limits.maxDepth) {
      this.depth--;
      throw new RegoEvalError('eval_limit_error', `function calls nested deeper than ${this.limits.maxDepth} (limits.maxDepth)`, loc);
    }
    try {
      let result: Value | undefined;
      const msg = 'functions must not produce multiple outputs for same inputs';
      for (const rule of rs.rules) {
        const v = this.evalValueRule(rule, args, msg);
        if (v === undefined) continue;
        if (result !== undefined && !valuesEqual(result, v)) throw new RegoEvalError('eval_conflict_error', msg, rule.loc);
        result = v;
      }
      if (result === undefined && rs.defaultRule) result = this.evalValueRule(rs.defaultRule, args, msg);
      return result;
    } finally {
      this.depth--;
    }
  }

  private callFn(fn: FnTarget, args: readonly Value[], loc: Location, k: VK): boolean {
    const ov = this.ctx.fnOverrides?.get(fnKey(fn));
    if (ov) {
      if (ov.value !== undefined) return k(ov.value);
      if (ov.fn) {
        // topdown's functionMocks.Push(): a replacement function runs with no mocks in effect (so
        // it can call the original), and what follows runs in the caller's scope again.
        const outer = this.ctx;
        const inner: Ctx = { ...outer, fnOverrides: undefined, cache: new Map() };
        this.ctx = inner;
        try {
          return this.callTarget(ov.fn, args, loc, (v) => {
            this.ctx = outer;
            try {
              return k(v);
            } finally {
              this.ctx = inner;
            }
          });
        } finally {
          this.ctx = outer;
        }
      }
    }
    return this.callTarget(fn, args, loc, k);
  }

  private callTarget(fn: FnTarget, args: readonly Value[], loc: Location, k: VK): boolean {
    if (fn.kind === 'builtin') {
      this.budget.spend(argumentWork(args));
      let r: Value | undefined;
      try {
        r = fn.def.impl(args, this.builtinCtx);
      } catch (e) {
        if (e instanceof BuiltinError) {
          if (this.strict) throw new RegoEvalError(e.type ? 'eval_type_error' : 'eval_builtin_error', `${fn.def.name}: ${e.message}`, loc);
          return false;
        }
        throw e;
      }
      return r === undefined ? false : k(r);
    }
    const rs = fn.ruleSet ?? this.root.find(fn.path)?.ruleSet;
    if (!rs) return false;
    if (!fn.ruleSet) (fn as { ruleSet?: RuleSet }).ruleSet = rs;
    if (rs.kind !== 'function') throw new RegoEvalError('eval_type_error', `data.${fn.path.join('.')} is not a function`, loc);
    if (args.length !== rs.arity) return false;
    const v = this.callUser(rs, args, loc);
    return v === undefined ? false : k(v);
  }

  // ---- unification ----

  private unify(a: CTerm, b: CTerm, f: Frame, k: K): boolean {
    if (!this.isOpenPattern(a, f)) return this.evalTerm(a, f, (av) => this.unifyValue(b, av, f, k));
    if (!this.isOpenPattern(b, f)) return this.evalTerm(b, f, (bv) => this.unifyValue(a, bv, f, k));
    if (a.k === 'array' && b.k === 'array') {
      if (a.items.length !== b.items.length) return false;
      return this.unifyPairs(a.items, b.items, 0, f, k, 0);
    }
    if (a.k === 'object' && b.k === 'object') {
      if (a.keys.length !== b.keys.length) return false;
      return this.evalTerms(a.keys, 0, [], f, (aks) =>
        this.evalTerms(b.keys, 0, [], f, (bks) => {
          const av: CTerm[] = [];
          const bv: CTerm[] = [];
          for (let i = 0; i < aks.length; i++) {
            const j = bks.findIndex((x) => valuesEqual(x, aks[i]!));
            if (j < 0) return false;
            av.push(a.values[i]!);
            bv.push(b.values[j]!);
          }
          return this.unifyPairs(av, bv, 0, f, k, 0);
        }),
      );
    }
    throw new RegoEvalError('eval_internal_error', 'cannot unify two unbound terms');
  }

  /** Unify pairs in order, postponing a pair whose sides are both still open. */
  private unifyPairs(as: readonly CTerm[], bs: readonly CTerm[], i: number, f: Frame, k: K, postponed: number): boolean {
    if (i === as.length) return k();
    const a = as[i]!;
    const b = bs[i]!;
    const bothOpen = this.isOpenPattern(a, f) && this.isOpenPattern(b, f);
    if (bothOpen && postponed < as.length - i && !(a.k === b.k && (a.k === 'array' || a.k === 'object'))) {
      const ra = [...as.slice(0, i), ...as.slice(i + 1), a];
      const rb = [...bs.slice(0, i), ...bs.slice(i + 1), b];
      return this.unifyPairs(ra, rb, i, f, k, postponed + 1);
    }
    return this.unify(a, b, f, () => this.unifyPairs(as, bs, i + 1, f, k, 0));
  }

  unifyValue(p: CTerm, v: Value, f: Frame, k: K): boolean {
    switch (p.k) {
      case 'var': {
        const cur = f[p.slot];
        if (cur === undefined) {
          f[p.slot] = v;
          try {
            return k();
          } finally {
            f[p.slot] = undefined;
          }
        }
        return valuesEqual(cur, v) ? k() : false;
      }
      case 'const':
        return valuesEqual(p.v, v) ? k() : false;
      case 'array':
        if (!isArray(v) || v.length !== p.items.length) return false;
        return this.unifyItems(p.items, v, 0, f, k);
      case 'object':
        if (!(v instanceof RegoObject) || v.size !== p.keys.length) return false;
        return this.evalTerms(p.keys, 0, [], f, (keys) => {
          const vals: Value[] = [];
          for (const key of keys) {
            const x = v.get(key);
            if (x === undefined) return false;
            vals.push(x);
          }
          return this.unifyItems(p.values, vals, 0, f, k);
        });
      default:
        return this.evalTerm(p, f, (pv) => (valuesEqual(pv, v) ? k() : false));
    }
  }

  private unifyItems(ps: readonly CTerm[], vs: readonly Value[], i: number, f: Frame, k: K): boolean {
    if (i === ps.length) return k();
    return this.unifyValue(ps[i]!, vs[i]!, f, () => this.unifyItems(ps, vs, i + 1, f, k));
  }
}

