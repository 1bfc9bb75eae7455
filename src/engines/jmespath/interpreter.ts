/**
 * Tree interpreter with the semantics of Kyverno's go-jmespath fork (interpreter.go): a field
 * lookup on a map that lacks the key is a NotFoundError ("Unknown key"), which only some
 * constructs swallow (comparators, function arguments, projections, filters, multi-selects, `||`
 * left side, `&&`/`!` operands, pipes); a subexpression propagates it.
 */
import { spendWork } from '../../util/budget.ts';
import type { AstNode } from './parser.ts';
import { deepEqual, GoInt, isFalse, isObject, type Value } from './values.ts';

/**
 * The fork's NotFoundError: `Unknown key "x" in path`. Thrown for every missing key a query meets
 * (control flow, mostly swallowed), so it carries no stack trace.
 */
export class NotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`Unknown key "${key}" in path`);
    Error.stackTraceLimit = limit;
    this.key = key;
    this.name = 'NotFoundError';
  }
}

/** A JMESPath run-time error other than NotFound (bad types, unknown functions, …). */
export class JmesRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JmesRuntimeError';
  }
}

/**
 * Errors that stand for Go `error` values (which the fork swallows in some places). Anything else
 * — limits, unsupported features, bugs — always propagates.
 */
export function isGoError(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof JmesRuntimeError && !(error instanceof JmesLimitError));
}

/** The interpreter's own work bound was hit: never swallowed like an evaluation error. */
export class JmesLimitError extends JmesRuntimeError {
  constructor(message: string) {
    super(message);
    this.name = 'JmesLimitError';
  }
}

export class ExpRef {
  constructor(readonly node: AstNode) {}
}

/** What a function handler receives: evaluated arguments, plus the interpreter for exprefs. */
export type FunctionHandler = (args: unknown[], interpreter: Interpreter) => unknown;

export type ArgType = 'number' | 'string' | 'array' | 'object' | 'array[number]' | 'array[string]' | 'expref' | 'any';

export interface FunctionEntry {
  readonly name: string;
  readonly args: readonly { readonly types: readonly ArgType[]; readonly variadic?: boolean }[];
  readonly handler: FunctionHandler;
}

/** Bound on the work one search may do; runaway expressions end in an error. */
const MAX_STEPS = 5_000_000;
const MAX_DEPTH = 500;

export class Interpreter {
  private steps = 0;
  private depth = 0;

  constructor(private readonly functions: ReadonlyMap<string, FunctionEntry>) {}

