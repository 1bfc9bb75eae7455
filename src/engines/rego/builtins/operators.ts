/** Infix operators and arithmetic (v1/topdown/compare.go, arithmetic.go, binary.go, sets.go, builtins.go member). */
import { arith, arithUnary, ArithmeticError, type ArithOp } from '../values/number.ts';
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, compareValues, isArray, type Value } from '../values/value.ts';
import { BuiltinError, builtin, numberArg, operandTypeError, setArg } from './registry.ts';

const cmp = (name: string, infix: string, test: (c: number) => boolean) =>
  builtin(name, ['any', 'any'], 'boolean', ([a, b]) => test(compareValues(a!, b!)), infix);
cmp('equal', '==', (c) => c === 0);
cmp('neq', '!=', (c) => c !== 0);
cmp('lt', '<', (c) => c < 0);
cmp('gt', '>', (c) => c > 0);
cmp('lte', '<=', (c) => c <= 0);
cmp('gte', '>=', (c) => c >= 0);

function arithmetic(op: ArithOp, a: RegoNumber, b: RegoNumber): RegoNumber {
  try {
    return arith(op, a, b);
  } catch (e) {
    if (e instanceof ArithmeticError) throw new BuiltinError(e.message);
    throw e;
  }
}

const binary = (name: string, infix: string, op: ArithOp) =>
  builtin(name, ['number', 'number'], 'number', (args) => arithmetic(op, numberArg(args, 0), numberArg(args, 1)), infix);
binary('plus', '+', 'plus');
binary('mul', '*', 'mul');
binary('div', '/', 'div');
binary('rem', '%', 'rem');

// `-` is number subtraction or set difference (builtinMinus).
builtin(
  'minus',
  ['any<number, set>', 'any<number, set>'],
  'any<number, set>',
  ([a, b]) => {
    if (a instanceof RegoNumber && b instanceof RegoNumber) return arithmetic('minus', a, b);
    if (a instanceof RegoSet && b instanceof RegoSet) {
      const map = new Map(a.map);
      for (const k of b.map.keys()) map.delete(k);
      return new RegoSet(map);
    }
    if (!(a instanceof RegoNumber) && !(a instanceof RegoSet)) throw operandTypeError(1, a!, 'number', 'set');
    if (b instanceof RegoNumber) throw operandTypeError(2, b, 'set');
    throw operandTypeError(2, b!, 'number');
  },
  '-',
);

for (const op of ['abs', 'round', 'ceil', 'floor'] as const) {
  builtin(op, ['number'], 'number', (args) => arithUnary(op, numberArg(args, 0)));
}

// `&` and `|` on sets (binary.go)
builtin(
  'and',
  ['set', 'set'],
  'set',
  (args) => {
    const a = setArg(args, 0);
    const b = setArg(args, 1);
    const map = new Map<string, Value>();
    for (const [k, v] of a.map) if (b.map.has(k)) map.set(k, v);
    return new RegoSet(map);
  },
  '&',
);
builtin(
  'or',
  ['set', 'set'],
  'set',
  (args) => {
    const a = setArg(args, 0);
    const b = setArg(args, 1);
    return new RegoSet(new Map([...a.map, ...b.map]));
  },
  '|',
);

builtin('union', ['set[set]'], 'set', (args) => {
  const sets = setArg(args, 0);
  const map = new Map<string, Value>();
  for (const s of sets.sortedValues()) {
    if (!(s instanceof RegoSet)) throw operandTypeError(1, s, 'set');
    for (const [k, v] of s.map) map.set(k, v);
  }
  return new RegoSet(map);
});

builtin('intersection', ['set[set]'], 'set', (args) => {
  const sets = setArg(args, 0);
  let acc: Map<string, Value> | undefined;
  for (const s of sets.sortedValues()) {
    if (!(s instanceof RegoSet)) throw operandTypeError(1, s, 'set');
    if (!acc) acc = new Map(s.map);
    else for (const k of [...acc.keys()]) if (!s.map.has(k)) acc.delete(k);
  }
  return new RegoSet(acc ?? new Map());
});

// `x in xs` / `k, v in xs` (builtinMember, builtinMemberWithKey)
builtin('internal.member_2', ['any', 'any'], 'boolean', ([x, c]) => {
  if (c instanceof RegoSet) return c.has(x!);
  if (isArray(c)) return c.some((e) => compareValues(e, x!) === 0);
  if (c instanceof RegoObject) return [...c.map.values()].some(([, v]) => compareValues(v, x!) === 0);
  return false;
});
builtin('internal.member_3', ['any', 'any', 'any'], 'boolean', ([k, v, c]) => {
  let actual: Value | undefined;
  if (c instanceof RegoObject) actual = c.get(k!);
  else if (isArray(c)) {
    if (k instanceof RegoNumber && k.small !== undefined && k.small >= 0 && k.small < c.length) actual = c[k.small];
  } else if (c instanceof RegoSet) actual = c.has(k!) ? k : undefined;
  return actual !== undefined && compareValues(actual, v!) === 0;
});
