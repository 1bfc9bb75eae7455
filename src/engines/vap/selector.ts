/**
 * metav1.LabelSelectorAsSelector → labels.Selector, as the admission matchers use it: a null
 * selector selects nothing, an empty one everything; every requirement is checked when the selector
 * is built (labels.NewRequirement), so an invalid selector is an error even where an earlier
 * requirement would already have failed to match.
 */
import { labelValueErrors, qualifiedNameErrors } from '../k8s/validation.ts';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

export class SelectorError extends Error {}

export interface CompiledSelector {
  /** labels.Selector.Empty(): true only for the select-everything selector. */
  readonly empty: boolean;
  matches(labels: Labels): boolean;
}

const NOTHING: CompiledSelector = { empty: false, matches: () => false };
const EVERYTHING: CompiledSelector = { empty: true, matches: () => true };

// Loaded selectors are never changed: each is compiled (and validated) once.
const compiledSelectors = new WeakMap<LabelSelector, CompiledSelector | SelectorError>();

/** LabelSelectorAsSelector; throws SelectorError with the apimachinery message for an invalid one. */
export function compileSelector(selector: LabelSelector | null): CompiledSelector {
  if (selector === null) return NOTHING;
  let compiled = compiledSelectors.get(selector);
  if (compiled === undefined) {
    try {
      compiled = buildSelector(selector);
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      compiled = error;
    }
    compiledSelectors.set(selector, compiled);
  }
  if (compiled instanceof SelectorError) throw compiled;
  return compiled;
}

function buildSelector(selector: LabelSelector): CompiledSelector {
  const labelKeys = Object.keys(selector.matchLabels).sort();
  if (labelKeys.length + selector.matchExpressions.length === 0) return EVERYTHING;
  const requirements: ((labels: Labels) => boolean)[] = [];
  for (const key of labelKeys) {
    const value = selector.matchLabels[key]!;
    checkRequirement(key, 'Equals', [value]);
    requirements.push((labels) => Object.hasOwn(labels, key) && labels[key] === value);
  }
  for (const { key, operator, values } of selector.matchExpressions) {
    switch (operator) {
      case 'In':
        checkRequirement(key, operator, values);
        requirements.push((labels) => Object.hasOwn(labels, key) && values.includes(labels[key]!));
        break;
      case 'NotIn':
        checkRequirement(key, operator, values);
        requirements.push((labels) => !Object.hasOwn(labels, key) || !values.includes(labels[key]!));
        break;
      case 'Exists':
        checkRequirement(key, operator, values);
        requirements.push((labels) => Object.hasOwn(labels, key));
        break;
      case 'DoesNotExist':
        checkRequirement(key, operator, values);
        requirements.push((labels) => !Object.hasOwn(labels, key));
        break;
      default:
        throw new SelectorError(`${JSON.stringify(operator)} is not a valid label selector operator`);
    }
  }
  return { empty: false, matches: (labels) => requirements.every((requirement) => requirement(labels)) };
}

// labels.NewRequirement: the field.ErrorList it aggregates, in its order.
function checkRequirement(key: string, operator: string, values: readonly string[]): void {
  const errors: string[] = [];
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) errors.push(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
  const shown = `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    errors.push(`values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`);
  } else if (operator === 'Equals' && values.length !== 1) {
    errors.push(`values: Invalid value: ${shown}: exact-match compatibility requires one single value`);
  } else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length !== 0) {
    errors.push(`values: Invalid value: ${shown}: values set must be empty for exists and does not exist`);
  }
  values.forEach((value, i) => {
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) errors.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(value)}: ${valueErrors.join('; ')}`);
  });
  // utilerrors.NewAggregate: one error as is, several as "[a, b]"
  if (errors.length === 1) throw new SelectorError(errors[0]!);
  if (errors.length > 1) throw new SelectorError(`[${errors.join(', ')}]`);
}
