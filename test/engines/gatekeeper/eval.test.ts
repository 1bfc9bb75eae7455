// `kpc eval` rows for Gatekeeper (contract in ../shared/docs/design.md): one row per resource ×
// constraint, evaluated as `gator test` evaluates manifests (gatekeeper pkg/gator/test/test.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gatekeeperEvalRows } from '../../../src/engines/gatekeeper/eval.ts';
import type { LoadedObject } from '../../../src/util/eval-row.ts';

const at = (value: Record<string, unknown>, file = 'policy.yaml'): LoadedObject => ({ file, line: 1, value });

const template = at({
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8snoprivileged', labels: { 'kube-policy-compiler/control': 'privileged', 'kube-policy-compiler/pss-check': 'privileged' } },
  spec: {
    crd: { spec: { names: { kind: 'K8sNoPrivileged' } } },
    targets: [{
      target: 'admission.k8s.gatekeeper.sh',
      code: [{ engine: 'K8sNativeValidation', source: { validations: [{ expression: 'variables.anyObject.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)', message: 'privileged container' }] } }],
      rego: 'package k8snoprivileged\nviolation[{"msg": "privileged container"}] {\n  c := input.review.object.spec.containers[_]\n  c.securityContext.privileged\n}\n',
    }],
  },
});
const regoOnly = at({
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8sregoonly' },
  spec: { crd: { spec: { names: { kind: 'K8sRegoOnly' } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package r\nviolation[{"msg": "x"}] { false }\n' }] },
});
const constraint = at({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sNoPrivileged', metadata: { name: 'no-privileged' }, spec: { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] } } });
const regoOnlyConstraint = at({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sRegoOnly', metadata: { name: 'rego-only' } });
const badConstraint = at({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sNoPrivileged', metadata: { name: 'bad' }, spec: { enforcementAction: 3 } });

const pod = (name: string, privileged: boolean) =>
  at({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged } }] } }, `${name}.yaml`);
const configMap = at({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } }, 'cm.yaml');

for (const engine of ['rego', 'cel'] as const) {
  test(`rows [${engine}]: fail / pass / skip (no match), labels give control and pssCheck`, () => {
    const rows = gatekeeperEvalRows([template, constraint], [pod('bad', true), pod('good', false), configMap], engine);
    assert.equal(
      rows.map((r) => [r.file, r.name, r.namespace, r.kind, r.policy, r.rule, r.verdict, r.message, r.engine, r.control, r.pssCheck]),
      [
        ['bad.yaml', 'bad', 'default', 'Pod', 'no-privileged', 'K8sNoPrivileged', 'fail', 'privileged container', `gatekeeper-${engine}`, 'privileged', 'privileged'],
        ['good.yaml', 'good', 'default', 'Pod', 'no-privileged', 'K8sNoPrivileged', 'pass', '', `gatekeeper-${engine}`, 'privileged', 'privileged'],
        ['cm.yaml', 'cm', null, 'ConfigMap', 'no-privileged', 'K8sNoPrivileged', 'skip', 'constraint does not match the resource', `gatekeeper-${engine}`, 'privileged', 'privileged'],
      ],
    );
  });
}

test('a template without the chosen engine gives skip rows; an invalid constraint gives error rows', () => {
  const rows = gatekeeperEvalRows([template, regoOnly, regoOnlyConstraint, badConstraint], [pod('p', false)], 'cel');
  const byPolicy = Object.fromEntries(rows.map((r) => [r.policy, [r.verdict, r.message]]));
  assert.equal(byPolicy['rego-only'], ['skip', 'template has no K8sNativeValidation engine']);
  assert.is(byPolicy['bad']?.[0], 'error');
  assert.match(String(byPolicy['bad']?.[1]), /schema validation failed/);
});

test.run();
