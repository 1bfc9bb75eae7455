import type { Collection, LiteralExpr, ParamExpr, PathExpr, Pred, Scalar, ValueExpr } from '../../ir/nodes.ts';
import { OBJECT } from '../../ir/nodes.ts';
import { freeVariables } from '../../ir/transform.ts';

/**
 * IR → Kyverno `pattern` / `anyPattern`, for the checks that read as an overlay: fields that must
 * equal a value, fields that may be absent or else equal a value (`=(k)`), fields that must be
 * absent (`X(k)`), and lists whose every element matches (`[ {...} ]`). Anything else returns null
 * and the rule is compiled to `deny` conditions instead.
 *
 * Kyverno semantics this relies on (../shared/docs/kyverno.md §2): `=(k)` passes a missing key;
 * `X(k)` fails a present key; a list pattern checks every element against element [0] and passes
 * an empty list; a string pattern is split on `|` into alternatives, so literals must carry none of
 * the pattern language's operators or wildcards, and must not parse as a number, duration or quantity.
 */

type PatternValue = Scalar | PatternObject | PatternValue[];
interface PatternObject {
  [key: string]: PatternValue;
}

export type PatternResult = { pattern: PatternObject } | { anyPattern: PatternObject[] };

const SAFE_STRING = /^[A-Za-z][A-Za-z0-9_./-]*$/;

export function toPattern(pred: Pred): PatternResult | null {
  const whole = constraint(pred, OBJECT);
  if (whole) return { pattern: whole };
  if (pred.kind === 'or') {
    const patterns = pred.items.map((item) => constraint(item, OBJECT));
    if (patterns.some((p) => p === null)) return null;
    return { anyPattern: patterns as PatternObject[] };
  }
  return null;
}

/** The pattern, rooted at the variable's value, that holds exactly when the predicate does. */
function constraint(pred: Pred, base: string): PatternObject | null {
  switch (pred.kind) {
    case 'and': {
      let merged: PatternObject = {};
      for (const item of pred.items) {
        const part = constraint(item, base);
        if (!part) return null;
        const next = merge(merged, part);
        if (!next) return null;
        merged = next;
      }
      return merged;
    }
    case 'equals': {
      const path = pathOn(pred.expr, base);
      const value = scalarPattern(pred.value);
      return path && path.length > 0 && value !== null ? place(path, value, false) : null;
    }
    case 'in': {
      const path = pathOn(pred.expr, base);
      const value = alternatives(pred.values);
      return path && path.length > 0 && value !== null ? place(path, value, false) : null;
    }
    case 'not': {
      const item = pred.item;
      if (item.kind === 'isSet') {
        const path = pathOn(item.expr, base);
        if (!path || path.length === 0) return null;
        return place(path, 'null', true, 'X');
      }
      // A boolean that must not be true: absent or false.
      if (item.kind === 'equals' && item.value.value === true) {
        const path = pathOn(item.expr, base);
        return path && path.length > 0 ? place(path, false, true) : null;
      }
      return null;
    }
    case 'or': {
      // isUnset(x) ∨ Q(x…)  →  =(x): Q  when Q only constrains x and what lies under it.
      if (pred.items.length !== 2) return null;
      const unset = pred.items.find((i) => i.kind === 'not' && i.item.kind === 'isSet');
      const other = pred.items.find((i) => i !== unset);
      if (!unset || !other || unset.kind !== 'not' || unset.item.kind !== 'isSet') return null;
      const path = pathOn(unset.item.expr, base);
      if (!path || path.length === 0) return null;
      const inner = constraint(other, base);
      return inner ? optionalAlong(inner, path) : null;
    }
    case 'all':
      return listPattern(pred.collection, pred.variable, pred.body, base);
    default:
      return null;
  }
}

