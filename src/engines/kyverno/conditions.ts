/**
 * any/all condition blocks (kyverno pkg/engine/variables/evaluate.go, api ConditionsWrapper):
 * a legacy bare list means all; `any` present (even empty) must have one true condition; `all`
 * must have no false one; absent blocks are true. Substitution errors in an evaluated condition
 * abort the whole evaluation; short-circuiting is respected.
 */
import { isObject } from '../jmespath/index.ts';
import { cloneValue } from '../jmespath/index.ts';
import type { JsonContext } from './context.ts';
import { operatorHandler } from './operators.ts';
import { substituteAll } from './variables.ts';

export interface Condition {
  readonly key: unknown;
  readonly operator: string;
  readonly value: unknown;
  readonly message: string;
}

/** The decoded shape of a conditions field: a legacy list or {any, all}. */
export type Conditions = { readonly legacy: readonly Condition[] } | { readonly any: readonly Condition[] | null; readonly all: readonly Condition[] | null };

export class ConditionError extends Error {}

function toCondition(raw: unknown, where: string): Condition {
  if (!isObject(raw)) throw new ConditionError(`${where}: a condition must be an object`);
  const operator = raw['operator'];
  const message = raw['message'];
  return {
    key: raw['key'] === undefined ? null : raw['key'],
    operator: typeof operator === 'string' ? operator : '',
    value: raw['value'] === undefined ? null : raw['value'],
    message: typeof message === 'string' ? message : '',
  };
}

/**
 * ConditionsWrapper.UnmarshalJSON: a list of conditions, else {any, all}; null/absent → null
 * (which evaluates to true). Throws ConditionError for a shape Kyverno could not decode.
 */
export function parseConditions(raw: unknown, where: string): Conditions | null {
  if (raw === null || raw === undefined) return null;
  if (Array.isArray(raw)) return { legacy: raw.map((c, i) => toCondition(c, `${where}[${i}]`)) };
  if (isObject(raw)) {
    const list = (field: 'any' | 'all'): Condition[] | null => {
      const v = raw[field];
      if (v === undefined || v === null) return null;
      if (!Array.isArray(v)) throw new ConditionError(`${where}.${field}: expected a list of conditions`);
      return v.map((c, i) => toCondition(c, `${where}.${field}[${i}]`));
    };
    return { any: list('any'), all: list('all') };
  }
  throw new ConditionError(`${where}: failed to unmarshal Conditions`);
}

/** variables.Evaluate for one condition: [result, message]. */
export function evaluateCondition(ctx: JsonContext, condition: Condition): [boolean, string] {
  let key: unknown;
  let value: unknown;
  try {
    key = substituteAll(ctx, cloneValue(condition.key));
  } catch (error) {
    throw wrap('failed to substitute variables in condition key', error);
  }
  try {
    value = substituteAll(ctx, cloneValue(condition.value));
  } catch (error) {
    throw wrap('failed to substitute variables in condition value', error);
  }
  const handler = operatorHandler(condition.operator);
  if (!handler) throw new ConditionError('failed to create handler for condition operator: %!w(<nil>)');
  return [handler(key, value), condition.message];
}

function wrap(prefix: string, error: unknown): Error {
  if (!(error instanceof Error) || error.name === 'UnsupportedError') return error as Error;
  const wrapped = new ConditionError(`${prefix}: ${error.message}`);
  return wrapped;
}

const joinNonEmpty = (parts: string[], sep: string): string => parts.filter((p) => p !== '').join(sep);

/** EvaluateConditions: [result, message]; throws on substitution/operator errors. */
export function evaluateConditions(ctx: JsonContext, conditions: Conditions | null): [boolean, string] {
  if (conditions === null) return [true, ''];
  if ('legacy' in conditions) {
    const trueMessages: string[] = [];
    for (const c of conditions.legacy) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (!val) return [false, msg];
      trueMessages.push(msg);
    }
    return [true, joinNonEmpty(trueMessages, ';')];
  }
  let anyResult = true;
  let allResult = true;
  const falseMessages: string[] = [];
  const trueMessages: string[] = [];
  if (conditions.any !== null) {
    anyResult = false;
    for (const c of conditions.any) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (val) {
        anyResult = true;
        trueMessages.push(msg);
        break;
      }
      falseMessages.push(msg);
    }
  }
  for (const c of conditions.all ?? []) {
    const [val, msg] = evaluateCondition(ctx, c);
    if (!val) {
      allResult = false;
      falseMessages.push(msg);
      break;
    }
    trueMessages.push(msg);
  }
  const result = anyResult && allResult;
  return [result, joinNonEmpty(result ? trueMessages : falseMessages, '; ')];
}
