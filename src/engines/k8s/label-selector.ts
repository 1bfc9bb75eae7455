import { labelValueErrors, qualifiedNameErrors } from './validation.ts';

/**
 * metav1.LabelSelector as Kubernetes validates (apimachinery pkg/apis/meta/v1/validation
 * ValidateLabelSelector) and evaluates it (LabelSelectorAsSelector → labels.Selector.Matches).
 */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

/** ValidateLabelSelector errors (field.ErrorList text), under `path`. */
export function labelSelectorErrors(selector: LabelSelector, path: string): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    for (const msg of qualifiedNameErrors(key)) errors.push(`${path}.matchLabels: Invalid value: ${JSON.stringify(key)}: ${msg}`);
    for (const msg of labelValueErrors(value)) errors.push(`${path}.matchLabels: Invalid value: ${JSON.stringify(value)}: ${msg}`);
  }
  selector.matchExpressions.forEach((requirement, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    switch (requirement.operator) {
      case 'In':
      case 'NotIn':
        if (requirement.values.length === 0) errors.push(`${at}.values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (requirement.values.length > 0) errors.push(`${at}.values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
        break;
      default:
        errors.push(`${at}.operator: Invalid value: ${JSON.stringify(requirement.operator)}: not a valid selector operator`);
    }
    for (const msg of qualifiedNameErrors(requirement.key)) errors.push(`${at}.key: Invalid value: ${JSON.stringify(requirement.key)}: ${msg}`);
    requirement.values.forEach((value, j) => {
      for (const msg of labelValueErrors(value)) errors.push(`${at}.values[${j}]: Invalid value: ${JSON.stringify(value)}: ${msg}`);
    });
  });
  return errors;
}

/**
 * LabelSelectorAsSelector(selector).Matches(labels). An invalid selector is the error
 * LabelSelectorAsSelector returns (Gatekeeper turns a matcher error into an autoreject).
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const errors = requirementErrors(selector);
  let index = 0;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    const error = errors[index++];
    if (error) throw error;
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions) {
    const error = errors[index++];
    if (error) throw error;
    const has = Object.hasOwn(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (requirement.values.length === 0) throw new Error(`values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty`);
        if (!has || !requirement.values.includes(value!)) return false;
        break;
      case 'NotIn':
        if (requirement.values.length === 0) throw new Error(`values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty`);
        if (has && requirement.values.includes(value!)) return false;
        break;
      case 'Exists':
        if (requirement.values.length > 0) throw new Error(`values: Invalid value: ${JSON.stringify(requirement.values)}: values set must be empty for exists and does not exist`);
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (requirement.values.length > 0) throw new Error(`values: Invalid value: ${JSON.stringify(requirement.values)}: values set must be empty for exists and does not exist`);
        if (has) return false;
        break;
      default:
        throw new Error(`${JSON.stringify(requirement.operator)} is not a valid label selector operator`);
    }
  }
  return true;
}

// Per selector (loaded constraints never change): each requirement's key/value error, in match order,
// checked once instead of on every match.
const selectorErrors = new WeakMap<LabelSelector, readonly (Error | null)[]>();

function requirementErrors(selector: LabelSelector): readonly (Error | null)[] {
  let errors = selectorErrors.get(selector);
  if (!errors) {
    const capture = (check: () => void): Error | null => {
      try {
        check();
        return null;
      } catch (error) {
        return error as Error;
      }
    };
    errors = [
      ...Object.entries(selector.matchLabels).map(([key, value]) =>
        capture(() => {
          requireValidKey(key);
          if (labelValueErrors(value).length > 0) throw new Error(`values[0][${key}]: Invalid value: ${JSON.stringify(value)}: ${labelValueErrors(value).join('; ')}`);
        }),
      ),
      ...selector.matchExpressions.map((requirement) => capture(() => requireValidKey(requirement.key))),
    ];
    selectorErrors.set(selector, errors);
  }
  return errors;
}

function requireValidKey(key: string): void {
  const errors = qualifiedNameErrors(key);
  if (errors.length > 0) throw new Error(`key: Invalid value: ${JSON.stringify(key)}: ${errors.join('; ')}`);
}
