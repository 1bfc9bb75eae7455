// The verdicts of the two CEL admission targets as the harness reads them: the native
// ValidatingAdmissionPolicy plugin (bindings, selectors, validationActions) and Kyverno's
// ValidatingPolicy (autogen for pod controllers, match conditions, first failing validation).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResolvedControl } from '../../src/build/model.ts';
import { loadPolicy, type ValidatingPolicy } from '../../src/engines/kyverno/index.ts';
import { loadVapObjects } from '../../src/engines/vap/index.ts';
import type { ValidatingPolicyArtifact, VapArtifact } from '../../src/harness/artifacts.ts';
import { vapVerdict, vpolVerdict } from '../../src/harness/cel-targets.ts';
import { agrees } from '../../src/harness/compare.ts';
import type { HarnessNamespace, ReplayCase, VariantKind } from '../../src/harness/types.ts';
import { admittedVariant } from '../../src/harness/variants.ts';

const control = {
  id: 'hostNamespaces',
  rules: [
    { name: 'host-network', message: 'no host network' },
    { name: 'host-pid', message: 'no host PID' },
  ],
} as unknown as ResolvedControl;

const namespace = (name: string, labels: Record<string, string>): HarnessNamespace => ({ name, labels, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } });
const restricted = namespace('shop', { level: 'restricted' });
const unmanaged = namespace('scratch', {});

const hostPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { hostNetwork: true, hostPID: true, containers: [{ name: 'c', image: 'nginx' }] } };
const quietPod = { ...hostPod, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function replay(pod: Record<string, unknown>, kind: VariantKind, ns: HarnessNamespace): ReplayCase {
  return { origin: { fixture: 't', file: 't', line: 1 }, variant: kind, namespace: ns, ...admittedVariant(pod, kind, ns.name) };
}

const vap = suite('native ValidatingAdmissionPolicy verdicts');

function vapArtifact(validationActions: string[][], extraValidation?: string): VapArtifact {
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'host-namespaces' },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: ['', 'apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'deployments'] }] },
      variables: [{ name: 'pod', expression: 'object.kind == "Pod" ? object : object.spec.template' }],
      validations: [
        { expression: extraValidation ?? '!has(variables.pod.spec.hostNetwork) || !variables.pod.spec.hostNetwork', message: 'no host network' },
        { expression: '!has(variables.pod.spec.hostPID) || !variables.pod.spec.hostPID', message: 'no host PID' },
      ],
    },
  };
  const bindings = validationActions.map((actions, i) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: `host-namespaces-${i}` },
    spec: { policyName: 'host-namespaces', validationActions: actions, matchResources: { namespaceSelector: { matchLabels: { level: 'restricted' } } } },
  }));
  const loaded = loadVapObjects([policy, ...bindings].map((value, i) => ({ file: 't.yaml', line: i + 1, value })));
  assert.equal(loaded.problems.map((p) => p.message), []);
  return { key: 1, policies: loaded.policies, bindings: loaded.bindings };
}

vap('every failing validation is a failed rule; validationActions say what the failure does', () => {
  const verdict = vapVerdict(vapArtifact([['Warn']]), control, replay(hostPod, 'Pod', restricted));
  assert.is(verdict.outcome, 'fail');
  assert.is(verdict.action, 'warn', 'Warn answers with a warning, it does not deny');
  assert.equal(verdict.failedRules, ['host-network', 'host-pid']);
  assert.is(vapVerdict(vapArtifact([['Audit']]), control, replay(hostPod, 'Deployment', restricted)).action, 'audit');
  assert.is(vapVerdict(vapArtifact([['Deny', 'Audit']]), control, replay(hostPod, 'Pod', restricted)).action, 'deny');
  assert.is(vapVerdict(vapArtifact([['Audit'], ['Deny']]), control, replay(hostPod, 'Pod', restricted)).action, 'deny', 'the strongest binding');
});