/** every(collection, v => body) → each source list holds `[ bodyPattern ]` (absent lists pass). */
function listPattern(collection: Collection, variable: string, body: Pred, base: string): PatternObject | null {
  const free = freeVariables(body);
  free.delete(variable);
  if (free.size > 0) return null; // the body reads the pod or an outer element
  const element = elementPattern(body, variable);
  if (element === null) return null;
  let merged: PatternObject = {};
  for (const source of collection.sources) {
    const path = pathOn(source.expr, base);
    if (!path || path.length === 0 || source.as === 'entries') return null;
    const next = merge(merged, place(path, source.as === 'elements' ? [element] : element, true));
    if (!next) return null;
    merged = next;
  }
  return merged;
}

/** The pattern of one element: an object pattern, or a scalar pattern for a list of scalars. */
function elementPattern(body: Pred, variable: string): PatternValue | null {
  if ((body.kind === 'equals' || body.kind === 'in') && body.expr.kind === 'path' && body.expr.root === variable && body.expr.path.length === 0) {
    return body.kind === 'equals' ? scalarPattern(body.value) : alternatives(body.values);
  }
  return constraint(body, variable);
}

/**
 * Turn the plain keys along `path` into `=()` anchors, when the pattern holds nothing else on the
 * way: `{a: {b: {c: 1}}}` along [a, b] → `{=(a): {=(b): {c: 1}}}`. A key already anchored `=()`
 * stays so; any sibling key means the pattern also constrains something outside the path.
 */
function optionalAlong(pattern: PatternObject, path: readonly string[]): PatternObject | null {
  const [key, ...rest] = path;
  if (key === undefined) return pattern;
  const keys = Object.keys(pattern);
  if (keys.length !== 1) return null;
  const only = keys[0]!;
  if (only !== key && only !== `=(${key})`) return null;
  const value = pattern[only]!;
  if (rest.length === 0) return { [`=(${key})`]: value };
  if (!isObject(value)) return null;
  const inner = optionalAlong(value, rest);
  return inner ? { [`=(${key})`]: inner } : null;
}

function pathOn(expr: ValueExpr, base: string): readonly string[] | null {
  return expr.kind === 'path' && expr.root === base ? (expr as PathExpr).path : null;
}

/** Nest a value under a path; optional paths anchor every key with `=()` (or the last with `X()`). */
function place(path: readonly string[], value: PatternValue, optional: boolean, lastAnchor?: 'X'): PatternObject {
  let node: PatternValue = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i]!;
    const anchored = i === path.length - 1 && lastAnchor ? `${lastAnchor}(${key})` : optional ? `=(${key})` : key;
    node = { [anchored]: node };
  }
  return node as PatternObject;
}

function scalarPattern(expr: LiteralExpr | ParamExpr): PatternValue | null {
  const value = expr.value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string') return value === '' || SAFE_STRING.test(value) ? value : null;
  return null;
}

/** `"a | b | c"`: alternatives of safe strings (an empty alternative would read as a literal ""). */
function alternatives(expr: LiteralExpr | ParamExpr): string | null {
  const values = expr.value;
  if (!Array.isArray(values) || values.length === 0) return null;
  if (!values.every((v) => typeof v === 'string' && SAFE_STRING.test(v))) return null;
  return values.join(' | ');
}

function isObject(value: PatternValue): value is PatternObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge; two different scalars (or a scalar and an object) at one key cannot be merged. */
function merge(a: PatternObject, b: PatternObject): PatternObject | null {
  const out: PatternObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (!(key in out)) {
      out[key] = value;
      continue;
    }
    const existing = out[key]!;
    if (isObject(existing) && isObject(value)) {
      const merged = merge(existing, value);
      if (!merged) return null;
      out[key] = merged;
    } else if (Array.isArray(existing) && Array.isArray(value) && existing.length === 1 && value.length === 1) {
      const [x] = existing;
      const [y] = value;
      if (isObject(x!) && isObject(y!)) {
        const merged = merge(x, y);
        if (!merged) return null;
        out[key] = [merged];
      } else if (x !== y) return null;
    } else if (existing !== value) {
      return null;
    }
  }
  return out;
}
