/**
 * The standard JMESPath functions as go-jmespath (kyverno fork, functions.go) implements them,
 * including its quirks: `keys`/`values` follow map order (random in Go; insertion order here),
 * `contains` compares with Go `==`, `to_number` uses strconv.ParseFloat and gives null on failure.
 */
import { ExpRef, isGoError, JmesRuntimeError, NotFoundError, type FunctionEntry, type Interpreter } from './interpreter.ts';
import { goCompareStrings, goParseFloat, runeCount } from './strconv.ts';
import { GoInt, goJsonMarshal, isObject } from './values.ts';

function entry(name: string, args: FunctionEntry['args'], handler: FunctionEntry['handler']): FunctionEntry {
  return { name, args, handler };
}

const one = (...types: FunctionEntry['args'][number]['types']) => ({ types });

/** Go `==` on two interface{} values holding JSON scalars; maps and slices are not comparable. */
function goInterfaceEqual(a: unknown, b: unknown): boolean {
  if ((Array.isArray(a) || isObject(a)) && (Array.isArray(b) || isObject(b))) {
    throw new JmesRuntimeError('runtime error: comparing uncomparable type');
  }
  if (a instanceof GoInt || b instanceof GoInt) return a instanceof GoInt && b instanceof GoInt && a.value === b.value;
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

function evalExpRef(interpreter: Interpreter, ref: unknown, value: unknown): unknown {
  try {
    return interpreter.execute((ref as ExpRef).node, value);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

function byExpr(kind: 'number' | 'string', interpreter: Interpreter, ref: unknown, items: unknown[]): unknown[] {
  const keyed = items.map((item) => {
    let key: unknown;
    try {
      key = interpreter.execute((ref as ExpRef).node, item);
    } catch (error) {
      if (!isGoError(error)) throw error;
      throw new JmesRuntimeError('error in sort_by comparison');
    }
    if (typeof key !== kind) throw new JmesRuntimeError('error in sort_by comparison');
    return { item, key: key as number | string };
  });
  const stable = keyed.map((k, i) => ({ ...k, i }));
  stable.sort((a, b) => {
    const c = kind === 'number' ? (a.key as number) - (b.key as number) : goCompareStrings(a.key as string, b.key as string);
    return c !== 0 && !Number.isNaN(c) ? c : a.i - b.i;
  });
  return stable.map((k) => k.item);
}

function extremeBy(better: (c: number) => boolean, interpreter: Interpreter, items: unknown[], ref: unknown): unknown {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0];
  const start = evalExpRef(interpreter, ref, items[0]);
  if (typeof start !== 'number' && typeof start !== 'string') throw new JmesRuntimeError('invalid type, must be number of string');
  let bestVal = start;
  let bestItem = items[0];
  for (const item of items.slice(1)) {
    const current = evalExpRef(interpreter, ref, item);
    if (typeof current !== typeof start) throw new JmesRuntimeError(`invalid type, must be ${typeof start}`);
    const c = typeof start === 'number' ? Math.sign((current as number) - (bestVal as number)) : goCompareStrings(current as string, bestVal as string);
    if (better(c)) {
      bestVal = current as number | string;
      bestItem = item;
    }
  }
  return bestItem;
}

function extreme(better: (c: number) => boolean, items: unknown[]): unknown {
  if (items.length === 0) return null;
  let best = items[0] as number | string;
  for (const item of items.slice(1) as (number | string)[]) {
    const c = typeof item === 'number' ? Math.sign(item - (best as number)) : goCompareStrings(item, best as string);
    if (better(c)) best = item;
  }
  return best;
}

export const STANDARD_FUNCTIONS: readonly FunctionEntry[] = [
  entry('length', [one('string', 'array', 'object')], ([arg]) => {
    if (typeof arg === 'string') return runeCount(arg);
    if (Array.isArray(arg)) return arg.length;
    if (isObject(arg)) return Object.keys(arg).length;
    throw new JmesRuntimeError('could not compute length()');
  }),
  entry('starts_with', [one('string'), one('string')], ([s, p]) => (s as string).startsWith(p as string)),
  entry('abs', [one('number')], ([n]) => Math.abs(n as number)),
  entry('avg', [one('array[number]')], ([a]) => (a as number[]).reduce((x, y) => x + y, 0) / (a as number[]).length),
  entry('ceil', [one('number')], ([n]) => Math.ceil(n as number)),
  entry('contains', [one('array', 'string'), one('any')], ([search, el]) => {
    if (typeof search === 'string') return typeof el === 'string' ? search.includes(el) : false;
    return (search as unknown[]).some((item) => goInterfaceEqual(item, el));
  }),
  entry('ends_with', [one('string'), one('string')], ([s, p]) => (s as string).endsWith(p as string)),
  entry('floor', [one('number')], ([n]) => Math.floor(n as number)),
  entry('map', [one('expref'), one('array')], ([ref, arr], interpreter) => (arr as unknown[]).map((v) => evalExpRef(interpreter, ref, v))),
  entry('max', [one('array[number]', 'array[string]')], ([a]) => extreme((c) => c > 0, a as unknown[])),
  entry('merge', [{ types: ['object'], variadic: true }], (args) => {
    const out: Record<string, unknown> = {};
    for (const m of args) {
      if (!isObject(m)) throw new JmesRuntimeError('interface conversion: interface {} is not map[string]interface {}');
      Object.assign(out, m);
    }
    return out;
  }),
  entry('max_by', [one('array'), one('expref')], ([arr, ref], interpreter) => extremeBy((c) => c > 0, interpreter, arr as unknown[], ref)),
  entry('sum', [one('array[number]')], ([a]) => (a as number[]).reduce((x, y) => x + y, 0)),
  entry('min', [one('array[number]', 'array[string]')], ([a]) => extreme((c) => c < 0, a as unknown[])),
  entry('min_by', [one('array'), one('expref')], ([arr, ref], interpreter) => extremeBy((c) => c < 0, interpreter, arr as unknown[], ref)),
  entry('type', [one('any')], ([arg]) => {
    if (typeof arg === 'number') return 'number';
    if (typeof arg === 'string') return 'string';
    if (Array.isArray(arg)) return 'array';
    if (isObject(arg)) return 'object';
    if (arg === null || arg === undefined) return 'null';
    if (typeof arg === 'boolean') return 'boolean';
    throw new JmesRuntimeError('unknown type');
  }),
  // Go map iteration order is random; insertion order is the one reproducible choice.
  entry('keys', [one('object')], ([m]) => Object.keys(m as object)),
  entry('values', [one('object')], ([m]) => Object.values(m as object)),
  entry('sort', [one('array[string]', 'array[number]')], ([a]) => {
    const items = [...(a as (number | string)[])];
    if (items.every((x) => typeof x === 'number')) return (items as number[]).map((x, i) => ({ x, i })).sort((p, q) => (p.x < q.x ? -1 : p.x > q.x ? 1 : p.i - q.i)).map((p) => p.x);
    return (items as string[]).map((x, i) => ({ x, i })).sort((p, q) => goCompareStrings(p.x, q.x) || p.i - q.i).map((p) => p.x);
  }),
  entry('sort_by', [one('array'), one('expref')], ([arr, ref], interpreter) => {
    const items = arr as unknown[];
    if (items.length <= 1) return items;
    const start = evalExpRef(interpreter, ref, items[0]);
    if (typeof start === 'number') return byExpr('number', interpreter, ref, items);
    if (typeof start === 'string') return byExpr('string', interpreter, ref, items);
    throw new JmesRuntimeError('invalid type, must be number of string');
  }),
  entry('join', [one('string'), one('array[string]')], ([sep, a]) => (a as string[]).join(sep as string)),
  entry('reverse', [one('array', 'string')], ([a]) => (typeof a === 'string' ? Array.from(a).reverse().join('') : [...(a as unknown[])].reverse())),
  entry('to_array', [one('any')], ([a]) => (Array.isArray(a) ? a : [a ?? null])),
  entry('to_string', [one('any')], ([a]) => (typeof a === 'string' ? a : goJsonMarshal(a))),
  entry('to_number', [one('any')], ([a]) => {
    if (typeof a === 'number') return a;
    if (typeof a === 'string') return goParseFloat(a);
    if (a instanceof GoInt) throw new JmesRuntimeError('unknown type');
    return null;
  }),
  entry('not_null', [{ types: ['any'], variadic: true }], (args) => args.find((a) => a !== null && a !== undefined) ?? null),
];
