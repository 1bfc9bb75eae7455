import type { ResolvedControl } from '../../build/model.ts';
import { artifactName, controlLabels, kebab, namespaceSelector, pascal, POD_CONTROLLERS } from '../common.ts';
import { compileCel } from './cel.ts';
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
  const o = 'variables.anyObject';
  const template = (path: readonly string[]) => {
    const guards = path.map((_, i) => `has(${o}.${path.slice(0, i + 1).join('.')})`).join(' && ');
    return `(${guards} ? ${o}.${path.join('.')} : {})`;
  };
  return {
    variables: [
      {
        // The pod under review: a Pod itself, or the pod template of a workload.
        name: 'pod',
        expression: `${o}.kind == "Pod" ? ${o} : ${o}.kind == "CronJob" ? ${template(['spec', 'jobTemplate', 'spec', 'template'])} : ${template(['spec', 'template'])}`,
      },
    ],
    validations: control.rules.map((rule) => ({
      expression: compileCel(rule.check, { pod: CEL_POD, param: (name) => `variables.params.${name}` }),
      message: rule.message,
    })),
  };
}

export function constraint(control: ResolvedControl): Record<string, unknown> {
  const kinds = [
    { apiGroups: [''], kinds: ['Pod'] },
    ...['', 'apps', 'batch'].map((group) => ({
      apiGroups: [group],
      kinds: POD_CONTROLLERS.filter((c) => c.group === group).map((c) => c.kind),
    })),
  ].filter((entry) => entry.kinds.length > 0);
  const spec: Record<string, unknown> = {
    enforcementAction: 'deny',
    match: { kinds: mergeCoreKinds(kinds), namespaceSelector: namespaceSelector(control.scope) },
  };
  if (control.params.length > 0) spec['parameters'] = Object.fromEntries(control.params.map((p) => [p.name, p.value]));
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: constraintKind(control),
    metadata: { name: artifactName(control), labels: controlLabels(control) },
    spec,
  };
}

/** Pod and ReplicationController share the core group: list them in one entry. */
function mergeCoreKinds(entries: { apiGroups: string[]; kinds: string[] }[]): { apiGroups: string[]; kinds: string[] }[] {
  const core = entries.filter((e) => e.apiGroups[0] === '').flatMap((e) => e.kinds);
  return [{ apiGroups: [''], kinds: core }, ...entries.filter((e) => e.apiGroups[0] !== '')];
}
