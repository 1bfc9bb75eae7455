/**
 * gator's case assertions (gatekeeper:pkg/gator/verify/assertion.go): count the results whose
 * message matches the `message` regex (Go RE2, unanchored; all results when absent), then check the
 * count against `violations` — "yes" (≥1, the default), "no" (0) or an exact non-negative integer.
 */
import { RE2JS } from 're2js';
import type { Assertion } from './suite.ts';

export interface AssertionOutcome {
  readonly ok: boolean;
  /** What the assertion wants, e.g. `violations: 2 matching "must drop"`. */
  readonly expected: string;
  /** What was found, e.g. `1 matching violation`. */
  readonly actual: string;
  /** gator's error text when it fails. */
  readonly error: string;
}

/** Runs one assertion on the messages of all results (in gator's result order). */
export function runAssertion(assertion: Assertion, messages: readonly string[]): AssertionOutcome {
  let regex: RE2JS | undefined;
  const expected = describeAssertion(assertion);
  if (assertion.message !== undefined) {
    try {
      regex = RE2JS.compile(assertion.message);
    } catch (error) {
      const text = `message contains invalid regular expression: ${(error as Error).message}`;
      return { ok: false, expected, actual: 'invalid assertion', error: text };
    }
  }
  const matching = regex ? messages.filter((message) => regex.matcher(message).find()).length : messages.length;
  const actual = `${matching} ${regex ? 'matching ' : ''}violation${matching === 1 ? '' : 's'}`;
  const gotMessages = `got messages [${messages.join(' ')}]`;
  const containing = assertion.message !== undefined ? ` containing ${JSON.stringify(assertion.message)}` : '';
  const violations = assertion.violations ?? { type: 'string', value: 'yes' };
  const fail = (text: string): AssertionOutcome => ({ ok: false, expected, actual, error: `unexpected number of violations: ${text}: ${gotMessages}` });
  if (violations.type === 'int') {
    if (violations.value < 0) {
      return { ok: false, expected, actual, error: 'invalid yaml: assertion.violation, if set, must be a nonnegative integer, "yes", or "no"' };
    }
    if (matching !== violations.value) return fail(`got ${matching} violations${containing} but want exactly ${violations.value}`);
    return { ok: true, expected, actual, error: '' };
  }
  switch (violations.value) {
    case 'yes':
      if (matching === 0) return fail(`got ${matching} violations${containing} but want at least 1`);
      return { ok: true, expected, actual, error: '' };
    case 'no':
      if (matching > 0) return fail(`got ${matching} violations${containing} but want none`);
      return { ok: true, expected, actual, error: '' };
    default:
      return { ok: false, expected, actual, error: 'invalid yaml: assertion.violation, if set, must be a nonnegative integer, "yes", or "no"' };
  }
}

export function describeAssertion(assertion: Assertion): string {
  const violations = assertion.violations === undefined ? 'yes' : String(assertion.violations.value);
  return assertion.message !== undefined ? `violations: ${violations} matching ${JSON.stringify(assertion.message)}` : `violations: ${violations}`;
}
