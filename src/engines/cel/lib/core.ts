// Core-language corrections to cel-js where it differs from cel-go: has() on any select operand,
// int(double) range errors, Go's double, duration and timestamp string forms,
// optional.ofNonZeroValue and optional equality.
import { Optional, type ASTNode, type Environment } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import type { CelLibrary } from '../environment.ts';
import { celEquals } from './equality.ts';
import { durationString, goFormatFloat, timestampString } from './format-string.ts';

const replace = { replace: true } as const;

// cel-js's internal checker/evaluator objects, as far as the has() macro uses them.
interface MacroChecker {
  check(node: ASTNode, ctx: unknown): unknown;
  getType(name: string): unknown;
  createError(code: string, message: string, node: ASTNode): Error;
}
interface MacroEvaluator {
  run(node: ASTNode, ctx: unknown): unknown;
  debugType(value: unknown): { fieldLazy(value: unknown, key: string, node: ASTNode, ev: MacroEvaluator): unknown };
}
interface HasMacro {
  readonly args: ASTNode[];
}

// cel-go's has(e.f): e is any expression (cel-js only accepts identifier-rooted chains); errors
// evaluating e propagate; the test is key presence for maps (a null value is present), field
// presence for objects, false for other values (errorOnBadPresenceTest is off in Kubernetes).
function hasTypeCheck(checker: MacroChecker, macro: HasMacro, ctx: unknown): unknown {
  const select = macro.args[0]!;
  if (select.op !== '.') throw checker.createError('invalid_macro_argument', 'invalid argument to has() macro', select);
  checker.check((select.args as [ASTNode, string])[0], ctx);
  return checker.getType('bool');
}

function hasEvaluate(ev: MacroEvaluator, macro: HasMacro, ctx: unknown): boolean {
  const select = macro.args[0]!;
  const [operand, field] = select.args as [ASTNode, string];
  let target = ev.run(operand, ctx);
  if (target instanceof Optional) {
    if (!target.hasValue()) return false;
    target = target.value();
  }
  return ev.debugType(target).fieldLazy(target, field, select, ev) !== undefined;
}

// cel-go types.IsZeroValue as optional.ofNonZeroValue uses it.
function isZeroValue(value: unknown): boolean {
  if (value === null || value === false || value === '' || value === 0n || value === 0) return true;
  if (value instanceof UnsignedInt) return value.value === 0n;
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length === 0;
  if (value instanceof Map || value instanceof Set) return value.size === 0;
  if (value instanceof Duration) return value.seconds === 0n && value.nanos === 0;
  if (value instanceof Date) return value.getTime() === 0;
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return Object.keys(value).length === 0;
  }
  return false;
}

const INT64_LIMIT = 2 ** 63;
export const coreLibrary: CelLibrary = {
  name: 'kube-policy-compiler core corrections',
  install(env: Environment) {
    env.registerFunction(
      'has(ast): bool',
      ({ args }: { args: ASTNode[] }) => ({ args, async: false, typeCheck: hasTypeCheck, evaluate: hasEvaluate }),
      replace,
    );
    // cel-go doubleToInt64Checked: NaN, ±Inf and values outside (-2^63, 2^63) are an overflow.
    env.registerFunction(
      'int(double): int',
      (value: number) => {
        if (!Number.isFinite(value) || value <= -INT64_LIMIT || value >= INT64_LIMIT) throw new Error('integer overflow');
        return BigInt(Math.trunc(value));
      },
      replace,
    );
    env.registerFunction('string(double): string', (value: number) => goFormatFloat(value), replace);
    env.registerFunction('string(google.protobuf.Duration): string', (value: Duration) => durationString(value));
    env.registerFunction('string(google.protobuf.Timestamp): string', (value: Date) => timestampString(value));
    env.registerFunction('OptionalNamespace.ofNonZeroValue(A): optional<A>', (_ns: unknown, value: unknown) =>
      isZeroValue(value) ? Optional.none() : Optional.of(value),
    );
    // cel-go Optional.Equal: both empty, or both present with equal values.
    env.registerOperator('optional<dyn> == optional<dyn>', (a: Optional, b: Optional) => celEquals(a, b));
  },
};
