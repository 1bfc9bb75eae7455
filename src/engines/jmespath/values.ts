/**
 * The value model shared by the JMESPath interpreter and the Kyverno engine: JSON data as Go's
 * encoding/json decodes it into interface{} (numbers are float64 = JS numbers), plus GoInt for the
 * few values Kyverno puts into its context as Go ints (elementIndex, compare()), which Go code
 * treats differently from float64 (e.g. JMESPath `<` on an int gives null).
 */
export class GoInt {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

export type JsonObject = { [key: string]: unknown };
export type Value = null | boolean | number | string | GoInt | Value[] | JsonObject;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof GoInt);
}

/** JMESPath falsiness (go-jmespath util.go isFalse): false, null, "", [], {}. */
export function isFalse(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return value.length === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

/** reflect.DeepEqual over decoded JSON (a GoInt never equals a float64, as in Go). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return !(typeof a === 'number' && Number.isNaN(a));
  if (a instanceof GoInt || b instanceof GoInt) return a instanceof GoInt && b instanceof GoInt && a.value === b.value;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy of decoded JSON (GoInts are immutable and shared). */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneValue(v)) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneValue(v);
    return out as T;
  }
  return value;
}

/** Go's encoding/json Marshal of decoded data (map keys sorted, as Go does; HTML-safe escaping). */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof GoInt) return String(value.value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return goJsonNumber(value);
  if (typeof value === 'string') return goJsonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => goJsonMarshal(v)).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal(value[k])}`).join(',')}}`;
  }
  throw new Error(`json: unsupported type ${typeof value}`);
}

/** encoding/json float64 formatting: like ES but exponents from 1e21 and below 1e-6 use Go's form. */
function goJsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go: strconv 'e' format with a two-digit minimum exponent trimmed of "e-0X" → "e-X"
    let s = n.toExponential();
    s = s.replace(/e([+-])(\d)$/, 'e$10$2');
    // encoding/json cleans e-09 to e-9
    s = s.replace(/e-0(\d)$/, 'e-$1');
    return s;
  }
  return String(n);
}

function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '<' || ch === '>' || ch === '&') out += `\\u00${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}
