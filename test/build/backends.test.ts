import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { build } from '../../src/build/index.ts';
import { REPO } from './temp-project.ts';
import { kebab } from '../../src/backends/common.ts';

// Structure of each target's output (not snapshots): what a cluster and its tooling rely on.
const test = suite('backends: Kyverno, Gatekeeper, PSA and network output');
const latest = await build({ root: REPO, typecheck: false });
const v118 = await build({ root: REPO, typecheck: false, pssVersion: 'v1.18' });
const doc = (files: Map<string, string>, path: string) => {
  const content = files.get(path);
  assert.ok(content, `${path} is emitted`);
  return parse(content!) as Record<string, any>;
};

test('Kyverno: one ClusterPolicy per control, Pod-only matches scoped by namespace labels, a failureAction per rule', () => {
  for (const control of latest.model.controls) {
    const policy = doc(latest.files, `kyverno/${kebab(control.id)}.yaml`);
    assert.is(policy.apiVersion, 'kyverno.io/v1');
    assert.is(policy.kind, 'ClusterPolicy');
    assert.is(policy.spec.background, true);
    assert.is(policy.metadata.labels['kube-policy-compiler/control'], control.id);
    assert.is(policy.metadata.labels['kube-policy-compiler/level'], control.level);
    assert.ok(policy.metadata.annotations['policies.kyverno.io/title']);
    assert.equal(policy.spec.rules.map((r: any) => r.name), control.rules.map((r) => r.name));
    for (const rule of policy.spec.rules) {
      // Autogen needs Pod alone in kinds, and no names / selector / annotations (kyverno.md §4.1).
      const [filter] = rule.match.any;
      assert.equal(filter.resources.kinds, ['Pod']);
      assert.not.ok(filter.resources.names || filter.resources.selector || filter.resources.annotations);
      assert.equal(filter.resources.namespaceSelector.matchExpressions[0], { key: control.scope.key, operator: 'In', values: [...control.scope.values!] });
      assert.is(rule.validate.failureAction, control.rollout.mode === 'enforce' ? 'Enforce' : 'Audit');
      assert.ok(rule.validate.message.length > 20);
      assert.ok(rule.validate.pattern || rule.validate.anyPattern || rule.validate.deny || rule.validate.foreach);
    }
  }
});

test('Kyverno: overlay checks compile to patterns with anchors, others to deny with absent-safe JMESPath', () => {
  const privileged = doc(latest.files, 'kyverno/privileged.yaml').spec.rules[0].validate;
  assert.equal(privileged.pattern['=(spec)']['=(containers)'], [{ '=(securityContext)': { '=(privileged)': false } }]);
  const escalation = doc(latest.files, 'kyverno/allow-privilege-escalation.yaml').spec.rules[0].validate;
  assert.equal(escalation.anyPattern[0], { spec: { os: { name: 'windows' } } });
  assert.equal(escalation.anyPattern[1]['=(spec)']['=(initContainers)'], [{ securityContext: { allowPrivilegeEscalation: false } }]);
  const hostPath = doc(latest.files, 'kyverno/host-path-volumes.yaml').spec.rules[0].validate;
  assert.equal(hostPath.pattern, { '=(spec)': { '=(volumes)': [{ 'X(hostPath)': 'null' }] } });
  const nonRoot = doc(latest.files, 'kyverno/run-as-non-root.yaml').spec.rules[0].validate;
  const [condition] = nonRoot.deny.conditions.any;
  assert.equal([condition.operator, condition.value], ['Equals', true]);
  assert.match(condition.key, /^\{\{ .* \}\}$/);
  // Autogen rewrites request.object.spec / request.object.metadata: never read the object elsewhere.
  assert.not.match(condition.key, /request\.object\.(?!spec\.|metadata\.)/);
});

