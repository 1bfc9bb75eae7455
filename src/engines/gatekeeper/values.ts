/**
 * The value model Gatekeeper's Go code sees after `k8s.io/apimachinery/pkg/util/json` decoding
 * (unstructured.Unstructured): JSON with integers as int64 (here `bigint`) and every other number
 * as float64 (here `number`). The CEL engine needs exactly this split (int vs double); the Rego
 * driver converts it further (see `rego-driver.ts`).
 */
export type JsonValue = null | boolean | string | bigint | number | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set);
}

/**
 * A value from any JS source (YAML parsed with JS numbers, JSON.parse, BigInt YAML) normalised the
 * way Go's JSON round trip into unstructured does it: an integral number inside int64 becomes an
 * int64, anything else stays float64; `undefined` members are dropped. Throws on values JSON cannot
 * hold (NaN, ±Inf, functions), as `json.Marshal` does.
 */
export function toJsonValue(value: unknown, path = ''): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'bigint':
      // Beyond int64, unstructured decoding falls back to float64.
      return value >= INT64_MIN && value <= INT64_MAX ? value : Number(value);
    case 'number':
      return numberToJson(value, path);
    case 'object': {
      if (Array.isArray(value)) return value.map((item, index) => toJsonValue(item, `${path}[${index}]`));
      if (value instanceof Date) return value.toISOString();
      const out: JsonObject = {};
      for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
        if (member === undefined) continue;
        out[key] = toJsonValue(member, path ? `${path}.${key}` : key);
      }
      return out;
    }
    default:
      throw new Error(`json: unsupported type ${typeof value}${path ? ` at ${path}` : ''}`);
  }
}

function numberToJson(value: number, path: string): JsonValue {
  if (!Number.isFinite(value)) throw new Error(`json: unsupported value: ${goFloatName(value)}${path ? ` at ${path}` : ''}`);
  // Go marshals an integral float64 without a fraction ("1"), so it decodes back as int64.
  if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) return BigInt(value);
  return value;
}

function goFloatName(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}

/** Deep copy (runtime.DeepCopyJSONValue). */
export function deepCopy<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => deepCopy(item)) as T;
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) out[key] = deepCopy(member);
    return out as T;
  }
  return value;
}

/** JSON equality with numbers compared by value (int64 1 equals float64 1.0). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (isNumeric(a) && isNumeric(b)) return compareNumeric(a, b) === 0;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]!));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key]!, b[key]!));
  }
  return a === b;
}

export function isNumeric(value: unknown): value is bigint | number {
  return typeof value === 'bigint' || typeof value === 'number';
}

export function compareNumeric(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** unstructured.NestedFieldNoCopy: the value at the path, or undefined; a non-object on the way is undefined. */
export function nestedField(obj: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = obj;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** unstructured.NestedString semantics: [value, found]; a present non-string is an error. */
export function nestedString(obj: JsonValue | undefined, ...path: string[]): string | undefined {
  const value = nestedField(obj, ...path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${path.join('.')} accessor error: ${describeJson(value)} is of the type ${goTypeName(value)}, expected string`);
  return value;
}

/** Go's `%T` name of a decoded JSON value, for error messages that mirror upstream ones. */
export function goTypeName(value: JsonValue): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (isJsonObject(value)) return 'map[string]interface {}';
  switch (typeof value) {
    case 'bigint':
      return 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'string';
  }
}

/** Compact JSON text of a value (bigints as plain integers), for messages. */
export function describeJson(value: JsonValue): string {
  return JSON.stringify(value, (_key, member: unknown) => (typeof member === 'bigint' ? Number(member) : member)) ?? 'null';
}

/**
 * The text Go's encoding/json writes for a float64 (floatEncoder): 'f' format, or 'e' when the
 * magnitude is below 1e-6 or at least 1e21, with a two-digit exponent cleaned to one digit.
 */
export function goJsonFloat(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // JS exponent form is already shortest; Go writes e-07 as e-7 after cleanup, like JS.
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    return `${mantissa}e${exponent}`;
  }
  // In [1e-6, 1e21) JS's shortest form is fixed notation, exactly Go's 'f' with precision -1.
  return String(value);
}

/** Serialise as Go's json.Marshal would (sorted keys), bigints as integers. For inventory and messages. */
export function goJsonMarshal(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return goJsonFloat(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${goJsonMarshal(value[key]!)}`).join(',')}}`;
}
