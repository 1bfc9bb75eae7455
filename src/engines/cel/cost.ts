// Runtime cost accounting, an approximation of cel-go's CostTracker (interpreter/runtimecost.go) as
// Kubernetes configures it (apiserver/pkg/cel/environment/base.go: cel.CostLimit(PerCallLimit)).
//
// cel-go charges: constants 0, each identifier/field select/index 1, each function or operator call
// 1 (or a size-dependent amount for string and list traversals), list literals 10, map literals 30,
// && || ?: nothing; comprehensions pay for what each iteration evaluates. We charge the same table
// per AST node as cel-js evaluates it (through the patched `setEvaluationObserver` hook), and the
// size-dependent amounts from the library functions we implement ourselves (`chargeCost`). The
// figure is therefore close to, not equal to, the apiserver's: it decides *whether* a runaway
// expression is stopped with "cost exceeded", which is what matters, not the exact unit count.
import type { ASTNode } from '@marcbachmann/cel-js';
import * as celEvaluator from '@marcbachmann/cel-js/evaluator';
import { KpcError } from '../../util/errors.ts';

/** Kubernetes' per-expression runtime limit (apiserver/pkg/apis/cel/config.go PerCallLimit). */
export const PER_CALL_COST_LIMIT = 1_000_000;
/** Kubernetes' budget per policy evaluation across its expressions (RuntimeCELCostBudget). */
export const RUNTIME_COST_BUDGET = 10_000_000;

/** The message cel-go gives when the per-call limit is hit (interpreter.EvalCancelledError). */
export const COST_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';

/** Thrown inside an evaluation when its cost limit is exceeded; never absorbed (see CostMeter). */
export class CostLimitExceeded extends Error {
  constructor(message: string = COST_LIMIT_MESSAGE) {
    super(message);
    this.name = 'CostLimitExceeded';
  }
}

// cel-go's common cost constants (common/cost.go).
const SELECT_AND_IDENT_COST = 1;
const LIST_CREATE_BASE_COST = 10;
const MAP_CREATE_BASE_COST = 30;
/** common.StringTraversalCostFactor */
export const STRING_TRAVERSAL_COST_FACTOR = 0.1;
/** common.RegexStringLengthCostFactor */
export const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;

// Cost of evaluating one node of cel-js's AST (children are charged when they are evaluated).
// A switch: a table lookup keyed by operator strings is several times slower on this hot path.
function nodeCost(ast: ASTNode): number {
  // cel-js also evaluates internal nodes (comprehension, accuPush…) that its AST type does not list
  switch (ast.op as string) {
    case 'value': // constants
    case '?:': // ternary, && and || have no cost of their own
    case '||':
    case '&&':
    case 'comprehension':
      return 0;
    case 'list':
      return LIST_CREATE_BASE_COST;
    case 'map':
      return MAP_CREATE_BASE_COST;
    case 'accuPush': // map/filter append = list literal + add
      return LIST_CREATE_BASE_COST + 1;
    case 'id': // `ip` of ip.isCanonical(), `sets` of sets.contains()…: part of a function name in cel-go
      return isNamespace(ast) ? 0 : SELECT_AND_IDENT_COST;
    default: // selects, index, calls, operators, accumulator reads
      return SELECT_AND_IDENT_COST;
  }
}

/** Names of the types of namespace constants (libraries register them as `…Namespace`). */
const namespaceTypes = new Set(['OptionalNamespace', 'CelNamespace']);

/** Declares a constant's type as a function-name namespace, which costs nothing to reference. */
export function registerNamespaceType(name: string): void {
  namespaceTypes.add(name);
}

function isNamespace(ast: ASTNode): boolean {
  const type = (ast as unknown as { checkedType?: { kind: string; name: string } }).checkedType;
  return type !== undefined && type.kind === 'message' && namespaceTypes.has(type.name);
}

/**
 * cel-js copies the lists it concatenates where cel-go shares them (O(1) in its cost model), so
 * `l.map(x, l + l)` is cheap in cost units but quadratic in work here. This bound on copied
 * elements keeps such an evaluation from running for minutes; it is not part of Kubernetes' model.
 */
export const MAX_COPIED_LIST_ELEMENTS = 10_000_000;
export const COPY_LIMIT_MESSAGE = `unsupported: evaluation copies more than ${MAX_COPIED_LIST_ELEMENTS} list elements (cel-js copies concatenated lists; cel-go shares them)`;

/**
 * Wall-clock bound of the expressions of one policy activation (or of one lone expression). The
 * cost model bounds what cel-go charges for; some calls cost us far more time than they cost cel-go
 * (findAll over a million matches, format() of a large list in a loop). The apiserver interrupts an
 * evaluation when its request context ends; this is our stand-in for that deadline.
 */
export const CEL_TIME_LIMIT_MS = 2_000;
export const TIME_LIMIT_MESSAGE = `operation interrupted: evaluation exceeded ${CEL_TIME_LIMIT_MS} ms`;
/** Nodes evaluated between two readings of the clock. */
const CLOCK_INTERVAL = 1024;

