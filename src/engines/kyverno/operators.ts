/**
 * Condition operators (kyverno pkg/engine/variables/operator): the key's Go type selects the
 * branch; a nil key makes every operator false; string keys try duration, then quantity, then
 * wildcard; the In family stringifies with fmt.Sprint and matches wildcards both ways; numeric
 * operators fall back to semver. Names are matched case-insensitively, but the numeric and
 * Duration* comparisons only recognise the canonical spellings (as upstream does).
 */
import { deepEqual, GoInt, isObject } from '../jmespath/index.ts';
import { goParseFloat, goParseInt } from '../jmespath/strconv.ts';
import { durationSeconds, secondsToDuration, tryParseDuration } from './go/duration.ts';
import { goSprint } from './go/fmt.ts';
import { compareQuantities, tryParseQuantity } from './go/quantity.ts';
import { compareSemver, parseSemver } from './go/semver.ts';
import { wildcardMatch } from './go/wildcard.ts';
import { operatorOf, validateScalar } from './pattern/scalar.ts';

export type OperatorFn = (key: unknown, value: unknown) => boolean;

const isNumber = (v: unknown): v is number | GoInt => typeof v === 'number' || v instanceof GoInt;
const num = (v: number | GoInt): number => (v instanceof GoInt ? v.value : v);

/** parseDuration: at least one side a duration string other than "0"; a number means seconds. */
function parseDurations(key: unknown, value: unknown): [bigint, bigint] | null {
  let k = typeof key === 'string' && key !== '0' ? tryParseDuration(key) : null;
  let v = typeof value === 'string' && value !== '0' ? tryParseDuration(value) : null;
  if (k === null && v === null) return null;
  if (k === null) {
    if (!isNumber(key)) return null;
    k = secondsToDuration(num(key));
  }
  if (v === null) {
    if (!isNumber(value)) return null;
    v = secondsToDuration(num(value));
  }
  return [k, v];
}

// ---------------------------------------------------------------- Equals / NotEquals

function equal(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value === 'boolean' && key === value;
  if (key instanceof GoInt) return intEquals(key.value, value) ?? false;
  if (typeof key === 'number') return floatEquals(key, value) ?? false;
  if (typeof key === 'string') return stringEquals(key, value, false);
  if (isObject(key)) return isObject(value) && deepEqual(key, value);
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  return false;
}

function notEqual(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value !== 'boolean' || key !== value;
  if (key instanceof GoInt) {
    const r = intEquals(key.value, value);
    return r === null ? true : !r;
  }
  if (typeof key === 'number') {
    const r = floatEquals(key, value);
    return r === null ? true : !r;
  }
  if (typeof key === 'string') return stringEquals(key, value, true);
  if (isObject(key)) return !isObject(value) || !deepEqual(key, value);
  if (Array.isArray(key)) return !Array.isArray(value) || !deepEqual(key, value);
  return false;
}

/** Equal for an int key; null where Go logs "expected type" (Equal → false, NotEqual → true). */
function intEquals(key: number, value: unknown): boolean | null {
  if (value instanceof GoInt) return value.value === key;
  if (typeof value === 'number') return Number.isInteger(value) ? value === key : null;
  if (typeof value === 'string') {
    const n = goParseInt(value);
    return n === null ? null : n === BigInt(key);
  }
  return null;
}

function floatEquals(key: number, value: unknown): boolean | null {
  if (value instanceof GoInt) return Number.isInteger(key) ? value.value === key : null;
  if (typeof value === 'number') return value === key;
  if (typeof value === 'string') {
    const n = goParseFloat(value);
    return n === null ? null : n === key;
  }
  return null;
}

function stringEquals(key: string, value: unknown, negate: boolean): boolean {
  const d = parseDurations(key, value);
  if (d) return negate ? durationSeconds(d[0]) !== durationSeconds(d[1]) : durationSeconds(d[0]) === durationSeconds(d[1]);
  const qKey = tryParseQuantity(key);
  if (qKey !== null && typeof value === 'string') {
    if (negate && value === '') return !wildcardMatch(value, key);
    const qValue = tryParseQuantity(value);
    if (qValue === null) return negate; // no wildcard fallback for a quantity key
    const eq = compareQuantities(qKey, qValue) === 0;
    return negate ? !eq : eq;
  }
  if (typeof value === 'string') return negate ? !wildcardMatch(value, key) : wildcardMatch(value, key);
  return negate;
}

// ---------------------------------------------------------------- In family

/** fmt.Sprint of a scalar key for AnyIn/AllIn/…: null when the key type is unsupported. */
function scalarKeyString(key: unknown): string | null {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean' || key instanceof GoInt) return goSprint(key);
  return null;
}

