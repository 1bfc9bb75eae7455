import type { ResolvedExemption } from '../build/exemptions.ts';
import type { ResolvedControl } from '../build/model.ts';
import type { LabelSelector, RolloutMode } from '../controls/config.ts';
import type { Action, HarnessNamespace } from './types.ts';

/**
 * The reference meaning of what the project config adds around a control's check: which
 * namespaces select it (its scope), which objects its exemptions take out (by namespace, by
 * workload kind and name, by label selector on the object's own labels; image exemptions are part
 * of the check itself), and what a failure does in a namespace (its staged-rollout mode).
 */

/** The namespace's labels select the control (a Kubernetes label selector requirement). */
export function scopeSelects(control: ResolvedControl, labels: Readonly<Record<string, string>>): boolean {
  const scope = control.scope;
  if (!Object.hasOwn(labels, scope.key)) return false;
  return scope.operator === 'Exists' || (scope.values ?? []).includes(labels[scope.key]!);
}

/** The first exemption of the control covering this object in this namespace. */
export function exemptionFor(control: ResolvedControl, object: Record<string, unknown>, namespace: HarnessNamespace): ResolvedExemption | undefined {
  return control.exemptions.find((exemption) => covers(exemption, object, namespace.name));
}

function covers(exemption: ResolvedExemption, object: Record<string, unknown>, namespace: string): boolean {
  const target = exemption.target;
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  switch (target.kind) {
    case 'namespaces':
      return target.namespaces.includes(namespace);
    case 'workload-name':
      return object['kind'] === target.workloadKind && metadata['name'] === target.name && namespace === target.namespace;
    case 'workload-selector': {
      if (target.namespace !== null && target.namespace !== namespace) return false;
      const labels = isObject(metadata['labels']) ? (metadata['labels'] as Record<string, unknown>) : {};
      return selectorMatches(target.selector, labels);
    }
    case 'images':
      return false; // part of the control's rules (a container with an exempt image is skipped)
  }
}

/** metav1.LabelSelector semantics: every matchLabels pair and every requirement must hold. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, unknown>>): boolean {
  const has = (key: string) => Object.hasOwn(labels, key) && typeof labels[key] === 'string';
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (!has(key) || labels[key] !== value) return false;
  for (const r of selector.matchExpressions ?? []) {
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has(r.key) || !values.includes(labels[r.key] as string)) return false;
        break;
      case 'NotIn':
        if (has(r.key) && values.includes(labels[r.key] as string)) return false;
        break;
      case 'Exists':
        if (!has(r.key)) return false;
        break;
      case 'DoesNotExist':
        if (has(r.key)) return false;
        break;
    }
  }
  return true;
}

/** The control's rollout mode in a namespace, and what a failure does there. */
export function rolloutAction(control: ResolvedControl, namespace: string): Action {
  const mode: RolloutMode = control.rollout.namespaces[namespace] ?? control.rollout.mode;
  return mode === 'enforce' ? 'deny' : mode;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
