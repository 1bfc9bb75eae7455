/**
 * The builtin registry (after OPA's topdown: one small function per builtin, its signature declared
 * once). Evaluation never looks inside a builtin; a builtin never sees the evaluator, only its
 * argument values and a small context.
 */
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, typeName, type Value } from '../values/value.ts';

/** What a builtin may use from the evaluation (limits, the strict flag, caches). */
export interface BuiltinContext {
  /** Called for every unit of work a builtin does on big inputs; throws when a limit is hit. */
  readonly charge: (units: number) => void;
  /** Largest collection a builtin may build. */
  readonly maxCollectionSize: number;
}

export interface BuiltinDef {
  /** e.g. `sprintf`, `object.get`, `internal.member_2`, `plus` */
  readonly name: string;
  /** Operator spelling for infix builtins, e.g. `+` (for messages). */
  readonly infix?: string;
  /** Declared operand types (OPA's types), for documentation and arity. */
  readonly args: readonly string[];
  readonly result: string;
  readonly impl: (args: readonly Value[], ctx: BuiltinContext) => Value | undefined;
}

/**
 * A builtin's failure. `type` errors are OPA's operand type errors (eval_type_error); the rest are
 * eval_builtin_error. Either makes the call undefined unless strict builtin errors are on.
 */
export class BuiltinError extends Error {
  constructor(
    message: string,
    readonly type: boolean = false,
  ) {
    super(message);
  }
}

const REGISTRY = new Map<string, BuiltinDef>();

export function register(def: BuiltinDef): void {
  if (REGISTRY.has(def.name)) throw new Error(`builtin ${def.name} registered twice`);
  REGISTRY.set(def.name, def);
}

export function builtin(name: string, args: readonly string[], result: string, impl: BuiltinDef['impl'], infix?: string): void {
  register({ name, args, result, impl, infix });
}

export function lookupBuiltin(name: string): BuiltinDef | undefined {
  return REGISTRY.get(name);
}

export function allBuiltins(): readonly BuiltinDef[] {
  return [...REGISTRY.values()];
}

// ---- operand helpers: OPA's builtins.NewOperandTypeErr messages ----

export function operandTypeError(pos: number, got: Value, ...expected: string[]): BuiltinError {
  const exp = expected.length === 1 ? `must be ${expected[0]}` : `must be one of {${expected.join(', ')}}`;
  return new BuiltinError(`operand ${pos} ${exp} but got ${typeName(got)}`, true);
}

export function operandError(pos: number, message: string): BuiltinError {
  return new BuiltinError(`operand ${pos} ${message}`, true);
}

export function stringArg(args: readonly Value[], i: number): string {
  const v = args[i]!;
  if (typeof v !== 'string') throw operandTypeError(i + 1, v, 'string');
  return v;
}

export function numberArg(args: readonly Value[], i: number): RegoNumber {
  const v = args[i]!;
  if (!(v instanceof RegoNumber)) throw operandTypeError(i + 1, v, 'number');
  return v;
}

export function arrayArg(args: readonly Value[], i: number): readonly Value[] {
  const v = args[i]!;
  if (!Array.isArray(v)) throw operandTypeError(i + 1, v, 'array');
  return v as readonly Value[];
}

export function objectArg(args: readonly Value[], i: number): RegoObject {
  const v = args[i]!;
  if (!(v instanceof RegoObject)) throw operandTypeError(i + 1, v, 'object');
  return v;
}

export function setArg(args: readonly Value[], i: number): RegoSet {
  const v = args[i]!;
  if (!(v instanceof RegoSet)) throw operandTypeError(i + 1, v, 'set');
  return v;
}

export function booleanArg(args: readonly Value[], i: number): boolean {
  const v = args[i]!;
  if (typeof v !== 'boolean') throw operandTypeError(i + 1, v, 'boolean');
  return v;
}

/** A number operand that must be an integer (builtins.IntOperand): "operand N must be integer number but got floating-point number". */
export function intArg(args: readonly Value[], i: number): bigint {
  const n = numberArg(args, i);
  if (!n.isInteger()) throw operandError(i + 1, 'must be integer number but got floating-point number');
  return n.small !== undefined ? BigInt(n.small) : n.exact.n;
}

/** Strings of an array or set operand (builtins.StringSliceOperand). */
export function stringsOf(args: readonly Value[], i: number): string[] {
  const v = args[i]!;
  let items: readonly Value[];
  if (Array.isArray(v)) items = v as readonly Value[];
  else if (v instanceof RegoSet) items = v.sortedValues();
  else throw operandTypeError(i + 1, v, 'array', 'set');
  return items.map((x) => {
    if (typeof x !== 'string') throw operandElementError(i + 1, v, x, 'string');
    return x;
  });
}

/** builtins.NewOperandElementErr: "operand 2 must be array of strings but got array containing number". */
export function operandElementError(pos: number, composite: Value, got: Value, expected: string): BuiltinError {
  const t = typeName(composite);
  return new BuiltinError(`operand ${pos} must be ${t} of ${expected}s but got ${t} containing ${typeName(got)}`, true);
}
