/** Object builtins (v1/topdown/object.go). */
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, isArray, keyOf, type Value } from '../values/value.ts';
import { builtin, objectArg, operandTypeError } from './registry.ts';

/** One step of an object.get path: objects by key, arrays by integer index, sets by membership. */
function step(v: Value, key: Value): Value | undefined {
  if (v instanceof RegoObject) return v.get(key);
  if (isArray(v)) {
    if (!(key instanceof RegoNumber) || !key.isInteger()) return undefined;
    const i = key.small ?? Number(key.exact.n);
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (v instanceof RegoSet) return v.has(key) ? key : undefined;
  return undefined;
}

builtin('object.get', ['object[any: any]', 'any', 'any'], 'any', (a) => {
  const obj = objectArg(a, 0);
  const key = a[1]!;
  const def = a[2]!;
  if (!isArray(key)) return obj.get(key) ?? def;
  // An empty path returns the object itself (upstream returns operands[0]).
  if (key.length === 0) return obj;
  let cur: Value = obj;
  for (const k of key) {
    const next = step(cur, k);
    if (next === undefined) return def;
    cur = next;
  }
  return cur;
});

builtin('object.keys', ['object[any: any]'], 'set[any]', (a) => RegoSet.of(objectArg(a, 0).sortedEntries().map(([k]) => k)));

/** object.union: b's keys win; nested objects merge recursively (mergeWithOverwrite). */
function merge(a: RegoObject, b: RegoObject): RegoObject {
  const map = new Map(a.map);
  for (const [id, [k, v]] of b.map) {
    const prev = map.get(id);
    if (prev && prev[1] instanceof RegoObject && v instanceof RegoObject) map.set(id, [k, merge(prev[1], v)]);
    else map.set(id, [k, v]);
  }
  return new RegoObject(map);
}
builtin('object.union', ['object[any: any]', 'object[any: any]'], 'any', (a) => merge(objectArg(a, 0), objectArg(a, 1)));
builtin('object.union_n', ['array[object[any: any]]'], 'any', (a) => {
  const list = a[0]!;
  if (!isArray(list)) throw operandTypeError(1, list, 'array');
  let acc = new RegoObject();
  for (const o of list) {
    if (!(o instanceof RegoObject)) throw operandTypeError(1, o, 'object');
    acc = merge(acc, o);
  }
  return acc;
});

/** Keys given as an array, a set, or an object's keys. */
function keysOf(a: readonly Value[], i: number): Value[] {
  const v = a[i]!;
  if (isArray(v)) return [...v];
  if (v instanceof RegoSet) return [...v.sortedValues()];
  if (v instanceof RegoObject) return v.sortedEntries().map(([k]) => k);
  throw operandTypeError(i + 1, v, 'object', 'set', 'array');
}
builtin('object.remove', ['object[any: any]', 'any<array[any], object[any: any], set[any]>'], 'object[any: any]', (a) => {
  const obj = objectArg(a, 0);
  const map = new Map(obj.map);
  for (const k of keysOf(a, 1)) map.delete(keyOf(k));
  return new RegoObject(map);
});
builtin('object.filter', ['object[any: any]', 'any<array[any], object[any: any], set[any]>'], 'object[any: any]', (a) => {
  const obj = objectArg(a, 0);
  const map = new Map<string, readonly [Value, Value]>();
  for (const k of keysOf(a, 1)) {
    const e = obj.map.get(keyOf(k));
    if (e) map.set(keyOf(k), e);
  }
  return new RegoObject(map);
});
