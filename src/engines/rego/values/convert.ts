/** Crossing the API boundary: plain JS values in, plain JS values out (see index.ts). */
import { spendWork } from '../../../util/budget.ts';
import { formatFloat64G, RegoNumber } from './number.ts';
import { RegoObject, RegoSet, type Value, keyOf, valueToString } from './value.ts';

export { RegoNumber };

/** A Rego number with exactly this decimal text (e.g. `regoNumber('1152921504606846976000')`). */
export function regoNumber(text: string): RegoNumber {
  return new RegoNumber(text);
}

/**
 * The number OPA makes of a float64 (ast/term.go floatNumber: strconv.FormatFloat(f, 'g', -1, 64)):
 * what Gatekeeper's driver does to every number of input.review, so `1000000` becomes `1e+06`.
 */
export function goFloatNumber(f: number): RegoNumber {
  return new RegoNumber(formatFloat64G(f));
}

/** A deep copy of a JSON-like value with every JS number replaced by `goFloatNumber`. */
export function toGoFloatNumbers(value: unknown): unknown {
  if (typeof value === 'number') return goFloatNumber(value);
  if (typeof value === 'bigint') return goFloatNumber(Number(value));
  if (Array.isArray(value)) return value.map(toGoFloatNumbers);
  if (value !== null && typeof value === 'object' && !(value instanceof RegoNumber)) {
    if (value instanceof Set) return new Set([...value].map(toGoFloatNumbers));
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [toGoFloatNumbers(k), toGoFloatNumbers(v)]));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toGoFloatNumbers(v);
    return out;
  }
  return value;
}

export class ConversionError extends Error {}

/**
 * A JS value converted once to a Rego value, to pass as input/data (or inside them) many times
 * without re-conversion.
 */
export class PreparedValue {
  constructor(readonly value: Value) {}
}

export function jsNumberText(n: number): string {
  if (!Number.isFinite(n)) throw new ConversionError(`cannot convert ${n} to a Rego number`);
  return Object.is(n, -0) ? '0' : String(n);
}

const MAX_CONVERT_DEPTH = 1_000;

export function fromJS(value: unknown, depth = 0): Value {
  if (depth > MAX_CONVERT_DEPTH) throw new ConversionError('value nested too deeply');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return new RegoNumber(jsNumberText(value));
    case 'bigint':
      return new RegoNumber(value.toString());
    case 'object': {
      if (value === null) return null;
      if (value instanceof RegoNumber) return value;
      if (value instanceof PreparedValue) return value.value;
      if (Array.isArray(value)) return value.map((v) => fromJS(v === undefined ? null : v, depth + 1));
      if (value instanceof Set) return RegoSet.of([...value].map((v) => fromJS(v, depth + 1)));
      if (value instanceof Map) {
        return RegoObject.fromEntries([...value].map(([k, v]) => [fromJS(k, depth + 1), fromJS(v, depth + 1)] as const));
      }
      const map = new Map<string, readonly [Value, Value]>();
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        map.set(keyOf(k), [k, fromJS(v, depth + 1)]);
      }
      return new RegoObject(map);
    }
    default:
      throw new ConversionError(`cannot convert a JS ${typeof value} to a Rego value`);
  }
}

export interface ToJSOptions {
  /** Keep sets as `Set` and non-string-keyed objects as `Map` (default: OPA's ast.JSON form). */
  readonly exact?: boolean;
}

export function toJS(value: Value, options: ToJSOptions = {}): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof RegoNumber) {
    if (value.small !== undefined) return value.small;
    const { n, d } = value.exact;
    if (d === 1n && (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))) return n;
    return value.toJS();
  }
  // a shared sub-value is converted each time it occurs: charge by the elements visited
  spendWork(1 + (Array.isArray(value) ? value.length : (value as RegoObject | RegoSet).size));
  if (Array.isArray(value)) return (value as readonly Value[]).map((v) => toJS(v, options));
  if (value instanceof RegoSet) {
    const items = value.sortedValues().map((v) => toJS(v, options));
    return options.exact ? new Set(items) : items;
  }
  const obj = value as RegoObject;
  const entries = obj.sortedEntries();
  if (options.exact && entries.some(([k]) => typeof k !== 'string')) {
    return new Map(entries.map(([k, v]) => [toJS(k, options), toJS(v, options)]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const key = typeof k === 'string' ? k : valueToString(k);
    // defineProperty: a "__proto__" key must stay an own property, not set the prototype.
    Object.defineProperty(out, key, { value: toJS(v, options), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