/**
 * The cost of one evaluation. The limit is sticky: once exceeded, every further node throws, so an
 * error swallowed by `||`, `&&` or a quantifier cannot turn a cancelled evaluation into a value, and
 * the caller checks `exceeded` after the evaluation anyway.
 */
export class CostMeter {
  spent = 0;
  copied = 0;
  exceeded = false;
  /** Why the evaluation was stopped: the cost limit (cel-go's message), the copy bound or the clock. */
  message = COST_LIMIT_MESSAGE;
  #ticks = 0;
  constructor(
    readonly limit: number,
    /** performance.now() value after which the evaluation is interrupted. */
    readonly deadline: number = performance.now() + CEL_TIME_LIMIT_MS,
  ) {}

  /** Counts evaluation work; every CLOCK_INTERVAL ticks, interrupts the evaluation past its deadline. */
  tick(): void {
    if (++this.#ticks % CLOCK_INTERVAL === 0 && performance.now() > this.deadline) this.interrupt();
  }

  interrupt(): never {
    this.exceeded = true;
    this.message = TIME_LIMIT_MESSAGE;
    this.spent = Math.max(this.spent, this.limit + 1); // sticky, as for the cost limit
    throw new CostLimitExceeded(this.message);
  }

  charge(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) {
      this.exceeded = true;
      throw new CostLimitExceeded(this.message);
    }
  }

  copy(elements: number): void {
    this.copied += elements;
    if (this.copied > MAX_COPIED_LIST_ELEMENTS) {
      this.exceeded = true;
      this.message = COPY_LIMIT_MESSAGE;
      this.spent = Math.max(this.spent, this.limit + 1); // sticky, as for the cost limit
      throw new CostLimitExceeded(this.message);
    }
  }
}

let current: CostMeter | null = null;

// Added by patches/@marcbachmann+cel-js+8.0.0.patch (applied by `npm install` through patch-package).
const { setEvaluationObserver, setOperandObserver } = celEvaluator as Partial<typeof celEvaluator>;
if (typeof setEvaluationObserver !== 'function' || typeof setOperandObserver !== 'function') {
  throw new KpcError('@marcbachmann/cel-js is not patched: run `npm install` (postinstall applies patches/ with patch-package)');
}

setEvaluationObserver((ast) => {
  const meter = current;
  if (meter === null) return;
  meter.tick();
  meter.spent += nodeCost(ast);
  if (meter.spent > meter.limit) {
    meter.exceeded = true;
    throw new CostLimitExceeded(meter.message);
  }
});

// Operators whose cel-go cost grows with their operands (interpreter/runtimecost.go costCall): list
// membership costs the list's size; equality and string/bytes ordering the smaller size × 0.1;
// string/bytes concatenation the sum × 0.1. The operator's node already paid 1.
setOperandObserver((op, left, right) => {
  const meter = current;
  if (meter === null) return;
  switch (op) {
    case 'in':
      if (Array.isArray(right)) meter.charge(Math.max(0, right.length - 1));
      return;
    case '+':
      if (Array.isArray(left) && Array.isArray(right)) meter.copy(left.length + right.length);
      else meter.charge(Math.max(0, traversalCost(actualSize(left) + actualSize(right)) - 1));
      return;
    default: // ==, <, <=, >, >=
      meter.charge(Math.max(0, traversalCost(Math.min(actualSize(left), actualSize(right))) - 1));
  }
});

/** cel-go actualSize: the size of strings, bytes, lists and maps; 1 for anything else. */
function actualSize(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value) || value instanceof Uint8Array) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return 1;
}

/** Makes `meter` the current one; returns the meter to restore with `restoreMeter`. */
export function enterMeter(meter: CostMeter): CostMeter | null {
  const outer = current;
  current = meter;
  return outer;
}

export function restoreMeter(outer: CostMeter | null): void {
  current = outer;
}

/**
 * Runs `evaluate` with a fresh meter of `limit` units; nested calls (lazy variables evaluated while
 * an expression references them) get their own meter and restore the outer one afterwards.
 */
export function withCostMeter<T>(limit: number, evaluate: () => T): { result: T; meter: CostMeter } {
  const outer = current;
  const meter = new CostMeter(limit);
  current = meter;
  try {
    return { result: evaluate(), meter };
  } finally {
    current = outer;
  }
}

/** For library loops that do much work in one call: interrupts the evaluation past its deadline. */
export function tickCurrentMeter(): void {
  if (current !== null) current.tick();
}

/** Size-dependent cost charged by a library function for the evaluation in progress (if metered). */
export function chargeCost(units: number): void {
  if (current !== null && units > 0) current.charge(units);
}

/** cel-go's `uint64(math.Ceil(size * factor))`. */
export function traversalCost(size: number, factor: number = STRING_TRAVERSAL_COST_FACTOR): number {
  return Math.ceil(size * factor);
}

/** The cost of a meter nested in the current one is also spent by the outer evaluation's budget. */
export function currentMeter(): CostMeter | null {
  return current;
}

/**
 * Charges a library call's cost as cel-go's CostTracker would (the call node already paid 1).
 * Cost model of apiserver/pkg/cel/library/cost.go CallCost for the functions we implement.
 */
export function chargeCall(units: number): void {
  chargeCost(units - 1);
}
