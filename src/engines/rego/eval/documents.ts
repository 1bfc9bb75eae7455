/** Reading and patching documents: `v[key]` lookups and `with`'s path replacement. */
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, type Value, isArray, keyOf } from '../values/value.ts';

/** `v[key]`: array by integer index, object by key, set membership (the element itself). */
export function lookup(v: Value, key: Value): Value | undefined {
  if (isArray(v)) {
    if (!(key instanceof RegoNumber)) return undefined;
    const i = key.small;
    if (i === undefined) {
      if (!key.isInteger()) return undefined;
      const n = key.exact.n;
      if (n < 0n || n >= BigInt(v.length)) return undefined;
      return v[Number(n)];
    }
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (v instanceof RegoObject) return v.get(key);
  if (v instanceof RegoSet) return v.has(key) ? key : undefined;
  return undefined;
}

/** A copy of `doc` with `path` set to `value` (objects created along the way). */
export function setPath(doc: Value | undefined, path: readonly string[], value: Value): Value {
  if (path.length === 0) return value;
  const [first, ...rest] = path as [string, ...string[]];
  const base = doc instanceof RegoObject ? doc : undefined;
  const map = new Map<string, readonly [Value, Value]>(base ? base.map : []);
  map.set(keyOf(first), [first, setPath(base?.getString(first), rest, value)]);
  return new RegoObject(map);
}
