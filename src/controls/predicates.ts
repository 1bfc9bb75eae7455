import { ir } from '../ir/build.ts';
import type { CompareOp, LiteralExpr, ParamExpr, Pred, Scalar } from '../ir/nodes.ts';
import type { Param } from './params.ts';
import { collectionOf, collectionRef, exprOf, refFor, type CollectionRef, type ElementOf, type Ref } from './refs.ts';

/** The predicates a control's check is built from. Each returns an IR node; none runs anything. */

type Operand<T extends Scalar | readonly Scalar[]> = T | Param<T>;

function operand(value: Operand<Scalar | readonly Scalar[]>): LiteralExpr | ParamExpr {
  if (typeof value === 'object' && value !== null && 'expr' in value) return (value as Param<Scalar>).expr;
  return ir.literal(value as Scalar | readonly Scalar[]);
}

/** The field is set (present and not null). */
export const isSet = (ref: Ref<unknown>): Pred => ir.isSet(exprOf(ref));
/** The field is absent or null. */
export const isUnset = (ref: Ref<unknown>): Pred => ir.not(ir.isSet(exprOf(ref)));

/** The field is set and equal to the value (same type, no coercion). */
export function equals<T extends Scalar>(ref: Ref<T>, value: Operand<T>): Pred {
  return ir.equals(exprOf(ref), operand(value));
}

/** The field is set and one of the values. */
export function oneOf<T extends Scalar>(ref: Ref<T>, values: Operand<readonly T[]>): Pred {
  return ir.in(exprOf(ref), operand(values));
}

export const isTrue = (ref: Ref<boolean>): Pred => equals(ref, true);
/** Unset or false. */
export const isNotTrue = (ref: Ref<boolean>): Pred => ir.not(equals(ref, true));

/** Numeric comparison; an unset field satisfies none. */
export function compare(ref: Ref<number>, op: CompareOp, value: Operand<number>): Pred {
  return ir.compare(exprOf(ref), op, operand(value));
}
export const atLeast = (ref: Ref<number>, value: Operand<number>): Pred => compare(ref, '>=', value);
export const atMost = (ref: Ref<number>, value: Operand<number>): Pred => compare(ref, '<=', value);

export const startsWith = (ref: Ref<string>, prefix: string): Pred => ir.startsWith(exprOf(ref), prefix);
/** RE2 regular expression, unanchored (write ^…$ to anchor). */
export const matches = (ref: Ref<string>, pattern: string): Pred => ir.matches(exprOf(ref), pattern);

export const and = (...items: Pred[]): Pred => ir.and(...items);
export const or = (...items: Pred[]): Pred => ir.or(...items);
export const not = (item: Pred): Pred => ir.not(item);
/** The field is unset, or else satisfies the predicate. */
export const unsetOr = (ref: Ref<unknown>, pred: Pred): Pred => ir.or(isUnset(ref), pred);
/** When the condition holds the predicate must too. */
export const implies = (condition: Pred, pred: Pred): Pred => ir.or(ir.not(condition), pred);

// Quantifier variables get readable names, unique along the nesting path.
const boundNames: string[] = [];

/** What a quantifier ranges over: a list field, a built collection, or a list parameter. */
type Quantifiable = CollectionRef<unknown> | Ref<readonly unknown[]> | Param<readonly Scalar[]>;
type ElementOfQuantifiable<C> = C extends Param<readonly (infer E)[]> ? E : ElementOf<C>;

function quantify<C extends Quantifiable>(kind: 'all' | 'any', over: C, body: (element: Ref<ElementOfQuantifiable<C>>) => Pred): Pred {
  const collection =
    'expr' in over && (over as Param<unknown>).expr.kind === 'param'
      ? ir.collection((over as Param<unknown>).expr.name, [{ expr: (over as Param<unknown>).expr, as: 'elements' }])
      : collectionOf(over as CollectionRef<unknown> | Ref<readonly unknown[]>);
  const base = singular(collection.label);
  let name = base;
  for (let i = 2; boundNames.includes(name); i++) name = `${base}${i}`;
  boundNames.push(name);
  try {
    return ir.quantifier(kind, collection, name, body(refFor(ir.path(name, []))));
  } finally {
    boundNames.pop();
  }
}

/** Every element satisfies the predicate (true for an empty or unset list). */
export function every<C extends Quantifiable>(over: C, body: (element: Ref<ElementOfQuantifiable<C>>) => Pred): Pred {
  return quantify('all', over, body);
}

/** Some element satisfies the predicate (false for an empty or unset list). */
export function some<C extends Quantifiable>(over: C, body: (element: Ref<ElementOfQuantifiable<C>>) => Pred): Pred {
  return quantify('any', over, body);
}

/** The entries of a map field (e.g. annotations), each as `{key, value}`. */
export function entriesOf<V>(map: Ref<Readonly<Record<string, V>>>): CollectionRef<{ key: string; value: V }> {
  const expr = exprOf(map);
  const label = expr.kind === 'path' ? `${expr.path.at(-1) ?? 'map'}Entries` : 'entries';
  return collectionRef(label, [{ expr, as: 'entries' }]);
}

/** A collection of single (object) values, each included when set: e.g. a container's probes. */
export function valuesOf<T>(label: string, ...refs: Ref<T>[]): CollectionRef<T> {
  return collectionRef(label, refs.map((ref) => ({ expr: exprOf(ref), as: 'value' as const })));
}

/** The first set value: a container field falling back to the pod-level field. */
export function effective<T>(...refs: Ref<T>[]): Ref<T> {
  return refFor(ir.coalesce(...refs.map(exprOf)));
}

/** String concatenation of refs and literals. */
export function concat(...parts: (Ref<string> | string)[]): Ref<string> {
  return refFor(ir.concat(...parts.map((p) => (typeof p === 'string' ? ir.literal(p) : exprOf(p)))));
}

/** `map[key]`: a fixed key (e.g. an annotation name) or a computed one. */
export function lookup<V>(map: Ref<Readonly<Record<string, V>>>, key: Ref<string> | string): Ref<V> {
  const mapExpr = exprOf(map);
  if (typeof key === 'string') {
    if (mapExpr.kind === 'path') return refFor(ir.path(mapExpr.root, [...mapExpr.path, key]));
    return refFor(ir.lookup(mapExpr, ir.literal(key)));
  }
  return refFor(ir.lookup(mapExpr, exprOf(key)));
}

function singular(label: string): string {
  if (label.endsWith('Entries')) return 'entry';
  if (label.endsWith('ies')) return `${label.slice(0, -3)}y`;
  if (label.endsWith('s')) return label.slice(0, -1);
  return `${label}Item`;
}
