// Conversion between JSON/YAML data and the values cel-js computes with.
//
// Kubernetes hands CEL unstructured objects decoded from JSON: integers become int64 and other
// numbers float64 (apimachinery's json.Number handling), so `containerPort + 1` is an int. In cel-js
// a JS number is a CEL double, so every integral number must become a BigInt before evaluation.
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { isResourceExhaustion, resourceLimitMessage } from '../../util/budget.ts';
import { KpcError } from '../../util/errors.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Nesting deeper than this is refused (Kubernetes' JSON decoder stops at 10000 as well). */
export const MAX_VALUE_DEPTH = 10_000;

const converted = new WeakMap<object, unknown>();

/**
 * A JSON-like value as CEL sees it: integral numbers (and BigInts) in int64 range become BigInt,
 * other numbers stay doubles, objects become plain maps (a `__proto__` key stays data),
 * arrays are copied. Conversion of an object is memoised by identity: do not mutate an input after
 * handing it to CEL. Anything that is not JSON (functions, class instances, cycles) is a KpcError.
 */
export function toCelValue(value: unknown): unknown {
  try {
    return convert(value, 0, new Set());
  } catch (error) {
    // JS recursion may give out before Kubernetes' 10000 levels: an error, never a crash
    if (isResourceExhaustion(error)) throw new KpcError(resourceLimitMessage(error, 'value'));
    throw error;
  }
}

function convert(value: unknown, depth: number, path: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // apimachinery decodes a JSON number as int64 when it parses as one, else float64; YAML `1.0`
      // reaches it as JSON `1` (sigs.k8s.io/yaml re-encodes floats), hence integral → int.
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value);
      return value;
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? value : Number(value);
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      throw new KpcError(`cannot convert a ${typeof value} to a CEL value`);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array || value instanceof UnsignedInt || value instanceof Duration || value instanceof Date) {
    return value;
  }
  const memo = converted.get(value);
  if (memo !== undefined) return memo;
  if (depth >= MAX_VALUE_DEPTH) throw new KpcError(`value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (path.has(value)) throw new KpcError('value contains a reference cycle');
  path.add(value);
  let result: unknown;
  if (Array.isArray(value)) {
    result = value.map((item) => convert(item, depth + 1, path));
  } else if (value instanceof Map) {
    const map = new Map<unknown, unknown>();
    for (const [k, v] of value) map.set(convert(k, depth + 1, path), convert(v, depth + 1, path));
    result = map;
  } else if (isPlainRecord(value)) {
    // Plain objects (V8 keeps null-prototype objects in slow dictionary mode); a `__proto__` key is
    // defined as an own property so it stays data, and cel-js reads only own properties.
    const object: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = convert((value as Record<string, unknown>)[key], depth + 1, path);
      if (key === '__proto__') Object.defineProperty(object, key, { value: item, enumerable: true, writable: true, configurable: true });
      else object[key] = item;
    }
    result = object;
  } else {
    throw new KpcError(`cannot convert a ${value.constructor?.name ?? 'object'} to a CEL value`);
  }
  path.delete(value);
  converted.set(value, result);
  return result;
}

function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A CEL result as plain JSON-like data: ints become numbers (strings beyond 2^53, so nothing is
 * silently rounded), uints numbers, bytes base64, timestamps RFC 3339 strings, durations cel-go's
 * `1.5s` form, optionals their value (or null), types their name, library objects (quantity, ip…)
 * their string form.
 */
export function fromCelValue(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'string':
    case 'boolean':
    case 'number':
      return value;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(fromCelValue);
  if (value instanceof Set) return [...value].map(fromCelValue);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(fromCelValue(k))] = fromCelValue(v);
    return out;
  }
  if (value instanceof UnsignedInt) return fromCelValue(value.value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Optional) return value.hasValue() ? fromCelValue(value.value()) : null;
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = fromCelValue((value as Record<string, unknown>)[key]);
    return out;
  }
  return String(value);
}

/** The CEL type name of a runtime value, as cel-go prints it in messages (`int`, `list`, `map`…). */
export function celTypeName(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'object':
      if (value === null) return 'null_type';
      if (Array.isArray(value) || value instanceof Set) return 'list';
      if (value instanceof UnsignedInt) return 'uint';
      if (value instanceof Uint8Array) return 'bytes';
      if (value instanceof Date) return 'google.protobuf.Timestamp';
      if (value instanceof Duration) return 'google.protobuf.Duration';
      if (value instanceof Optional) return 'optional_type';
      if (value instanceof Map || isPlainRecord(value)) return 'map';
      return value.constructor?.name ?? 'object';
    default:
      return typeof value;
  }
}