/** json.Valid + Unmarshal into []string; 'invalid' when valid JSON that is not a string array. */
function parseJsonStringArray(s: string): string[] | 'invalid' | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return null; // not valid JSON
  }
  if (parsed === null) return [];
  if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string' || x === null)) return parsed.map((x) => (x === null ? '' : (x as string)));
  return 'invalid';
}

const matchBoth = (a: string, b: string): boolean => wildcardMatch(a, b) || wildcardMatch(b, a);

/** anyKeyExistsInArray / allKeyExistsInArray (identical for a scalar key): [invalidType, exists]. */
function scalarKeyInValue(key: string, value: unknown): [boolean, boolean] {
  if (Array.isArray(value)) return [false, value.some((v) => matchBoth(goSprint(v), key))];
  if (typeof value === 'string') {
    if (wildcardMatch(value, key)) return [false, true];
    if (operatorOf(value) === '-') return [false, validateScalar(key, value)];
    const parsed = parseJsonStringArray(value);
    if (parsed === 'invalid') return [true, false];
    const arr = parsed ?? [value];
    return [false, arr.some((v) => v === key)];
  }
  return [true, false];
}

function valueStrings(value: unknown): string[] | 'invalid' | { range: string } {
  if (Array.isArray(value)) return value.map((v) => goSprint(v));
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof GoInt) return [goSprint(value)];
  if (typeof value === 'string') {
    if (operatorOf(value) === '-') return { range: value };
    const parsed = parseJsonStringArray(value);
    if (parsed === 'invalid') return 'invalid';
    return parsed ?? [value];
  }
  return 'invalid';
}

const isIn = (k: string, values: string[]) => values.some((v) => matchBoth(k, v));

function setOperator(kind: 'AnyIn' | 'AllIn' | 'AnyNotIn' | 'AllNotIn'): OperatorFn {
  return (key, value) => {
    const scalar = scalarKeyString(key);
    if (scalar !== null) {
      const [invalid, exists] = scalarKeyInValue(scalar, value);
      if (invalid) return false;
      return kind === 'AnyIn' || kind === 'AllIn' ? exists : !exists;
    }
    if (!Array.isArray(key)) return false;
    const keys = key.map((k) => goSprint(k));
    // AllIn/AllNotIn do not accept a scalar number/bool value for a list key
    if ((kind === 'AllIn' || kind === 'AllNotIn') && (typeof value === 'number' || typeof value === 'boolean' || value instanceof GoInt)) return false;
    if (typeof value === 'string' && keys.length === 1 && keys[0] === value) return kind === 'AnyIn' || kind === 'AllIn';
    const values = valueStrings(value);
    if (values === 'invalid') return false;
    if ('range' in values) {
      const range = values.range;
      switch (kind) {
        case 'AnyIn':
          return keys.some((k) => validateScalar(k, range));
        case 'AnyNotIn':
          return keys.some((k) => validateScalar(k, range.replace('-', '!-')));
        case 'AllIn':
          return keys.every((k) => validateScalar(k, range));
        case 'AllNotIn':
          return !keys.some((k) => validateScalar(k, range));
      }
    }
    switch (kind) {
      case 'AnyIn':
        return keys.some((k) => isIn(k, values));
      case 'AllIn':
        return keys.every((k) => isIn(k, values));
      case 'AnyNotIn':
        return keys.some((k) => !isIn(k, values));
      case 'AllNotIn':
        return !keys.some((k) => isIn(k, values));
    }
  };
}

/**
 * json.Unmarshal of a string into a Go []string (In/NotIn read ConfigMap data this way): JSON null is
 * an empty list, a null element is "" (Go leaves it the zero value); undefined when Go errors.
 */
function unmarshalStringList(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string' || x === null)) return undefined;
  return parsed.map((x: string | null) => x ?? '');
}

