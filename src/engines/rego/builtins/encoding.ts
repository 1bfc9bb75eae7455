/** json.marshal / json.unmarshal / json.is_valid (v1/topdown/encoding.go), print (a no-op sink here). */
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, isArray, keyOf, valueToString, type Value } from '../values/value.ts';
import { BuiltinError, builtin, operandTypeError, stringArg } from './registry.ts';

/** ast.JSON then encoding/json: sets become arrays, object keys sorted; non-string keys use their Rego text. */
function marshal(v: Value): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsonString(v);
  if (v instanceof RegoNumber) return v.text;
  if (isArray(v)) return '[' + v.map(marshal).join(',') + ']';
  if (v instanceof RegoSet) return '[' + v.sortedValues().map(marshal).join(',') + ']';
  const entries = (v as RegoObject).sortedEntries().map(([k, x]) => [typeof k === 'string' ? k : valueToString(k), x] as const);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return '{' + entries.map(([k, x]) => jsonString(k) + ':' + marshal(x)).join(',') + '}';
}

/** encoding/json string escaping (HTML-safe: <, >, & escaped, U+2028/2029 too). */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function unmarshal(text: string): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (_k, v, ctx?: { source?: string }) => (typeof v === 'number' ? new RegoNumber(ctx?.source ?? String(v)) : v));
  } catch (e) {
    throw new BuiltinError(e instanceof Error ? e.message : String(e));
  }
  return toValue(parsed);
}

function toValue(x: unknown): Value {
  if (x === null || typeof x === 'string' || typeof x === 'boolean' || x instanceof RegoNumber) return x;
  if (Array.isArray(x)) return x.map(toValue);
  const map = new Map<string, readonly [Value, Value]>();
  for (const [k, v] of Object.entries(x as object)) map.set(keyOf(k), [k, toValue(v)]);
  return new RegoObject(map);
}

builtin('json.marshal', ['any'], 'string', ([x]) => marshal(x!));
builtin('json.unmarshal', ['string'], 'any', (a) => unmarshal(stringArg(a, 0)));
builtin('json.is_valid', ['string'], 'boolean', ([x]) => {
  if (typeof x !== 'string') return false;
  try {
    JSON.parse(x);
    return true;
  } catch {
    return false;
  }
});

// print: Gatekeeper enables it only in gator; output goes nowhere here, and it always succeeds.
builtin('print', ['...'], 'boolean', () => true);

export { operandTypeError };

// trace: adds a note to the evaluation trace in OPA; no tracer here, and it always succeeds.
builtin('trace', ['string'], 'boolean', (a) => {
  stringArg(a, 0);
  return true;
});
