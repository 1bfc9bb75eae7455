/**
 * The check IR: an immutable tree of small node types that says what a control requires of a pod.
 * Controls build it (src/controls/), backends visit it (src/backends/), and src/ir/evaluate.ts gives
 * its definitional meaning.
 *
 * Value model: a field that is absent or null is *unset* (Go's nil after decoding); an unset value
 * equals nothing, compares to nothing and matches nothing.
 */

export type Scalar = string | number | boolean;

// ---------------------------------------------------------------------------------------------
// Values

/** A field path from the object under review (`object`) or from a variable bound by a quantifier. */
export interface PathExpr {
  readonly kind: 'path';
  /** 'object' (the Pod, or the pod template of a workload) or a quantifier variable. */
  readonly root: string;
  readonly path: readonly string[];
}

export interface LiteralExpr {
  readonly kind: 'literal';
  readonly value: Scalar | readonly Scalar[];
}

/** A control parameter; `value` is its resolved value (inlined by targets that have no parameters). */
export interface ParamExpr {
  readonly kind: 'param';
  readonly name: string;
  readonly value: Scalar | readonly Scalar[];
}

/** The first set value: e.g. a container field falling back to the pod-level field. */
export interface CoalesceExpr {
  readonly kind: 'coalesce';
  readonly items: readonly ValueExpr[];
}

/** String concatenation (e.g. an annotation key built from a container name). */
export interface ConcatExpr {
  readonly kind: 'concat';
  readonly items: readonly ValueExpr[];
}

/** `map[key]` with a computed key. */
export interface LookupExpr {
  readonly kind: 'lookup';
  readonly map: ValueExpr;
  readonly key: ValueExpr;
}

export type ValueExpr = PathExpr | LiteralExpr | ParamExpr | CoalesceExpr | ConcatExpr | LookupExpr;

// ---------------------------------------------------------------------------------------------
// Collections a quantifier ranges over

/**
 * One source of a collection: the elements of a list, a single (object) value when set, or the
 * entries of a map (each bound as `{key, value}`). Unset sources contribute nothing.
 */
export interface CollectionSource {
  readonly expr: ValueExpr;
  readonly as: 'elements' | 'value' | 'entries';
}

export interface Collection {
  /** A readable name for printers and backends (e.g. 'containers', 'volumes'). */
  readonly label: string;
  readonly sources: readonly CollectionSource[];
}

// ---------------------------------------------------------------------------------------------
// Predicates

export interface IsSetPred {
  readonly kind: 'isSet';
  readonly expr: ValueExpr;
}

/** Strict equality of a set value with a scalar (no type coercion). */
export interface EqualsPred {
  readonly kind: 'equals';
  readonly expr: ValueExpr;
  readonly value: LiteralExpr | ParamExpr;
}

/** A set value is one of a list of scalars. */
export interface InPred {
  readonly kind: 'in';
  readonly expr: ValueExpr;
  readonly values: LiteralExpr | ParamExpr;
}

export type CompareOp = '<' | '<=' | '>' | '>=';

/** Numeric comparison of a set number. */
export interface ComparePred {
  readonly kind: 'compare';
  readonly expr: ValueExpr;
  readonly op: CompareOp;
  readonly value: LiteralExpr | ParamExpr;
}

/** A set string starts with a prefix. */
export interface StartsWithPred {
  readonly kind: 'startsWith';
  readonly expr: ValueExpr;
  readonly prefix: string;
}

/** A set string matches an RE2 regular expression (unanchored, as RE2's MatchString). */
export interface MatchesPred {
  readonly kind: 'matches';
  readonly expr: ValueExpr;
  readonly pattern: string;
}

/**
 * A set string equals one of the patterns, or starts with a pattern's text before its trailing
 * `*` — Gatekeeper's `exemptImages` convention (gatekeeper-library lib/exempt_container).
 */
export interface ImagePatternsPred {
  readonly kind: 'imagePatterns';
  readonly expr: ValueExpr;
  readonly patterns: LiteralExpr | ParamExpr;
}

export interface AndPred {
  readonly kind: 'and';
  readonly items: readonly Pred[];
}

export interface OrPred {
  readonly kind: 'or';
  readonly items: readonly Pred[];
}

export interface NotPred {
  readonly kind: 'not';
  readonly item: Pred;
}

/** Every / some element of a collection satisfies the body, with the element bound to `variable`. */
export interface QuantifierPred {
  readonly kind: 'all' | 'any';
  readonly collection: Collection;
  readonly variable: string;
  readonly body: Pred;
}

export interface ConstPred {
  readonly kind: 'const';
  readonly value: boolean;
}

export type Pred =
  | IsSetPred
  | EqualsPred
  | InPred
  | ComparePred
  | StartsWithPred
  | MatchesPred
  | ImagePatternsPred
  | AndPred
  | OrPred
  | NotPred
  | QuantifierPred
  | ConstPred;

/** The object every check reads: the Pod, or the pod template of a workload. */
export const OBJECT = 'object';
