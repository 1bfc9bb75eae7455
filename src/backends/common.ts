import { CONTROL_LABEL, PSS_CHECK_LABEL, type ResolvedControl, type ScopeRequirement } from '../build/model.ts';

/** Names and labels every backend derives the same way from a control. */

/** `hostNamespaces` → `host-namespaces`; `capabilities_baseline` → `capabilities-baseline`. */
export function kebab(id: string): string {
  return id
    .replace(/_/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** `hostNamespaces` → `HostNamespaces`; `capabilities_baseline` → `CapabilitiesBaseline`. */
export function pascal(id: string): string {
  return kebab(id)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** Object name of a control's artifacts (Kyverno policy, Gatekeeper constraint, …). */
export const artifactName = (control: ResolvedControl): string => `kpc-${kebab(control.id)}`;

/** Base name of a control's files in generated/. */
export const fileStem = (control: ResolvedControl): string => kebab(control.id);

/** The labels every generated object of a control carries. */
export function controlLabels(control: ResolvedControl): Record<string, string> {
  const labels: Record<string, string> = {
    [CONTROL_LABEL]: control.id,
    'kube-policy-compiler/level': control.level,
  };
  if (control.pssCheck) labels[PSS_CHECK_LABEL] = control.pssCheck;
  return labels;
}

/** The control's namespace scope as a Kubernetes LabelSelector. */
export function namespaceSelector(scope: ScopeRequirement): { matchExpressions: Record<string, unknown>[] } {
  const requirement: Record<string, unknown> = { key: scope.key, operator: scope.operator };
  if (scope.values) requirement['values'] = [...scope.values];
  return { matchExpressions: [requirement] };
}

/** Pod controllers every target must cover, with where their pod template lives. */
export const POD_CONTROLLERS = [
  { group: 'apps', kind: 'Deployment', template: ['spec', 'template'] },
  { group: 'apps', kind: 'StatefulSet', template: ['spec', 'template'] },
  { group: 'apps', kind: 'DaemonSet', template: ['spec', 'template'] },
  { group: 'apps', kind: 'ReplicaSet', template: ['spec', 'template'] },
  { group: 'batch', kind: 'Job', template: ['spec', 'template'] },
  { group: 'batch', kind: 'CronJob', template: ['spec', 'jobTemplate', 'spec', 'template'] },
  { group: '', kind: 'ReplicationController', template: ['spec', 'template'] },
] as const;

/**
 * The negation of the label selector exemptions a single selector can exclude: one requirement,
 * no namespace (the others are reported as lossy). For Gatekeeper labelSelector, VAP objectSelector.
 */
export function selectorExclusion(control: ResolvedControl): { matchExpressions: Record<string, unknown>[] } | null {
  const requirements: Record<string, unknown>[] = [];
  for (const exemption of control.exemptions) {
    if (exemption.target.kind !== 'workload-selector' || exemption.target.namespace !== null) continue;
    const { matchLabels = {}, matchExpressions = [] } = exemption.target.selector;
    const labels = Object.entries(matchLabels);
    if (labels.length + matchExpressions.length !== 1) continue;
    if (labels.length === 1) {
      const [key, value] = labels[0]!;
      requirements.push({ key, operator: 'NotIn', values: [value] });
      continue;
    }
    const requirement = matchExpressions[0]!;
    const negated = { In: 'NotIn', NotIn: 'In', Exists: 'DoesNotExist', DoesNotExist: 'Exists' }[requirement.operator];
    requirements.push(requirement.values?.length ? { key: requirement.key, operator: negated, values: [...requirement.values] } : { key: requirement.key, operator: negated });
  }
  return requirements.length > 0 ? { matchExpressions: requirements } : null;
}
