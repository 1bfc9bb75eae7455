import type { ResolvedControl } from '../../build/model.ts';
import type { RolloutMode } from '../../controls/config.ts';
import { artifactName, controlLabels, kebab, namespaceSelector, pascal, POD_CONTROLLERS, selectorExclusion } from '../common.ts';
import { compileCel, podOf } from './cel.ts';
import { regoModule } from './rego.ts';

/**
 * Gatekeeper backend: one `templates.gatekeeper.sh/v1` ConstraintTemplate per control, with a CEL
 * (`K8sNativeValidation`) engine and a Rego engine that say the same thing, and one Constraint.
 *
 * Pod controllers: the constraint matches Pods and every pod-controller kind, and both engines read
 * the pod template of a workload themselves (`spec.template`, or `spec.jobTemplate.spec.template`
 * for a CronJob). This needs no ExpansionTemplate (and no generator-expansion feature flag), and
 * a workload is judged by the same template and constraint as its pods.
 */

export const constraintKind = (control: ResolvedControl): string => `Kpc${pascal(control.id)}`;

const CEL_POD = 'variables.pod';

export function constraintTemplate(control: ResolvedControl): Record<string, unknown> {
  const kind = constraintKind(control);
  const properties = Object.fromEntries(control.params.map((p) => [p.name, { ...p.schema, description: p.description }]));
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: {
      name: kind.toLowerCase(),
      labels: controlLabels(control),
      annotations: {
        'metadata.gatekeeper.sh/title': control.title,
        'metadata.gatekeeper.sh/version': '1.0.0',
        description: `${control.description} ${control.remediation}`,
      },
    },
    spec: {
      crd: {
        spec: {
          names: { kind },
          validation: { openAPIV3Schema: { type: 'object', properties } },
        },
      },
      targets: [
        {
          target: 'admission.k8s.gatekeeper.sh',
          code: [
            { engine: 'K8sNativeValidation', source: celSource(control) },
            { engine: 'Rego', source: { rego: regoModule(control, `kpc.${kebab(control.id).replace(/-/g, '_')}`) } },
          ],
        },
      ],
    },
  };
}

function celSource(control: ResolvedControl): Record<string, unknown> {
  return {
    // The pod under review: a Pod itself, or the pod template of a workload.
    variables: [{ name: 'pod', expression: podOf('variables.anyObject') }],
    validations: control.rules.map((rule) => ({
      expression: compileCel(rule.check, { pod: CEL_POD, param: (p) => `variables.params.${p.name}` }),
      message: rule.message,
    })),
  };
}

const ENFORCEMENT_ACTION: Record<RolloutMode, string> = { enforce: 'deny', warn: 'warn', audit: 'dryrun' };

export interface EmittedConstraint {
  /** File stem suffix: '' for the control's main constraint, '-warn' / '-dryrun' / '-deny' for rollout overrides. */
  readonly suffix: string;
  readonly object: Record<string, unknown>;
}

/**
 * The control's Constraints: one at the control's rollout mode, plus one per other mode that some
 * managed namespaces get (scoped to them with `match.namespaces`, and excluded from the main one).
 * Namespace exemptions become `excludedNamespaces`; a one-requirement label selector exemption
 * becomes its negation in `labelSelector`; image exemptions are the `exemptImages` parameter.
 */
export function constraints(control: ResolvedControl): EmittedConstraint[] {
  const kinds = [
    { apiGroups: [''], kinds: ['Pod'] },
    ...['', 'apps', 'batch'].map((group) => ({
      apiGroups: [group],
      kinds: POD_CONTROLLERS.filter((c) => c.group === group).map((c) => c.kind),
    })),
  ].filter((entry) => entry.kinds.length > 0);
  const exempted = [...new Set(control.exemptions.flatMap((e) => (e.target.kind === 'namespaces' ? e.target.namespaces : [])))];
  const labelSelector = selectorExclusion(control);
  const byMode = new Map<RolloutMode, string[]>();
  for (const [ns, mode] of Object.entries(control.rollout.namespaces)) byMode.set(mode, [...(byMode.get(mode) ?? []), ns]);

  const make = (mode: RolloutMode, name: string, scope: { namespaces?: string[]; excludedNamespaces?: string[] }) => {
    const match: Record<string, unknown> = { kinds: mergeCoreKinds(kinds) };
    if (scope.namespaces) match['namespaces'] = [...scope.namespaces].sort();
    if (scope.excludedNamespaces && scope.excludedNamespaces.length > 0) match['excludedNamespaces'] = [...scope.excludedNamespaces].sort();
    match['namespaceSelector'] = namespaceSelector(control.scope);
    if (labelSelector) match['labelSelector'] = labelSelector;
    const spec: Record<string, unknown> = { enforcementAction: ENFORCEMENT_ACTION[mode], match };
    if (control.params.length > 0) spec['parameters'] = Object.fromEntries(control.params.map((p) => [p.name, p.value]));
    return { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: constraintKind(control), metadata: { name, labels: controlLabels(control) }, spec };
  };

  const overridden = [...byMode.values()].flat();
  const out: EmittedConstraint[] = [{ suffix: '', object: make(control.rollout.mode, artifactName(control), { excludedNamespaces: [...exempted, ...overridden] }) }];
  for (const [mode, namespaces] of [...byMode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const included = namespaces.filter((ns) => !exempted.includes(ns));
    if (included.length === 0) continue;
    const suffix = `-${ENFORCEMENT_ACTION[mode]}`;
    out.push({ suffix, object: make(mode, `${artifactName(control)}${suffix}`, { namespaces: included }) });
  }
  return out;
}


/** Pod and ReplicationController share the core group: list them in one entry. */
function mergeCoreKinds(entries: { apiGroups: string[]; kinds: string[] }[]): { apiGroups: string[]; kinds: string[] }[] {
  const core = entries.filter((e) => e.apiGroups[0] === '').flatMap((e) => e.kinds);
  return [{ apiGroups: [''], kinds: core }, ...entries.filter((e) => e.apiGroups[0] !== '')];
}
