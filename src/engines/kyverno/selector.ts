/**
 * metav1.LabelSelector as Kubernetes evaluates it (LabelSelectorAsSelector + Selector.Matches):
 * matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), with the same validation of
 * keys, values and operators — an invalid selector is an error, which Kyverno treats as no match.
 * Kyverno first expands wildcards in matchLabels against the labels (wildcards.ReplaceInSelector).
 */
import { isObject } from '../jmespath/index.ts';
import { containsWildcard } from './go/wildcard.ts';
import { replaceWildcardsInLabels } from './pattern/wildcards.ts';

export class SelectorError extends Error {}

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateKey(key: string): void {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix)) throw new SelectorError(`invalid label key "${key}": prefix part must be a DNS subdomain`);
  } else if (parts.length > 2) {
    throw new SelectorError(`invalid label key "${key}": a qualified name must consist of alphanumeric characters`);
  }
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) throw new SelectorError(`invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
}

function validateValue(value: string): void {
  if (value.length > 63 || (value !== '' && !NAME_RE.test(value))) throw new SelectorError(`invalid label value: "${value}"`);
}

interface Expression {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** A selector read and checked once: only wildcard matchLabels depend on the labels matched. */
interface ParsedSelector {
  readonly matchLabels: Record<string, string>;
  readonly wildcards: boolean;
  readonly expressions: readonly Expression[];
  /** Validation errors that do not depend on the labels: matchLabels without wildcards, then the expressions. */
  readonly labelsError: SelectorError | null;
  readonly expressionsError: SelectorError | null;
}

// Selectors of loaded policies never change: each is parsed and validated once.
const parsedSelectors = new WeakMap<object, ParsedSelector | SelectorError>();

function selectorError(check: () => void): SelectorError | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof SelectorError) return error;
    throw error;
  }
}

function validateLabels(labels: Record<string, string>): void {
  for (const [k, v] of Object.entries(labels)) {
    validateKey(k);
    validateValue(v);
  }
}

function validateExpressions(expressions: readonly Expression[]): void {
  for (const e of expressions) {
    validateKey(e.key);
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (e.values.length === 0) throw new SelectorError(`for 'in', 'notin' operators, values set can't be empty`);
        e.values.forEach(validateValue);
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (e.values.length > 0) throw new SelectorError(`values set must be empty for exists and does not exist`);
        break;
      default:
        throw new SelectorError(`"${e.operator}" is not a valid label selector operator`);
    }
  }
}

function parseSelector(selector: Record<string, unknown>): ParsedSelector {
  const rawLabels = selector['matchLabels'];
  const rawExpressions = selector['matchExpressions'];
  const matchLabels: Record<string, string> = {};
  if (rawLabels !== undefined && rawLabels !== null) {
    if (!isObject(rawLabels)) throw new SelectorError('matchLabels must be a map');
    for (const [k, v] of Object.entries(rawLabels)) {
      if (typeof v !== 'string') throw new SelectorError(`matchLabels value for ${k} must be a string`);
      matchLabels[k] = v;
    }
  }
  const expressions: Expression[] = [];
  if (rawExpressions !== undefined && rawExpressions !== null) {
    if (!Array.isArray(rawExpressions)) throw new SelectorError('matchExpressions must be a list');
    for (const e of rawExpressions) {
      if (!isObject(e)) throw new SelectorError('a match expression must be an object');
      const values = e['values'] ?? [];
      if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) throw new SelectorError('match expression values must be strings');
      expressions.push({ key: String(e['key'] ?? ''), operator: String(e['operator'] ?? ''), values: [...(values as string[])] });
    }
  }
  const wildcards = Object.entries(matchLabels).some(([k, v]) => containsWildcard(k) || containsWildcard(v));
  return {
    matchLabels,
    wildcards,
    expressions,
    labelsError: wildcards ? null : selectorError(() => validateLabels(matchLabels)),
    expressionsError: selectorError(() => validateExpressions(expressions)),
  };
}

/** Does the selector match the labels? Throws SelectorError for an invalid selector. */
export function selectorMatches(selector: unknown, labelsIn: Record<string, string> | null): boolean {
  const labels = labelsIn ?? {};
  if (!isObject(selector)) throw new SelectorError('selector must be an object');
  let parsed = parsedSelectors.get(selector);
  if (parsed === undefined) {
    try {
      parsed = parseSelector(selector);
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      parsed = error;
    }
    parsedSelectors.set(selector, parsed);
  }
  if (parsed instanceof SelectorError) throw parsed;
  // LabelSelectorAsSelector after wildcards.ReplaceInSelector: the expanded matchLabels, then the expressions
  let expanded = parsed.matchLabels;
  if (parsed.wildcards) {
    expanded = replaceWildcardsInLabels(parsed.matchLabels, labels);
    validateLabels(expanded);
  } else if (parsed.labelsError) {
    throw parsed.labelsError;
  }
  if (parsed.expressionsError) throw parsed.expressionsError;
  const expressions = parsed.expressions;
  for (const [k, v] of Object.entries(expanded)) {
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  }
  for (const e of expressions) {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}