test('Kyverno: a check that reads the pod from inside a container loop at v1.18 becomes a foreach', () => {
  const seccomp = doc(v118.files, 'kyverno/seccomp-profile-baseline.yaml').spec.rules;
  const containers = seccomp.find((r: any) => r.name === 'container-annotations').validate;
  assert.is(containers.foreach[0].list, 'request.object.spec.[initContainers, containers, ephemeralContainers][]');
  assert.match(containers.foreach[0].deny.conditions.any[0].key, /lookup\(request\.object\.metadata\.annotations \|\| `\{\}`, join\('', \['container\.seccomp\.security\.alpha\.kubernetes\.io\/', element\.name/);
});

test('Gatekeeper: a template with CEL and Rego engines, parameters schema, and a constraint on Pods and pod controllers', () => {
  for (const control of latest.model.controls) {
    const template = doc(latest.files, `gatekeeper/templates/${kebab(control.id)}.yaml`);
    const constraint = doc(latest.files, `gatekeeper/constraints/${kebab(control.id)}.yaml`);
    const kind = template.spec.crd.spec.names.kind;
    assert.is(template.metadata.name, kind.toLowerCase());
    assert.is(constraint.kind, kind);
    assert.is(constraint.apiVersion, 'constraints.gatekeeper.sh/v1beta1');
    const [target] = template.spec.targets;
    assert.is(target.target, 'admission.k8s.gatekeeper.sh');
    assert.equal(target.code.map((c: any) => c.engine), ['K8sNativeValidation', 'Rego']);
    assert.is(target.code[0].source.validations.length, control.rules.length);
    assert.match(target.code[1].source.rego, /^package kpc\.\w+\n/);
    assert.is((target.code[1].source.rego.match(/^violation\[\{"msg": msg\}\] \{$/gm) ?? []).length, control.rules.length);
    assert.equal(Object.keys(template.spec.crd.spec.validation.openAPIV3Schema.properties), control.params.map((p) => p.name));
    assert.equal(constraint.spec.parameters ?? {}, Object.fromEntries(control.params.map((p) => [p.name, p.value])));
    const kinds = constraint.spec.match.kinds.flatMap((k: any) => k.kinds).sort();
    assert.equal(kinds, ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
    assert.equal(constraint.spec.match.namespaceSelector.matchExpressions[0].key, control.scope.key);
  }
  const uid = doc(latest.files, 'gatekeeper/templates/run-as-user-range.yaml');
  assert.match(uid.spec.targets[0].code[1].source.rego, /input\.parameters\.minUid/);
  assert.match(uid.spec.targets[0].code[0].source.validations[0].expression, /variables\.params\.minUid/);
});

test('PSA: Namespace manifests with enforce/warn/audit labels, version pins and scope labels; a label script', () => {
  const legacy = doc(latest.files, 'psa/legacy-batch.yaml');
  assert.equal(legacy.metadata.labels, {
    'kube-policy-compiler/level': 'baseline',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'v1.37',
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/enforce-version': 'v1.37',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'v1.37',
  });
  assert.is(doc(latest.files, 'psa/payments.yaml').metadata.labels['hardening.kube-policy-compiler/readOnlyRootFilesystem'], 'true');
  assert.match(latest.files.get('psa/label-namespaces.sh')!, /kubectl label namespace legacy-batch --overwrite kube-policy-compiler\/level=baseline \\\n/);
});

test('Network: default-deny (ingress and egress) only where asked, DNS egress when allowDns', () => {
  const deny = doc(latest.files, 'network/payments-default-deny.yaml');
  assert.equal(deny.spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  assert.is(deny.metadata.namespace, 'payments');
  const dns = doc(latest.files, 'network/payments-allow-dns.yaml');
  assert.equal(dns.spec.egress[0].ports, [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  assert.not.ok(latest.files.has('network/legacy-batch-default-deny.yaml'));
});

test('scope: restricted controls select restricted namespaces; overridden baseline checks leave restricted ones', () => {
  const byId = new Map(latest.model.controls.map((c) => [c.id, c]));
  assert.equal(byId.get('privileged')!.activeLevels, ['baseline', 'restricted']);
  assert.equal(byId.get('capabilities_baseline')!.activeLevels, ['baseline']);
  assert.equal(byId.get('runAsNonRoot')!.activeLevels, ['restricted']);
  assert.equal(byId.get('pinnedImages')!.scope, { key: 'hardening.kube-policy-compiler/pinnedImages', operator: 'In', values: ['true'] });
  // Before v1.22 capabilities_restricted does not exist, so the baseline list applies at restricted too.
  assert.equal(v118.model.controls.find((c) => c.id === 'capabilities_baseline')!.activeLevels, ['baseline', 'restricted']);
});

test.run();
