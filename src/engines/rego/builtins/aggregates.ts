/** Aggregates (v1/topdown/aggregates.go): count, sum, product, max, min, sort. */
import { arith, intNumber, RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, compareValues, isArray, type Value } from '../values/value.ts';
import { builtin, operandElementError, operandTypeError } from './registry.ts';

builtin('count', ['any<string, array, object, set>'], 'number', ([x]) => {
  if (typeof x === 'string') return intNumber([...x].length);
  if (isArray(x)) return intNumber(x.length);
  if (x instanceof RegoObject || x instanceof RegoSet) return intNumber(x.size);
  throw operandTypeError(1, x!, 'array', 'object', 'set', 'string');
});

function numbersOf(x: Value): RegoNumber[] {
  let items: readonly Value[];
  if (isArray(x)) items = x;
  else if (x instanceof RegoSet) items = x.sortedValues();
  else throw operandTypeError(1, x, 'set', 'array');
  return items.map((v) => {
    if (!(v instanceof RegoNumber)) throw operandElementError(1, x, v, 'number');
    return v;
  });
}

builtin('sum', ['any<array[number], set[number]>'], 'number', ([x]) => numbersOf(x!).reduce((acc, n) => arith('plus', acc, n), intNumber(0)));
builtin('product', ['any<array[number], set[number]>'], 'number', ([x]) => numbersOf(x!).reduce((acc, n) => arith('mul', acc, n), intNumber(1)));

function extreme(x: Value, sign: number): Value | undefined {
  let items: readonly Value[];
  if (isArray(x)) items = x;
  else if (x instanceof RegoSet) items = x.sortedValues();
  else throw operandTypeError(1, x, 'set', 'array');
  let best: Value | undefined;
  for (const v of items) if (best === undefined || compareValues(v, best) * sign > 0) best = v;
  return best; // empty → undefined
}
builtin('max', ['any<array[any], set[any]>'], 'any', ([x]) => extreme(x!, 1));
builtin('min', ['any<array[any], set[any]>'], 'any', ([x]) => extreme(x!, -1));

builtin('sort', ['any<array[any], set[any]>'], 'array[any]', ([x]) => {
  if (isArray(x)) return [...x].sort(compareValues);
  if (x instanceof RegoSet) return [...x.sortedValues()];
  throw operandTypeError(1, x!, 'set', 'array');
});
