// Shared helpers for the CEL tests: evaluate an expression in the Kubernetes environment.
import * as assert from 'uvu/assert';
import { CelCompileError, defaultCelEnvironment, toCelValue, type CelOutcome } from '../../../src/engines/cel/index.ts';
import { KpcError } from '../../../src/util/errors.ts';

/** The outcome of `expression` with the given root variables (plain JSON, converted to CEL). */
export function run(expression: string, variables: Record<string, unknown> = {}): CelOutcome {
  const activation: Record<string, unknown> = { object: null, oldObject: null, request: null, params: null, namespaceObject: null, variables: {} };
  for (const [name, value] of Object.entries(variables)) activation[name] = toCelValue(value);
  return defaultCelEnvironment().compile(expression).run(activation);
}

/** The value of `expression`; fails the test when it errors. */
export function value(expression: string, variables?: Record<string, unknown>): unknown {
  const outcome = run(expression, variables);
  if (!outcome.ok) assert.unreachable(`${expression} failed: ${outcome.error}`);
  return outcome.ok ? outcome.value : undefined;
}

/** Asserts `expression` evaluates to true (the upstream examples are written as such checks). */
export function isTrue(expression: string, variables?: Record<string, unknown>): void {
  assert.is(value(expression, variables), true, expression);
}

/** The evaluation error of `expression`; fails the test when it yields a value. */
export function evalError(expression: string, variables?: Record<string, unknown>): string {
  const outcome = run(expression, variables);
  if (outcome.ok) assert.unreachable(`${expression} should fail, gave ${String(outcome.value)}`);
  return outcome.ok ? '' : outcome.error;
}

/** The compile error (CelCompileError or UnsupportedError) of `expression`. */
export function compileError(expression: string): KpcError {
  try {
    defaultCelEnvironment().compile(expression);
  } catch (error) {
    if (error instanceof KpcError) return error;
    throw error;
  }
  assert.unreachable(`${expression} should not compile`);
  return new CelCompileError(expression, 'unreachable');
}
