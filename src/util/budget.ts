/**
 * A bound on the work of one evaluation: deterministic work units (the primary bound, the same on
 * every machine) and a wall-clock deadline (the backstop for work a unit does not measure well).
 * Neither exists upstream — a real cluster cuts a runaway webhook off at its timeout (Gatekeeper's
 * default validating webhook timeout is 3 s, Kyverno's 10 s) — so hitting either is an error
 * result naming the limit, never a verdict.
 *
 *   const budget = new WorkBudget({ maxUnits: 5_000_000, timeoutMs: 2_000 }, 'Kyverno rule');
 *   withWorkBudget(budget, () => evaluate());   // code deep inside calls spendWork(n)
 *
 * The clock is read only every CLOCK_INTERVAL units, so spending stays a counter increment.
 */
import { KpcError } from './errors.ts';

export interface WorkLimits {
  /** Work units one evaluation may spend. */
  readonly maxUnits: number;
  /** Wall-clock milliseconds one evaluation may run. */
  readonly timeoutMs: number;
}

/** How many units pass between two readings of the clock. */
const CLOCK_INTERVAL = 4096;

/** Thrown when a budget runs out: never absorbed as an evaluation error of the policy language. */
export class WorkLimitExceeded extends KpcError {
  constructor(
    message: string,
    /** Which bound was hit. */
    readonly limit: 'units' | 'time',
  ) {
    super(message);
    this.name = 'WorkLimitExceeded';
  }
}

export class WorkBudget {
  spent = 0;
  /** The limit error once thrown: checked after the evaluation, in case a catch-all absorbed it. */
  exhausted: WorkLimitExceeded | null = null;
  readonly deadline: number;
  #nextCheck: number;

  constructor(
    readonly limits: WorkLimits,
    /** Names what is bounded in the message, e.g. "Kyverno rule evaluation". */
    readonly subject: string,
  ) {
    this.deadline = performance.now() + limits.timeoutMs;
    this.#nextCheck = Math.min(limits.maxUnits + 1, CLOCK_INTERVAL);
  }

  spend(units: number): void {
    this.spent += units;
    if (this.spent >= this.#nextCheck) this.check();
  }

  /** Throws WorkLimitExceeded when either bound is passed. */
  check(): void {
    if (this.exhausted !== null) throw this.exhausted; // sticky: every later spend fails too
    if (this.spent > this.limits.maxUnits) {
      this.exhausted = new WorkLimitExceeded(`${this.subject} exceeded its work limit (${this.limits.maxUnits} units)`, 'units');
      throw this.exhausted;
    }
    if (performance.now() > this.deadline) {
      this.exhausted = new WorkLimitExceeded(`${this.subject} exceeded its time limit (${this.limits.timeoutMs} ms)`, 'time');
      throw this.exhausted;
    }
    this.#nextCheck = Math.min(this.limits.maxUnits + 1, this.spent + CLOCK_INTERVAL);
  }
}

let active: WorkBudget | null = null;

/** Charges the budget of the evaluation in progress, if any. */
export function spendWork(units: number = 1): void {
  if (active !== null) active.spend(units);
}

/** The budget of the evaluation in progress, or null. */
export function activeWorkBudget(): WorkBudget | null {
  return active;
}

/** Runs `fn` with `budget` active; nested runs restore the outer budget afterwards. */
export function withWorkBudget<T>(budget: WorkBudget, fn: () => T): T {
  const outer = active;
  active = budget;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/**
 * A stack overflow (RangeError "Maximum call stack size exceeded") or a string/array grown past the
 * engine's maximum ("Invalid string length", "Invalid array length"): input too large or too deep
 * for a recursive evaluator. Callers turn it into an error result with `resourceLimitMessage`.
 */
export function isResourceExhaustion(error: unknown): error is RangeError {
  return error instanceof RangeError && /Maximum call stack size exceeded|Invalid (string|array|typed array) length|Array buffer allocation failed/.test(error.message);
}

/** The message of a resource exhaustion, saying what it means for the input. */
export function resourceLimitMessage(error: RangeError, subject: string): string {
  if (/Maximum call stack/.test(error.message)) return `${subject} nested too deeply (${error.message})`;
  return `${subject} built a value too large (${error.message})`;
}
