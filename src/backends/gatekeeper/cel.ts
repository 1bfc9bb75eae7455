import type { Collection, ParamExpr, Pred, Scalar, ValueExpr } from '../../ir/nodes.ts';
import { OBJECT } from '../../ir/nodes.ts';
import { foldConstants, simplify } from '../../ir/transform.ts';

/**
 * IR → Kubernetes CEL, as the K8sNativeValidation engine of a ConstraintTemplate evaluates it
 * (and, later, a ValidatingAdmissionPolicy). Every field read is guarded by `has()`, so an absent
 * field never raises "no such key"; the pod is `variables.pod` (a Pod or a workload's template).
 */

export interface CelContext {
  /** The CEL expression for the object every check reads. */
  readonly pod: string;
  /** How parameters are read, e.g. `variables.params.minUid`, or inlined (see `inlineParams`). */
  readonly param: (param: ParamExpr) => string;
}

/** Map IR variables to CEL variables in scope; entries carry the map they come from. */
type Env = ReadonlyMap<string, { name: string; entriesOf?: string }>;

interface Access {
  /** A condition under which `expr` can be read without an error; null when always readable. */
  readonly guard: string | null;
  readonly expr: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop', 'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while']);

export function compileCel(pred: Pred, context: CelContext): string {
  return compile(simplify(foldConstants(pred)), context, new Map());
}

function compile(pred: Pred, ctx: CelContext, env: Env): string {
  const guarded = (access: Access, test: string) => (access.guard ? `(${access.guard} && ${test})` : test);
  switch (pred.kind) {
    case 'const':
      return String(pred.value);
    case 'and':
      return `(${pred.items.map((p) => compile(p, ctx, env)).join(' && ')})`;
    case 'or':
      return `(${pred.items.map((p) => compile(p, ctx, env)).join(' || ')})`;
    case 'not':
      return `!(${compile(pred.item, ctx, env)})`;
    case 'isSet': {
      const a = access(pred.expr, ctx, env);
      return a.guard ? `(${a.guard})` : `${a.expr} != null`;
    }
    case 'equals': {
      const a = access(pred.expr, ctx, env);
      return guarded(a, `${a.expr} == ${access(pred.value, ctx, env).expr}`);
    }
    case 'in': {
      const a = access(pred.expr, ctx, env);
      return guarded(a, `${a.expr} in ${access(pred.values, ctx, env).expr}`);
    }
    case 'compare': {
      const a = access(pred.expr, ctx, env);
      return guarded(a, `${a.expr} ${pred.op} ${access(pred.value, ctx, env).expr}`);
    }
    case 'startsWith': {
      const a = access(pred.expr, ctx, env);
      return guarded(a, `${a.expr}.startsWith(${JSON.stringify(pred.prefix)})`);
    }
    case 'matches': {
      const a = access(pred.expr, ctx, env);
      return guarded(a, `${a.expr}.matches(${JSON.stringify(pred.pattern)})`);
    }
    case 'imagePatterns': {
      const a = access(pred.expr, ctx, env);
      const patterns = access(pred.patterns, ctx, env).expr;
      const p = celIdentifier('pattern', env);
      const test = `${patterns}.exists(${p}, ${p}.endsWith("*") ? ${a.expr}.startsWith(${p}.substring(0, size(${p}) - 1)) : ${a.expr} == ${p})`;
      return a.guard ? `(${a.guard} && ${test})` : test;
    }
    case 'all':
    case 'any':
      return quantifier(pred.kind, pred.collection, pred.variable, pred.body, ctx, env);
  }
}

function quantifier(kind: 'all' | 'any', c: Collection, variable: string, body: Pred, ctx: CelContext, env: Env): string {
  const macro = kind === 'all' ? 'all' : 'exists';
  const name = celIdentifier(variable, env);
  const [only] = c.sources;
  if (c.sources.length === 1 && only?.as === 'entries') {
    // A map comprehension ranges over keys; the entry's value is read as map[key].
    const map = access(only.expr, ctx, env);
    const inner = new Map(env).set(variable, { name, entriesOf: map.expr });
    const loop = `${map.expr}.${macro}(${name}, ${compile(body, ctx, inner)})`;
    if (!map.guard) return loop;
    return kind === 'all' ? `(!(${map.guard}) || ${loop})` : `(${map.guard} && ${loop})`;
  }
  const list = c.sources
    .map((source) => {
      const a = access(source.expr, ctx, env);
      const item = source.as === 'elements' ? a.expr : `[${a.expr}]`;
      return a.guard ? `(${a.guard} ? ${item} : [])` : item;
    })
    .join(' + ');
  const inner = new Map(env).set(variable, { name });
  return `(${list}).${macro}(${name}, ${compile(body, ctx, inner)})`;
}

/** How to read a value, and the guard that makes reading it safe. */
function access(expr: ValueExpr, ctx: CelContext, env: Env): Access {
  switch (expr.kind) {
    case 'literal':
      return { guard: null, expr: literal(expr.value) };
    case 'param':
      return { guard: null, expr: ctx.param(expr) };
    case 'path': {
      let base: string;
      let path = expr.path;
      if (expr.root === OBJECT) base = ctx.pod;
      else {
        const bound = env.get(expr.root);
        if (!bound) throw new Error(`CEL backend: unbound variable ${expr.root}`);
        if (bound.entriesOf) {
          // An entry is {key, value}: key is the loop variable, value is map[key].
          const [field, ...rest] = path;
          if (field === 'key' && rest.length === 0) return { guard: null, expr: bound.name };
          if (field !== 'value') throw new Error(`CEL backend: entries have only key and value, not ${field}`);
          base = `${bound.entriesOf}[${bound.name}]`;
          path = rest;
        } else base = bound.name;
      }
      return walk(base, path);
    }
    case 'coalesce': {
      const items = expr.items.map((item) => access(item, ctx, env));
      let result = items[items.length - 1]!;
      for (let i = items.length - 2; i >= 0; i--) {
        const item = items[i]!;
        const guard = item.guard && result.guard ? `(${item.guard} || ${result.guard})` : null;
        result = { guard, expr: item.guard ? `(${item.guard} ? ${item.expr} : ${result.expr})` : item.expr };
      }
      return result;
    }
    case 'concat': {
      const items = expr.items.map((item) => access(item, ctx, env));
      const guards = items.map((i) => i.guard).filter((g): g is string => g !== null);
      return { guard: guards.length ? guards.join(' && ') : null, expr: `(${items.map((i) => i.expr).join(' + ')})` };
    }
    case 'lookup': {
      const map = access(expr.map, ctx, env);
      const key = access(expr.key, ctx, env);
      const guards = [map.guard, key.guard, `${key.expr} in ${map.expr}`].filter((g): g is string => g !== null);
      return { guard: guards.join(' && '), expr: `${map.expr}[${key.expr}]` };
    }
  }
}

/** `base.a.b` with `has(base.a) && has(base.a.b)`; keys that are not identifiers use `in` and `[…]`. */
function walk(base: string, path: readonly string[]): Access {
  const guards: string[] = [];
  let expr = base;
  for (const key of path) {
    if (IDENTIFIER.test(key) && !RESERVED.has(key)) {
      guards.push(`has(${expr}.${key})`);
      expr = `${expr}.${key}`;
    } else {
      guards.push(`${JSON.stringify(key)} in ${expr}`);
      expr = `${expr}[${JSON.stringify(key)}]`;
    }
  }
  return { guard: guards.length ? guards.join(' && ') : null, expr };
}

function celIdentifier(name: string, env: Env): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (RESERVED.has(id)) id = `${id}_`;
  const taken = new Set([...env.values()].map((v) => v.name));
  let unique = id;
  for (let i = 2; taken.has(unique); i++) unique = `${id}${i}`;
  return unique;
}

function literal(value: Scalar | readonly Scalar[]): string {
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  return JSON.stringify(value);
}

/** Parameters as CEL literals, for targets that have no parameter objects. */
export const inlineParams = (param: ParamExpr): string => literal(param.value);

/** The pod under review as a CEL expression over `object`: a Pod itself, or a workload's pod template. */
export function podOf(object: string): string {
  const template = (path: readonly string[]) => {
    const guards = path.map((_, i) => `has(${object}.${path.slice(0, i + 1).join('.')})`).join(' && ');
    return `(${guards} ? ${object}.${path.join('.')} : {})`;
  };
  return `${object}.kind == "Pod" ? ${object} : ${object}.kind == "CronJob" ? ${template(['spec', 'jobTemplate', 'spec', 'template'])} : ${template(['spec', 'template'])}`;
}
