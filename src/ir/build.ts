import type {
  Collection, CollectionSource, CompareOp, LiteralExpr, ParamExpr, PathExpr, Pred, QuantifierPred, Scalar, ValueExpr,
} from './nodes.ts';
import { OBJECT } from './nodes.ts';

/** Deep-freeze a freshly built node so the tree stays immutable. */
function freeze<T>(node: T): T {
  return Object.freeze(node);
}

export const ir = {
  path: (root: string, path: readonly string[]): PathExpr => freeze({ kind: 'path', root, path: Object.freeze([...path]) }),
  objectPath: (...path: string[]): PathExpr => ir.path(OBJECT, path),
  literal: (value: Scalar | readonly Scalar[]): LiteralExpr =>
    freeze({ kind: 'literal', value: Array.isArray(value) ? Object.freeze([...value]) : (value as Scalar) }),
  param: (name: string, value: Scalar | readonly Scalar[]): ParamExpr =>
    freeze({ kind: 'param', name, value: Array.isArray(value) ? Object.freeze([...value]) : (value as Scalar) }),
  coalesce: (...items: ValueExpr[]): ValueExpr => freeze({ kind: 'coalesce', items: Object.freeze(items) }),
  concat: (...items: ValueExpr[]): ValueExpr => freeze({ kind: 'concat', items: Object.freeze(items) }),
  lookup: (map: ValueExpr, key: ValueExpr): ValueExpr => freeze({ kind: 'lookup', map, key }),

  collection: (label: string, sources: CollectionSource[]): Collection =>
    freeze({ label, sources: Object.freeze(sources.map((s) => freeze({ ...s }))) }),

  isSet: (expr: ValueExpr): Pred => freeze({ kind: 'isSet', expr }),
  equals: (expr: ValueExpr, value: LiteralExpr | ParamExpr): Pred => freeze({ kind: 'equals', expr, value }),
  in: (expr: ValueExpr, values: LiteralExpr | ParamExpr): Pred => freeze({ kind: 'in', expr, values }),
  compare: (expr: ValueExpr, op: CompareOp, value: LiteralExpr | ParamExpr): Pred => freeze({ kind: 'compare', expr, op, value }),
  startsWith: (expr: ValueExpr, prefix: string): Pred => freeze({ kind: 'startsWith', expr, prefix }),
  matches: (expr: ValueExpr, pattern: string): Pred => freeze({ kind: 'matches', expr, pattern }),
  imagePatterns: (expr: ValueExpr, patterns: LiteralExpr | ParamExpr): Pred => freeze({ kind: 'imagePatterns', expr, patterns }),
  and: (...items: Pred[]): Pred => (items.length === 1 ? items[0]! : freeze({ kind: 'and', items: Object.freeze(items) })),
  or: (...items: Pred[]): Pred => (items.length === 1 ? items[0]! : freeze({ kind: 'or', items: Object.freeze(items) })),
  not: (item: Pred): Pred => freeze({ kind: 'not', item }),
  quantifier: (kind: 'all' | 'any', collection: Collection, variable: string, body: Pred): QuantifierPred =>
    freeze({ kind, collection, variable, body }),
  const: (value: boolean): Pred => freeze({ kind: 'const', value }),
};
