/**
 * Scalar pattern values (kyverno pkg/engine/pattern/pattern.go, pkg/engine/operator/operator.go):
 * typed patterns (bool, number, null) and the string mini-language — `|` (OR) split before `&`
 * (AND), operator prefixes `>= <= > < !`, ranges `a-b` and `a!-b`, then duration → quantity →
 * wildcard-string comparison. A missing value counts as "0" for durations and quantities.
 */
import { trimBoth } from '../../../util/text.ts';
import { GoInt, isObject } from '../../jmespath/index.ts';
import { goParseFloat, goParseInt } from '../../jmespath/strconv.ts';
import { tryParseDuration } from '../go/duration.ts';
import { formatFloatE, formatFloatF } from '../go/fmt.ts';
import { compareQuantities, tryParseQuantity } from '../go/quantity.ts';
import { wildcardMatch } from '../go/wildcard.ts';

export type PatternOperator = '' | '>=' | '<=' | '!' | '>' | '<' | '-' | '!-';

const RANGE_OPERAND = '([-|\\+]?\\d+(?:\\.\\d+)?[A-Za-z]*)';
export const IN_RANGE_REGEX = new RegExp(`^${RANGE_OPERAND}-${RANGE_OPERAND}$`);
export const NOT_IN_RANGE_REGEX = new RegExp(`^${RANGE_OPERAND}!-${RANGE_OPERAND}$`);

/** Go's len() counts UTF-8 bytes. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** operator.GetOperatorFromStringPattern. */
export function operatorOf(pattern: string): PatternOperator {
  if (byteLength(pattern) < 2) return '';
  if (pattern.startsWith('>=')) return '>=';
  if (pattern.startsWith('<=')) return '<=';
  if (pattern.startsWith('>')) return '>';
  if (pattern.startsWith('<')) return '<';
  if (pattern.startsWith('!')) return '!';
  if (NOT_IN_RANGE_REGEX.test(pattern)) return '!-';
  if (IN_RANGE_REGEX.test(pattern)) return '-';
  return '';
}

/** pattern.Validate: does the resource value satisfy a scalar (or map/array) pattern? */
export function validateScalar(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return typeof value === 'boolean' && value === pattern;
  if (pattern instanceof GoInt) return validateInt(value, pattern.value);
  if (typeof pattern === 'number') return validateFloat(value, pattern);
  if (pattern === null || pattern === undefined) return validateNil(value);
  if (typeof pattern === 'string') return validateStringPatterns(value, pattern);
  if (Array.isArray(pattern)) return false; // arrays are not supported as scalar patterns
  if (isObject(pattern)) return isObject(value);
  return false;
}

function validateInt(value: unknown, pattern: number): boolean {
  if (value instanceof GoInt) return value.value === pattern;
  if (typeof value === 'number') return Number.isInteger(value) && Math.trunc(value) === pattern;
  if (typeof value === 'string') {
    const n = goParseInt(value);
    return n !== null && n === BigInt(pattern);
  }
  return false;
}

function validateFloat(value: unknown, pattern: number): boolean {
  if (value instanceof GoInt) return Number.isInteger(pattern) && pattern === value.value;
  if (typeof value === 'number') return value === pattern;
  if (typeof value === 'string') {
    const n = goParseFloat(value);
    return n !== null && n === pattern;
  }
  return false;
}

function validateNil(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (value instanceof GoInt) return value.value === 0;
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'string') return value === '';
  if (typeof value === 'boolean') return !value;
  return false;
}

function validateStringPatterns(value: unknown, pattern: string): boolean {
  if (typeof value === 'string' && value === pattern) return true;
  for (const orPart of pattern.split('|')) {
    const condition = trimSpaces(orPart);
    if (condition.split('&').every((andPart) => validateStringPattern(value, trimSpaces(andPart)))) return true;
  }
  return false;
}

/** strings.Trim(s, " ") — spaces only. */
function trimSpaces(s: string): string {
  return trimBoth(s, ' ');
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  const op = operatorOf(pattern);
  if (op === '-') {
    const m = IN_RANGE_REGEX.exec(pattern);
    if (!m) return false;
    return validateStringPattern(value, `>= ${m[1]}`) && validateStringPattern(value, `<= ${m[2]}`);
  }
  if (op === '!-') {
    const m = NOT_IN_RANGE_REGEX.exec(pattern);
    if (!m) return false;
    return validateStringPattern(value, `< ${m[1]}`) || validateStringPattern(value, `> ${m[2]}`);
  }
  const operand = pattern.slice(op.length).trim();
  return validateString(value, operand, op);
}

function validateString(value: unknown, pattern: string, op: PatternOperator): boolean {
  const duration = compareDuration(value, pattern, op);
  if (duration !== null) return duration;
  const quantity = compareQuantity(value, pattern, op);
  if (quantity !== null) return quantity;
  return compareString(value, pattern, op);
}

/** Value → string for the duration and quantity steps; nil counts as "0". */
function numberToString(value: unknown): string | null {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatFloatF(value);
  if (value instanceof GoInt) return String(value.value);
  return null;
}

function applyOrder(cmp: number, op: PatternOperator): boolean | null {
  switch (op) {
    case '':
      return cmp === 0;
    case '!':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    default:
      return null;
  }
}

function compareDuration(value: unknown, pattern: string, op: PatternOperator): boolean | null {
  const p = tryParseDuration(pattern);
  if (p === null) return null;
  const s = numberToString(value);
  if (s === null) return null;
  const v = tryParseDuration(s);
  if (v === null) return null;
  return applyOrder(v < p ? -1 : v > p ? 1 : 0, op);
}

function compareQuantity(value: unknown, pattern: string, op: PatternOperator): boolean | null {
  const p = tryParseQuantity(pattern);
  if (p === null) return null;
  const s = numberToString(value);
  if (s === null) return null;
  const v = tryParseQuantity(s);
  if (v === null) return null;
  return applyOrder(compareQuantities(v, p), op);
}

function compareString(value: unknown, pattern: string, op: PatternOperator): boolean {
  if (op !== '' && op !== '!') return false; // > < >= <= do not apply to strings
  let str: string;
  if (typeof value === 'number') str = formatFloatE(value);
  else if (value instanceof GoInt) str = String(value.value);
  else if (typeof value === 'string') str = value;
  else if (typeof value === 'boolean') str = value ? 'true' : 'false';
  else return false;
  const matched = wildcardMatch(pattern, str);
  return op === '!' ? !matched : matched;
}
