import type { ResolvedControl } from '../../build/model.ts';
import type { RolloutMode } from '../../controls/config.ts';
import { compileCel, inlineParams, podOf } from '../gatekeeper/cel.ts';
import { artifactName, controlLabels, namespaceSelector, POD_CONTROLLERS, selectorExclusion } from '../common.ts';

/**
 * Native admission policy: a `ValidatingAdmissionPolicy` per control (admissionregistration.k8s.io/v1,
 * Kubernetes ≥ 1.30) and its bindings. The policy matches Pods and the pod-controller resources,
 * and reads the pod template of a workload itself (variable `pod`), like the Gatekeeper CEL engine.
 * Parameters are inlined (no parameter resource to install). Bindings carry the scope
 * (namespaceSelector), namespace exemptions (`kubernetes.io/metadata.name NotIn …`), a
 * one-requirement label selector exemption (objectSelector), and the staged rollout
 * (validationActions; one binding per mode).
 */

const RESOURCES: Record<string, string> = {
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ReplicationController: 'replicationcontrollers',
};

const ACTIONS: Record<RolloutMode, string[]> = { enforce: ['Deny'], warn: ['Warn'], audit: ['Audit'] };
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function validatingAdmissionPolicy(control: ResolvedControl): Record<string, unknown> {
  const groups = new Map<string, string[]>([['', ['pods']]]);
  for (const c of POD_CONTROLLERS) groups.set(c.group, [...(groups.get(c.group) ?? []), RESOURCES[c.kind]!]);
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: artifactName(control), labels: controlLabels(control) },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [...groups].map(([group, resources]) => ({ apiGroups: [group], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources })),
      },
      variables: [{ name: 'pod', expression: podOf('object') }],
      validations: control.rules.map((rule) => ({
        expression: compileCel(rule.check, { pod: 'variables.pod', param: inlineParams }),
        message: rule.message,
      })),
    },
  };
}

export interface EmittedBinding {
  readonly suffix: string;
  readonly object: Record<string, unknown>;
}

export function validatingAdmissionPolicyBindings(control: ResolvedControl): EmittedBinding[] {
  const exempted = [...new Set(control.exemptions.flatMap((e) => (e.target.kind === 'namespaces' ? e.target.namespaces : [])))];
  const objectSelector = selectorExclusion(control);
  const byMode = new Map<RolloutMode, string[]>();
  for (const [ns, mode] of Object.entries(control.rollout.namespaces)) byMode.set(mode, [...(byMode.get(mode) ?? []), ns]);

  const make = (mode: RolloutMode, name: string, namespaces: { in?: string[]; notIn: string[] }) => {
    const selector = namespaceSelector(control.scope);
    if (namespaces.in) selector.matchExpressions.push({ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...namespaces.in].sort() });
    if (namespaces.notIn.length > 0) selector.matchExpressions.push({ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...namespaces.notIn].sort() });
    const matchResources: Record<string, unknown> = { namespaceSelector: selector };
    if (objectSelector) matchResources['objectSelector'] = objectSelector;
    return {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: controlLabels(control) },
      spec: { policyName: artifactName(control), validationActions: ACTIONS[mode], matchResources },
    };
  };

  const overridden = [...byMode.values()].flat();
  const out: EmittedBinding[] = [{ suffix: '', object: make(control.rollout.mode, artifactName(control), { notIn: [...exempted, ...overridden] }) }];
  for (const [mode, namespaces] of [...byMode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const included = namespaces.filter((ns) => !exempted.includes(ns));
    if (included.length === 0) continue;
    out.push({ suffix: `-${mode}`, object: make(mode, `${artifactName(control)}-${mode}`, { in: included, notIn: [] }) });
  }
  return out;
}