vap('no match means the control was not applied: a namespace the binding does not select, a kind the policy does not match', () => {
  assert.is(vapVerdict(vapArtifact([['Deny']]), control, replay(hostPod, 'Pod', unmanaged)).outcome, 'not-applied');
  assert.is(vapVerdict(vapArtifact([['Deny']]), control, replay(hostPod, 'CronJob', restricted)).outcome, 'not-applied');
  assert.equal(vapVerdict(vapArtifact([['Deny']]), control, replay(quietPod, 'Deployment', restricted)), { outcome: 'pass', message: '', failedRules: [] });
});

vap('an evaluation error and an artifact that did not load are errors, never verdicts', () => {
  const broken = vapVerdict(vapArtifact([['Deny']], 'variables.pod.spec.hostNetwork == 1'), control, replay(quietPod, 'Pod', restricted));
  assert.is(broken.outcome, 'error');
  assert.equal(vapVerdict({ error: 'generated/vap/policies/x.yaml: bad' }, control, replay(hostPod, 'Pod', restricted)), { outcome: 'error', message: 'generated/vap/policies/x.yaml: bad' });
});

const vpol = suite('Kyverno ValidatingPolicy verdicts');

function vpolArtifact(validationActions: string[], matchConditions?: { name: string; expression: string }[]): ValidatingPolicyArtifact {
  const loaded = loadPolicy({
    file: 't.yaml',
    line: 1,
    value: {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'ValidatingPolicy',
      metadata: { name: 'host-namespaces' },
      spec: {
        validationActions,
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }], namespaceSelector: { matchLabels: { level: 'restricted' } } },
        ...(matchConditions ? { matchConditions } : {}),
        validations: [
          { expression: '!has(object.spec.hostNetwork) || !object.spec.hostNetwork', message: 'no host network' },
          { expression: '!has(object.spec.hostPID) || !object.spec.hostPID', message: 'no host PID' },
        ],
      },
    },
  });
  assert.is(loaded.type, 'validating');
  return { key: 2, policies: [loaded.policy as ValidatingPolicy] };
}

vpol('Kyverno stops at the first false validation: one failed rule, which agrees with the reference only if it is its first', () => {
  const verdict = vpolVerdict(vpolArtifact(['Audit']), control, replay(hostPod, 'Pod', restricted));
  assert.is(verdict.outcome, 'fail');
  assert.is(verdict.action, 'audit');
  assert.equal(verdict.failedRules, ['host-network']);
  assert.ok(verdict.firstFailureOnly);
  const reference = { outcome: 'fail', action: 'audit', message: '', failedRules: ['host-network', 'host-pid'] } as const;
  assert.ok(agrees(reference, verdict));
  assert.not.ok(agrees({ ...reference, failedRules: ['host-pid'] }, verdict));
});

vpol('autogen covers Deployments and CronJobs, not ReplicationControllers (kyverno pkg/cel/autogen)', () => {
  const artifact = vpolArtifact(['Deny']);
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const) {
    const verdict = vpolVerdict(artifact, control, replay(hostPod, kind, restricted));
    assert.is(verdict.outcome, 'fail', kind);
    assert.is(verdict.action, 'deny', kind);
  }
  assert.is(vpolVerdict(artifact, control, replay(hostPod, 'ReplicationController', restricted)).outcome, 'not-applied');
  assert.is(vpolVerdict(artifact, control, replay(quietPod, 'CronJob', restricted)).outcome, 'pass');
});

vpol('a namespace the selector does not pick, or a false match condition, leaves the control out', () => {
  assert.is(vpolVerdict(vpolArtifact(['Deny']), control, replay(hostPod, 'Pod', unmanaged)).outcome, 'not-applied');
  const exempting = vpolArtifact(['Deny'], [{ name: 'not-web', expression: '!(has(object.metadata.labels) && "app" in object.metadata.labels && object.metadata.labels["app"] == "web")' }]);
  assert.is(vpolVerdict(exempting, control, replay(hostPod, 'Pod', restricted)).outcome, 'not-applied');
  assert.is(vpolVerdict(exempting, control, replay(hostPod, 'Deployment', restricted)).outcome, 'not-applied', 'autogen reads the template labels');
  assert.is(vpolVerdict(exempting, control, replay({ ...hostPod, metadata: { name: 'api', labels: { app: 'api' } } }, 'Pod', restricted)).outcome, 'fail');
});

vap.run();
vpol.run();
