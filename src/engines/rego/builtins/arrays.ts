/** Array builtins (v1/topdown/array.go) and numbers.range (numbers.go). */
import { intNumber } from '../values/number.ts';
import type { Value } from '../values/value.ts';
import { RegoEvalError } from '../errors.ts';
import { arrayArg, builtin, intArg } from './registry.ts';

builtin('array.concat', ['array[any]', 'array[any]'], 'array[any]', (a) => [...arrayArg(a, 0), ...arrayArg(a, 1)]);

builtin('array.slice', ['array[any]', 'number', 'number'], 'array[any]', (a) => {
  const arr = arrayArg(a, 0);
  let start = intArg(a, 1);
  let stop = intArg(a, 2);
  const len = BigInt(arr.length);
  if (start < 0n) start = 0n;
  if (stop > len) stop = len;
  if (start >= stop) return [];
  return arr.slice(Number(start), Number(stop));
});

builtin('array.reverse', ['array[any]'], 'array[any]', (a) => [...arrayArg(a, 0)].reverse());

builtin('numbers.range', ['number', 'number'], 'array[number]', (a, ctx) => {
  const x = intArg(a, 0);
  const y = intArg(a, 1);
  const n = (x > y ? x - y : y - x) + 1n;
  // a limit is a hard error, never a soft (undefined) builtin error
  if (n > BigInt(ctx.maxCollectionSize)) throw new RegoEvalError('eval_limit_error', `numbers.range: ${n} numbers exceed limits.maxCollectionSize (${ctx.maxCollectionSize})`);
  ctx.charge(Number(n));
  const out: Value[] = [];
  const step = x <= y ? 1n : -1n;
  for (let i = x; step > 0n ? i <= y : i >= y; i += step) out.push(intNumber(i));
  return out;
});
