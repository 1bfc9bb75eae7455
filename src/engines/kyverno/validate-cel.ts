/** validate.cel (placeholder until the CEL layer is integrated). */
import { UnsupportedError } from '../../util/errors.ts';
import type { PolicyException } from './exceptions.ts';
import type { PolicyContext } from './policy-context.ts';
import type { Rule } from './policy.ts';
import type { RuleResponse } from './responses.ts';

export function processValidateCel(_pc: PolicyContext, _rule: Rule, _exceptions: readonly PolicyException[]): RuleResponse | null {
  throw new UnsupportedError('validate.cel is not evaluated yet');
}
