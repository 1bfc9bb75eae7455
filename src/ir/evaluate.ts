import { RE2JS } from 're2js';
import type { Collection, Pred, Scalar, ValueExpr } from './nodes.ts';
import { OBJECT } from './nodes.ts';

/**
 * The reference evaluator: the definitional meaning of a check on a pod. `object` is the Pod (or a
 * pod-shaped object: `{metadata, spec}` of a workload's template). Absent and null are both unset.
 */
export function evaluatePred(pred: Pred, object: unknown): boolean {
  return holdsIn(pred, new Map([[OBJECT, object]]), PLAIN);
}

type Bindings = ReadonlyMap<string, unknown>;

/**
 * How quantifier variables are bound: plain values here; `kpc explain` binds values together with
 * their field paths, and reuses these semantics unchanged.
 */
export interface BindingDomain<B> {
  /** The value a binding stands for. */
  plain(binding: B): unknown;
  /** The elements of a collection, in the order of collectionElements. */
  elements(collection: Collection, env: ReadonlyMap<string, B>): B[];
}

const PLAIN: BindingDomain<unknown> = { plain: (b) => b, elements: (collection, env) => collectionElements(collection, env) };

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/** The meaning of a predicate under bindings of any domain. */
export function holdsIn<B>(pred: Pred, env: ReadonlyMap<string, B>, domain: BindingDomain<B>): boolean {
  const plainEnv: Bindings = domain === (PLAIN as BindingDomain<unknown>) ? (env as Bindings) : new Map([...env].map(([name, b]) => [name, domain.plain(b)]));
  return holds(pred, env, plainEnv, domain);
}

function holds<B>(pred: Pred, bindings: ReadonlyMap<string, B>, env: Bindings, domain: BindingDomain<B>): boolean {
  switch (pred.kind) {
    case 'const':
      return pred.value;
    case 'isSet':
      return isSet(value(pred.expr, env));
    case 'equals': {
      const v = value(pred.expr, env);
      return isSet(v) && v === value(pred.value, env);
    }
    case 'in': {
      const v = value(pred.expr, env);
      const list = value(pred.values, env) as readonly Scalar[];
      return isSet(v) && list.includes(v as Scalar);
    }
    case 'compare': {
      const v = value(pred.expr, env);
      const bound = value(pred.value, env) as number;
      if (typeof v !== 'number') return false;
      switch (pred.op) {
        case '<':
          return v < bound;
        case '<=':
          return v <= bound;
        case '>':
          return v > bound;
        case '>=':
          return v >= bound;
      }
      return false;
    }
    case 'startsWith': {
      const v = value(pred.expr, env);
      return typeof v === 'string' && v.startsWith(pred.prefix);
    }
    case 'matches': {
      const v = value(pred.expr, env);
      return typeof v === 'string' && compiledRegex(pred.pattern).matcher(v).find();
    }
    case 'imagePatterns': {
      const v = value(pred.expr, env);
      const patterns = value(pred.patterns, env) as readonly string[];
      return typeof v === 'string' && patterns.some((p) => (p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v === p));
    }
    case 'and':
      return pred.items.every((item) => holds(item, bindings, env, domain));
    case 'or':
      return pred.items.some((item) => holds(item, bindings, env, domain));
    case 'not':
      return !holds(pred.item, bindings, env, domain);
    case 'all':
    case 'any': {
      const elements = domain.elements(pred.collection, bindings);
      const test = (element: B) =>
        holds(pred.body, new Map(bindings).set(pred.variable, element), new Map(env).set(pred.variable, domain.plain(element)), domain);
      return pred.kind === 'all' ? elements.every(test) : elements.some(test);
    }
  }
}

/** The value of an expression; undefined when unset. */
export function value(expr: ValueExpr, env: Bindings): unknown {
  switch (expr.kind) {
    case 'literal':
    case 'param':
      return expr.value;
    case 'path': {
      if (!env.has(expr.root)) throw new Error(`IR: unbound variable "${expr.root}"`);
      let current: unknown = env.get(expr.root);
      for (const key of expr.path) {
        if (!isObject(current)) return undefined;
        current = Object.hasOwn(current, key) ? current[key] : undefined;
      }
      return current ?? undefined;
    }
    case 'coalesce':
      for (const item of expr.items) {
        const v = value(item, env);
        if (isSet(v)) return v;
      }
      return undefined;
    case 'concat': {
      const parts = expr.items.map((item) => value(item, env));
      return parts.every((p) => typeof p === 'string') ? parts.join('') : undefined;
    }
    case 'lookup': {
      const map = value(expr.map, env);
      const key = value(expr.key, env);
      if (!isObject(map) || typeof key !== 'string' || !Object.hasOwn(map, key)) return undefined;
      return map[key] ?? undefined;
    }
  }
}

/** Elements of a collection in source order; a map's entries as `{key, value}` sorted by key. */
export function collectionElements(collection: Collection, env: Bindings): unknown[] {
  const out: unknown[] = [];
  for (const source of collection.sources) {
    const v = value(source.expr, env);
    if (!isSet(v)) continue;
    if (source.as === 'elements') {
      if (Array.isArray(v)) out.push(...v);
    } else if (source.as === 'value') {
      out.push(v);
    } else if (isObject(v)) {
      for (const key of Object.keys(v).sort()) out.push({ key, value: v[key] });
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const regexCache = new Map<string, RE2JS>();
function compiledRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}
