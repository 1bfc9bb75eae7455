import { ir } from '../../ir/build.ts';
import type { Collection, Pred, Scalar, ValueExpr } from '../../ir/nodes.ts';
import { OBJECT } from '../../ir/nodes.ts';
import { expandCoalesce, foldConstants, freeVariables, replaceAtom, simplify, unrollConstantLists } from '../../ir/transform.ts';

/**
 * IR → JMESPath as Kyverno's fork evaluates it (kyverno/go-jmespath). Every path is read where a
 * missing key is swallowed — comparators, function arguments, `||`, filters, projections — so an
 * absent field never turns into a rule error (plain chains error on a missing key in Kyverno).
 *
 * Inside a filter `[?…]` only the element (`@`) is in scope, so atoms that read the pod from inside
 * a quantifier are first hoisted out by a case split (see hoistOuterAtoms). What cannot be hoisted
 * needs a foreach rule, where the element is `element` and the pod stays reachable.
 */

export class NeedsForeach extends Error {}

export interface JmesScope {
  /** Variable bound to `element` by a foreach rule. */
  readonly element?: string;
  /** Variable bound to `@` by the innermost filter. */
  readonly current?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function fieldSegment(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

export function literal(value: Scalar | readonly Scalar[]): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `\`${JSON.stringify(value)}\``;
}

/** The IR prepared for JMESPath: constant lists unrolled, coalesce split, outer atoms hoisted. */
export function prepareForJmespath(pred: Pred): Pred {
  return simplify(hoistOuterAtoms(simplify(expandCoalesce(foldConstants(unrollConstantLists(pred))))));
}


/**
 * Case-split every quantifier on the atoms of its body that do not read its element:
 * all(c, B(a)) = (a ∧ all(c, B[a:=true])) ∨ (¬a ∧ all(c, B[a:=false])). Bottom-up, so an atom
 * climbs out of every quantifier whose element it does not read.
 */
function hoistOuterAtoms(pred: Pred): Pred {
  switch (pred.kind) {
    case 'and':
      return ir.and(...pred.items.map(hoistOuterAtoms));
    case 'or':
      return ir.or(...pred.items.map(hoistOuterAtoms));
    case 'not':
      return ir.not(hoistOuterAtoms(pred.item));
    case 'all':
    case 'any': {
      const quantifier = ir.quantifier(pred.kind, pred.collection, pred.variable, hoistOuterAtoms(pred.body));
      return splitOn(quantifier);
    }
    default:
      return pred;
  }
}

function splitOn(quantifier: Pred & { kind: 'all' | 'any' }): Pred {
  const atom = findOuterAtom(quantifier.body, quantifier.variable);
  if (!atom) return quantifier;
  const branch = (value: boolean): Pred => {
    const body = simplify(replaceAtom(quantifier.body, atom, ir.const(value)));
    const q = simplify(ir.quantifier(quantifier.kind, quantifier.collection, quantifier.variable, body));
    return q.kind === 'all' || q.kind === 'any' ? splitOn(q) : q;
  };
  return simplify(ir.or(ir.and(atom, branch(true)), ir.and(ir.not(atom), branch(false))));
}

/** An atom (not and/or/not/const) of the body that does not read the variable but reads something. */
function findOuterAtom(pred: Pred, variable: string): Pred | undefined {
  switch (pred.kind) {
    case 'const':
      return undefined;
    case 'and':
    case 'or':
      for (const item of pred.items) {
        const found = findOuterAtom(item, variable);
        if (found) return found;
      }
      return undefined;
    case 'not':
      return findOuterAtom(pred.item, variable);
    default: {
      const free = freeVariables(pred);
      return free.size > 0 && !free.has(variable) ? pred : undefined;
    }
  }
}

/** A JMESPath expression that is true when the predicate holds (false or null otherwise). */
export function compilePred(pred: Pred, scope: JmesScope = {}): string {
  switch (pred.kind) {
    case 'const':
      return literal(pred.value);
    case 'and':
      return `(${pred.items.map((p) => compilePred(p, scope)).join(' && ')})`;
    case 'or':
      return `(${pred.items.map((p) => compilePred(p, scope)).join(' || ')})`;
    case 'not':
      return compileNegated(pred.item, scope);
    case 'isSet':
      return `${compileValue(pred.expr, scope)} != null`;
    case 'equals':
      return `${compileValue(pred.expr, scope)} == ${compileValue(pred.value, scope)}`;
    case 'in':
      return `contains(${compileValue(pred.values, scope)}, ${compileValue(pred.expr, scope)})`;
    case 'compare':
      return `${compileValue(pred.expr, scope)} ${pred.op} ${compileValue(pred.value, scope)}`;
    case 'startsWith': {
      const value = compileValue(pred.expr, scope);
      return `(${value} != null && starts_with(${value}, ${literal(pred.prefix)}))`;
    }
    case 'matches': {
      const value = compileValue(pred.expr, scope);
      return `(${value} != null && regex_match(${literal(pred.pattern)}, ${value}))`;
    }
    case 'imagePatterns': {
      // Parameters are inlined here: exact references by contains(), prefixes by starts_with().
      const value = compileValue(pred.expr, scope);
      const patterns = (pred.patterns.value as readonly string[]) ?? [];
      const exact = patterns.filter((p) => !p.endsWith('*'));
      const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
      const tests = [
        ...(exact.length ? [`contains(${literal(exact)}, ${value})`] : []),
        ...prefixes.map((p) => `(${value} != null && starts_with(${value}, ${literal(p)}))`),
      ];
      return tests.length ? `(${tests.join(' || ')})` : literal(false);
    }
    case 'all':
    case 'any': {
      const list = compileCollection(pred.collection, scope);
      const inner: JmesScope = { ...scope, current: pred.variable };
      if (pred.kind === 'any') return `length(${filtered(list, compilePred(pred.body, inner))}) > \`0\``;
      return `length(${filtered(list, compileNegated(pred.body, inner))}) == \`0\``;
    }
  }
}

/** A JMESPath expression that is true when the predicate does not hold. */
export function compileNegated(pred: Pred, scope: JmesScope = {}): string {
  switch (pred.kind) {
    case 'isSet':
      return `${compileValue(pred.expr, scope)} == null`;
    case 'equals':
      return `${compileValue(pred.expr, scope)} != ${compileValue(pred.value, scope)}`;
    case 'not':
      return compilePred(pred.item, scope);
    case 'and':
      return `(${pred.items.map((p) => compileNegated(p, scope)).join(' || ')})`;
    case 'or':
      return `(${pred.items.map((p) => compileNegated(p, scope)).join(' && ')})`;
    case 'all':
    case 'any': {
      const list = compileCollection(pred.collection, scope);
      const inner: JmesScope = { ...scope, current: pred.variable };
      if (pred.kind === 'all') return `length(${filtered(list, compileNegated(pred.body, inner))}) > \`0\``;
      return `length(${filtered(list, compilePred(pred.body, inner))}) == \`0\``;
    }
    default:
      return `!(${compilePred(pred, scope)})`;
  }
}

/** `list | [?cond] || []`: a missing list filters to null, and `|| []` keeps length() from a type error. */
function filtered(list: string, condition: string): string {
  return `${list} | [?${condition}] || \`[]\``;
}

export function compileValue(expr: ValueExpr, scope: JmesScope): string {
  switch (expr.kind) {
    case 'literal':
    case 'param':
      return literal(expr.value);
    case 'path': {
      const base = rootOf(expr.root, scope);
      if (expr.path.length === 0) return base;
      const fields = expr.path.map(fieldSegment).join('.');
      return base === '@' ? fields : `${base}.${fields}`;
    }
    case 'coalesce':
      return `not_null(${expr.items.map((item) => compileValue(item, scope)).join(', ')})`;
    case 'concat':
      // A missing part would be a type error in join(); names are required wherever concat is used.
      return `join('', [${expr.items.map((item) => (item.kind === 'literal' ? compileValue(item, scope) : `${compileValue(item, scope)} || ''`)).join(', ')}])`;
    case 'lookup':
      return `lookup(${compileValue(expr.map, scope)} || \`{}\`, ${compileValue(expr.key, scope)})`;
  }
}

function rootOf(variable: string, scope: JmesScope): string {
  if (variable === scope.current) return '@';
  if (variable === scope.element) return 'element';
  if (variable === OBJECT && scope.current === undefined) return 'request.object';
  throw new NeedsForeach(`"${variable}" is not reachable from inside a filter`);
}

/** The list a quantifier ranges over, nulls dropped (a flatten projection drops null results). */
export function compileCollection(collection: Collection, scope: JmesScope): string {
  const parts = collection.sources.map((source) => {
    const value = compileValue(source.expr, scope);
    if (source.as === 'entries') return `items(${value} || \`{}\`, 'key', 'value')`;
    return value;
  });
  if (parts.length === 1 && collection.sources[0]!.as === 'elements') return `${parts[0]}[]`;
  const base = commonBase(parts);
  if (base) return `${base}.[${parts.map((p) => p.slice(base.length + 1)).join(', ')}][]`;
  return `[${parts.join(', ')}][]`;
}

/** `request.object.spec` for `request.object.spec.a` and `request.object.spec.b`, when all parts share it. */
function commonBase(parts: readonly string[]): string | undefined {
  if (parts.length < 2) return undefined;
  const split = parts.map((p) => p.split('.'));
  if (split.some((s) => s.some((seg) => /[\s(|[`']/.test(seg)))) return undefined;
  const first = split[0]!;
  let length = 0;
  while (length < first.length - 1 && split.every((s) => s.length - 1 > length && s[length] === first[length])) length++;
  return length > 0 ? first.slice(0, length).join('.') : undefined;
}
