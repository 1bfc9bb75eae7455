import type { ResolvedControl } from '../../build/model.ts';
import type { LabelSelector, RolloutMode } from '../../controls/config.ts';
import { compileCel, inlineParams } from '../gatekeeper/cel.ts';
import { artifactName, controlLabels, namespaceSelector } from '../common.ts';

/**
 * Kyverno's CEL `ValidatingPolicy` (policies.kyverno.io/v1, Kyverno ≥ 1.17): one per control and
 * rollout mode. It matches Pods only and reads `object.spec` / `object.metadata` directly, so
 * Kyverno's autogen (kyverno.md §4.4: one pods resourceRule, no exclusions, no objectSelector)
 * rewrites it for the pod controllers. Parameters are inlined. Exemptions: namespaces by
 * namespaceSelector, label selectors by a match condition on the object's labels (autogen reads
 * the pod template's), images inside the checks.
 */

const ACTIONS: Record<RolloutMode, string[]> = { enforce: ['Deny'], warn: ['Warn'], audit: ['Audit'] };
const CONTROLLERS = ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs'];
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface EmittedValidatingPolicy {
  readonly suffix: string;
  readonly object: Record<string, unknown>;
}

export function validatingPolicies(control: ResolvedControl): EmittedValidatingPolicy[] {
  const exempted = [...new Set(control.exemptions.flatMap((e) => (e.target.kind === 'namespaces' ? e.target.namespaces : [])))];
  const byMode = new Map<RolloutMode, string[]>();
  for (const [ns, mode] of Object.entries(control.rollout.namespaces)) byMode.set(mode, [...(byMode.get(mode) ?? []), ns]);
  const validations = control.rules.map((rule) => ({ expression: compileCel(rule.check, { pod: 'object', param: inlineParams }), message: rule.message }));
  const matchConditions = control.exemptions.flatMap((e) =>
    e.target.kind === 'workload-selector'
      ? [{ name: `not-${e.name}`, expression: `!(${selectorMatches(e.target.selector, e.target.namespace)})` }]
      : [],
  );

  const make = (mode: RolloutMode, name: string, namespaces: { in?: string[]; notIn: string[] }) => {
    const selector = namespaceSelector(control.scope);
    if (namespaces.in) selector.matchExpressions.push({ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...namespaces.in].sort() });
    if (namespaces.notIn.length > 0) selector.matchExpressions.push({ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...namespaces.notIn].sort() });
    const spec: Record<string, unknown> = {
      validationActions: ACTIONS[mode],
      evaluation: { background: { enabled: true } },
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        namespaceSelector: selector,
      },
      autogen: { podControllers: { controllers: CONTROLLERS } },
    };
    if (matchConditions.length > 0) spec['matchConditions'] = matchConditions;
    spec['validations'] = validations;
    return { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name, labels: controlLabels(control) }, spec };
  };

  const overridden = [...byMode.values()].flat();
  const out: EmittedValidatingPolicy[] = [{ suffix: '', object: make(control.rollout.mode, artifactName(control), { notIn: [...exempted, ...overridden] }) }];
  for (const [mode, namespaces] of [...byMode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const included = namespaces.filter((ns) => !exempted.includes(ns));
    if (included.length > 0) out.push({ suffix: `-${mode}`, object: make(mode, `${artifactName(control)}-${mode}`, { in: included, notIn: [] }) });
  }
  return out;
}

/** A CEL test that the object's labels (and namespace, when given) satisfy a label selector. */
function selectorMatches(selector: LabelSelector, namespace: string | null): string {
  const labels = 'object.metadata.labels';
  // has() guards only its last field: autogen makes object.metadata the template's, which may be absent.
  const has = (key: string) => `(has(object.metadata) && has(object.metadata.labels) && ${JSON.stringify(key)} in ${labels})`;
  const value = (key: string) => `${labels}[${JSON.stringify(key)}]`;
  const tests: string[] = [];
  // The request namespace: object.metadata.namespace would be rewritten by autogen for templates.
  if (namespace) tests.push(`request.namespace == ${JSON.stringify(namespace)}`);
  for (const [key, v] of Object.entries(selector.matchLabels ?? {})) tests.push(`(${has(key)} && ${value(key)} == ${JSON.stringify(v)})`);
  for (const r of selector.matchExpressions ?? []) {
    const values = JSON.stringify(r.values ?? []);
    if (r.operator === 'In') tests.push(`(${has(r.key)} && ${value(r.key)} in ${values})`);
    if (r.operator === 'NotIn') tests.push(`!(${has(r.key)} && ${value(r.key)} in ${values})`);
    if (r.operator === 'Exists') tests.push(has(r.key));
    if (r.operator === 'DoesNotExist') tests.push(`!${has(r.key)}`);
  }
  return tests.join(' && ');
}
