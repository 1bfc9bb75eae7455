// Kubernetes' list library (apiserver/pkg/cel/library/lists.go, version 0 as the base environment
// configures it): isSorted, sum, min, max, indexOf, lastIndexOf.
import type { Environment } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { chargeCall } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import { celTypeName } from '../values.ts';
import { celCompare, celEquals } from './equality.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

// cel-go's Adder for the summable types (int, uint, double, duration), with overflow errors.
function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const sum = a + b;
    if (sum < INT64_MIN || sum > INT64_MAX) throw new Error('integer overflow');
    return sum;
  }
  if (a instanceof UnsignedInt && b instanceof UnsignedInt) {
    const sum = a.value + b.value;
    if (sum > UINT64_MAX) throw new Error('unsigned integer overflow');
    return new UnsignedInt(sum);
  }
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a instanceof Duration && b instanceof Duration) return a.addDuration(b);
  throw new Error(`no such overload: ${celTypeName(a)} + ${celTypeName(b)}`);
}

// The zero of the overload cel-go dispatches to: the element type, int for an empty list.
function zeroLike(first: unknown): unknown {
  if (first instanceof UnsignedInt) return new UnsignedInt(0n);
  if (typeof first === 'number') return 0;
  if (first instanceof Duration) return new Duration(0n, 0);
  return 0n;
}

function extreme(list: readonly unknown[], name: string, prefer: number): unknown {
  if (list.length === 0) throw new Error(`${name} called on empty list`);
  let result = list[0];
  for (let i = 1; i < list.length; i++) {
    if (celCompare(result, list[i]) === prefer) result = list[i];
  }
  return result;
}

export const listsLibrary: CelLibrary = {
  name: 'kubernetes.lists',
  install(env: Environment) {
    const traverse = (list: readonly unknown[]) => chargeCall(list.length);
    env.registerFunction('list<A>.isSorted(): bool', (list: unknown[]) => {
      traverse(list);
      for (let i = 1; i < list.length; i++) if (celCompare(list[i - 1], list[i]) === 1) return false;
      return true;
    });
    env.registerFunction('list<A>.sum(): A', (list: unknown[]) => {
      traverse(list);
      let total = zeroLike(list[0]);
      for (const item of list) total = add(total, item);
      return total;
    });
    env.registerFunction('list<A>.min(): A', (list: unknown[]) => (traverse(list), extreme(list, 'min', 1)));
    env.registerFunction('list<A>.max(): A', (list: unknown[]) => (traverse(list), extreme(list, 'max', -1)));
    env.registerFunction('list<A>.indexOf(A): int', (list: unknown[], item: unknown) => {
      traverse(list);
      return BigInt(list.findIndex((x) => celEquals(x, item)));
    });
    env.registerFunction('list<A>.lastIndexOf(A): int', (list: unknown[], item: unknown) => {
      traverse(list);
      return BigInt(list.findLastIndex((x) => celEquals(x, item)));
    });
  },
};
