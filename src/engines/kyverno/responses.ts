/** Rule and engine responses (kyverno pkg/engine/api): per-rule status and message. */
import type { JsonObject } from '../jmespath/index.ts';

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error' | 'warn';

export interface RuleResponse {
  readonly name: string;
  readonly ruleType: 'Validation' | 'ImageVerify' | 'Mutation' | 'Generation';
  readonly status: RuleStatus;
  readonly message: string;
  /** Set when the verdict needs a feature this engine does not reproduce: never a real verdict. */
  readonly unsupported?: string;
  /** Keys (namespace/name) of the PolicyExceptions that made the rule skip. */
  readonly exceptions?: readonly string[];
}

export const rulePass = (name: string, message: string): RuleResponse => ({ name, ruleType: 'Validation', status: 'pass', message });
export const ruleFail = (name: string, message: string): RuleResponse => ({ name, ruleType: 'Validation', status: 'fail', message });
export const ruleSkip = (name: string, message: string): RuleResponse => ({ name, ruleType: 'Validation', status: 'skip', message });

/** engineapi.RuleError: "<msg>: <err>" when there is an error. */
export function ruleError(name: string, message: string, error?: unknown): RuleResponse {
  return { name, ruleType: 'Validation', status: 'error', message: error === undefined ? message : `${message}: ${errorMessage(error)}` };
}

export function ruleUnsupported(name: string, reason: string): RuleResponse {
  return { name, ruleType: 'Validation', status: 'error', message: reason, unsupported: reason };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An EngineResponse: the policy's rule responses for one resource (empty = no rule applied). */
export interface PolicyResponse {
  readonly policyName: string;
  readonly policyNamespace: string;
  readonly policyKind: string;
  readonly resource: JsonObject | null;
  readonly rules: readonly RuleResponse[];
  /** Set when the policy as a whole could not be evaluated faithfully. */
  readonly unsupported?: string;
}