/** Deprecated In / NotIn: exact set membership for list keys, which must hold only strings. */
function legacyIn(negate: boolean): OperatorFn {
  return (key, value) => {
    const scalar = scalarKeyString(key);
    if (scalar !== null) {
      let exists: boolean;
      if (Array.isArray(value)) exists = value.some((v) => matchBoth(goSprint(v), scalar));
      else if (typeof value === 'string') {
        if (wildcardMatch(value, scalar)) exists = true;
        else {
          const list = unmarshalStringList(value);
          if (list === undefined) return false;
          exists = list.includes(scalar);
        }
      } else return false;
      return negate ? !exists : exists;
    }
    if (!Array.isArray(key)) return false;
    if (!key.every((k) => typeof k === 'string')) {
      // Go does an unchecked type assertion here and panics
      throw new Error(`interface conversion: interface {} is not string (In/NotIn list keys must be strings)`);
    }
    const keys = key as string[];
    let values: string[];
    if (Array.isArray(value)) {
      if (!value.every((v) => typeof v === 'string')) return false;
      values = value as string[];
    } else if (typeof value === 'string') {
      if (keys.length === 1 && keys[0] === value) return true; // both In and NotIn answer "in"
      const list = unmarshalStringList(value);
      if (list === undefined) return false;
      values = list;
    } else return false;
    const set = new Set(values);
    const allIn = keys.every((k) => set.has(k));
    return negate ? !allIn : allIn;
  };
}

// ---------------------------------------------------------------- numeric

type Cmp = (a: number, b: number) => boolean;

const NUMERIC: Record<string, Cmp> = {
  GreaterThanOrEquals: (a, b) => a >= b,
  GreaterThan: (a, b) => a > b,
  LessThanOrEquals: (a, b) => a <= b,
  LessThan: (a, b) => a < b,
};

function numeric(op: string): OperatorFn {
  // compareByCondition switches on the operator as written: other spellings compare false
  const cmp: Cmp = NUMERIC[op] ?? (() => false);
  const numberKey = (key: number, value: unknown): boolean => {
    if (isNumber(value)) return cmp(key, num(value));
    if (typeof value === 'string') {
      const d = parseDurations(key, value);
      if (d) return cmp(durationSeconds(d[0]), durationSeconds(d[1]));
      const f = goParseFloat(value);
      if (f !== null) return cmp(key, f);
      const i = goParseInt(value);
      if (i !== null) return cmp(key, Number(i));
      return false;
    }
    return false;
  };
  return (key, value) => {
    if (isNumber(key)) return numberKey(num(key), value);
    if (typeof key !== 'string') return false;
    const d = parseDurations(key, value);
    if (d) return cmp(durationSeconds(d[0]), durationSeconds(d[1]));
    if (typeof value === 'string') {
      const qk = tryParseQuantity(key);
      const qv = qk ? tryParseQuantity(value) : null;
      if (qk && qv) return cmp(compareQuantities(qk, qv), 0);
    }
    const f = goParseFloat(key);
    if (f !== null) return numberKey(f, value);
    const i = goParseInt(key);
    if (i !== null) return numberKey(Number(i), value);
    const vk = parseSemver(key);
    if (vk) {
      if (typeof value !== 'string') return false;
      const vv = parseSemver(value);
      return vv !== null && cmp(compareSemver(vk, vv), 0);
    }
    return false;
  };
}

const DURATION_OPS: Record<string, (a: bigint, b: bigint) => boolean> = {
  DurationGreaterThanOrEquals: (a, b) => a >= b,
  DurationGreaterThan: (a, b) => a > b,
  DurationLessThanOrEquals: (a, b) => a <= b,
  DurationLessThan: (a, b) => a < b,
};

function durationOperator(op: string): OperatorFn {
  const cmp = DURATION_OPS[op] ?? (() => false);
  const asDuration = (v: unknown): bigint | null => {
    if (isNumber(v)) return secondsToDuration(num(v));
    if (typeof v === 'string') return tryParseDuration(v);
    return null;
  };
  return (key, value) => {
    if (!isNumber(key) && typeof key !== 'string') return false;
    const k = asDuration(key);
    if (k === null) return false;
    const v = asDuration(value);
    return v !== null && cmp(k, v);
  };
}

/** CreateOperatorHandler: null for an unknown operator (the caller reports the error). */
export function operatorHandler(operator: string): OperatorFn | null {
  switch (operator.toLowerCase()) {
    case 'equal':
    case 'equals':
      return equal;
    case 'notequal':
    case 'notequals':
      return notEqual;
    case 'in':
      return legacyIn(false);
    case 'anyin':
      return setOperator('AnyIn');
    case 'allin':
      return setOperator('AllIn');
    case 'notin':
      return legacyIn(true);
    case 'anynotin':
      return setOperator('AnyNotIn');
    case 'allnotin':
      return setOperator('AllNotIn');
    case 'greaterthanorequals':
    case 'greaterthan':
    case 'lessthanorequals':
    case 'lessthan':
      return numeric(operator);
    case 'durationgreaterthanorequals':
    case 'durationgreaterthan':
    case 'durationlessthanorequals':
    case 'durationlessthan':
      return durationOperator(operator);
    default:
      return null;
  }
}