  execute(node: AstNode, value: unknown): unknown {
    if (++this.steps > MAX_STEPS) throw new JmesLimitError('JMESPath evaluation exceeded its step limit');
    spendWork(1); // the caller's bound over many searches (a Kyverno rule's foreach, say)
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      throw new JmesLimitError('JMESPath evaluation nested too deeply');
    }
    try {
      return this.eval(node, value);
    } finally {
      this.depth--;
    }
  }

  /** Execute, turning a NotFoundError into null (the fork's "swallow" idiom). */
  private soft(node: AstNode, value: unknown): unknown {
    try {
      return this.execute(node, value);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  private eval(node: AstNode, value: unknown): unknown {
    switch (node.type) {
      case 'Comparator': {
        const left = this.soft(node.left, value);
        const right = this.soft(node.right, value);
        if (node.op === 'EQ') return deepEqual(left, right);
        if (node.op === 'NE') return !deepEqual(left, right);
        // Only float64 operands compare; anything else (a Go int included) gives null.
        if (typeof left !== 'number' || typeof right !== 'number') return null;
        switch (node.op) {
          case 'GT':
            return left > right;
          case 'GTE':
            return left >= right;
          case 'LT':
            return left < right;
          case 'LTE':
            return left <= right;
        }
        return null;
      }
      case 'ExpRef':
        return new ExpRef(node.child);
      case 'FunctionExpression': {
        const args = node.args.map((arg) => this.soft(arg, value));
        return this.callFunction(node.name, args);
      }
      case 'Field':
        if (isObject(value)) {
          if (Object.hasOwn(value, node.name)) return value[node.name];
          throw new NotFoundError(node.name);
        }
        return null;
      case 'FilterProjection': {
        let left: unknown;
        try {
          left = this.execute(node.left, value);
        } catch (error) {
          if (!isGoError(error)) throw error;
          return null; // any error on the base gives null
        }
        if (!Array.isArray(left)) return null;
        const collected: unknown[] = [];
        for (const element of left) {
          const result = this.soft(node.condition, element);
          if (!isFalse(result)) {
            const current = this.soft(node.right, element);
            if (current !== null && current !== undefined) collected.push(current);
          }
        }
        return collected;
      }
      case 'Flatten': {
        let left: unknown;
        try {
          left = this.execute(node.child, value);
        } catch (error) {
          if (!isGoError(error)) throw error;
          return null;
        }
        if (!Array.isArray(left)) return null;
        const flattened: unknown[] = [];
        for (const element of left) {
          if (Array.isArray(element)) flattened.push(...element);
          else flattened.push(element);
        }
        return flattened;
      }
      case 'Identity':
      case 'CurrentNode':
        return value;
      case 'Index': {
        if (!Array.isArray(value)) return null;
        let index = node.index;
        if (index < 0) index += value.length;
        return index >= 0 && index < value.length ? value[index] : null;
      }
      case 'KeyValPair':
        return this.execute(node.value, value);
      case 'Literal':
        return node.value;
      case 'MultiSelectHash': {
        if (value === null || value === undefined) return null;
        const collected: Record<string, unknown> = {};
        for (const pair of node.pairs) collected[pair.key] = this.soft(pair.value, value);
        return collected;
      }
      case 'MultiSelectList': {
        if (value === null || value === undefined) return null;
        return node.items.map((item) => this.soft(item, value));
      }
      case 'Or': {
        const matched = this.soft(node.left, value);
        if (isFalse(matched)) return this.soft(node.right, value);
        return matched;
      }
      case 'And': {
        const matched = this.soft(node.left, value);
        if (isFalse(matched)) return matched;
        return this.execute(node.right, value);
      }
      case 'Not':
        return isFalse(this.soft(node.child, value));
      case 'Pipe': {
        const left = this.soft(node.left, value);
        return this.soft(node.right, left);
      }
      case 'Projection': {
        const left = this.soft(node.left, value);
        if (!Array.isArray(left)) return null;
        const collected: unknown[] = [];
        for (const element of left) {
          const current = this.soft(node.right, element);
          if (current !== null && current !== undefined) collected.push(current);
        }
        return collected;
      }
      case 'Subexpression':
      case 'IndexExpression': {
        const left = this.execute(node.left, value);
        return this.execute(node.right, left);
      }
      case 'Slice': {
        if (!Array.isArray(value)) return null;
        return slice(value, node.parts);
      }
      case 'ValueProjection': {
        let left: unknown;
        try {
          left = this.execute(node.left, value);
        } catch (error) {
          if (!isGoError(error)) throw error;
          return null;
        }
        if (!isObject(left)) return null;
        // Go builds make([]interface{}, len(m)) and then appends: len(m) nils precede the values.
        const values: unknown[] = [...new Array<unknown>(Object.keys(left).length).fill(null), ...Object.values(left)];
        const collected: unknown[] = [];
        for (const element of values) {
          const current = this.soft(node.right, element);
          if (current !== null && current !== undefined) collected.push(current);
        }
        return collected;
      }
      case 'Empty':
        throw new JmesRuntimeError('Unknown AST node: ASTEmpty');
    }
  }

  callFunction(name: string, args: unknown[]): unknown {
    const entry = this.functions.get(name);
    if (!entry) throw new JmesRuntimeError(`unknown function: ${name}`);
    resolveArgs(entry, args);
    return entry.handler(args, this);
  }
}

/** go-jmespath resolveArgs: arity and types are checked only for non-variadic signatures. */
function resolveArgs(entry: FunctionEntry, args: unknown[]): void {
  if (entry.args.length === 0) return;
  const last = entry.args[entry.args.length - 1]!;
  if (!last.variadic) {
    if (entry.args.length !== args.length) throw new JmesRuntimeError('incorrect number of args');
    entry.args.forEach((spec, i) => {
      if (!spec.types.some((t) => typeMatches(t, args[i]))) {
        throw new JmesRuntimeError(`Invalid type for: ${goPrintArg(args[i])}, expected: []jmespath.JpType{${spec.types.map((t) => `"${t}"`).join(', ')}}`);
      }
    });
    return;
  }
  if (args.length < entry.args.length) throw new JmesRuntimeError('Invalid arity.');
}

export function typeMatches(type: ArgType, arg: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof arg === 'number';
    case 'string':
      return typeof arg === 'string';
    case 'array':
      return Array.isArray(arg);
    case 'object':
      return isObject(arg);
    case 'array[number]':
      return Array.isArray(arg) && arg.every((x) => typeof x === 'number');
    case 'array[string]':
      return Array.isArray(arg) && arg.every((x) => typeof x === 'string');
    case 'expref':
      return arg instanceof ExpRef;
    case 'any':
      return true;
  }
}

function goPrintArg(arg: unknown): string {
  if (arg === null || arg === undefined) return '<nil>';
  if (arg instanceof GoInt) return String(arg.value);
  if (typeof arg === 'string') return arg;
  return JSON.stringify(arg);
}

function slice(list: unknown[], parts: readonly (number | null)[]): unknown[] {
  const length = list.length;
  const stepPart = parts[2] ?? null;
  if (stepPart === 0) throw new JmesRuntimeError('Invalid slice, step cannot be 0');
  const step = stepPart ?? 1;
  const negative = step < 0;
  const cap = (actual: number): number => {
    if (actual < 0) {
      actual += length;
      if (actual < 0) actual = negative ? -1 : 0;
    } else if (actual >= length) {
      actual = negative ? length - 1 : length;
    }
    return actual;
  };
  const start = parts[0] === null || parts[0] === undefined ? (negative ? length - 1 : 0) : cap(parts[0]);
  const stop = parts[1] === null || parts[1] === undefined ? (negative ? -1 : length) : cap(parts[1]);
  const result: unknown[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) result.push(list[i]);
  else for (let i = start; i > stop; i += step) result.push(list[i]);
  return result;
}

export type { Value };
