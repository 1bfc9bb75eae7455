// `kpc eval` rows for ValidatingAdmissionPolicies (design.md: one row per resource × binding,
// engine "vap", control/pssCheck from the kube-policy-compiler labels of the policy).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { vapEvalRows } from '../../../src/engines/vap/eval.ts';
import { binding, deployment, fixture, loaded, namespace, pod, policy } from './helpers.ts';

const privilegedPod = (name: string, ns?: string) => {
  const p = pod(name, ns ?? '', { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] });
  if (ns === undefined) delete (p['metadata'] as Record<string, unknown>)['namespace'];
  return p;
};

test('one row per resource × binding, with control and pssCheck from the policy labels', () => {
  const rows = vapEvalRows(fixture('pod-controllers/privileged.yaml'), [loaded(namespace('apps')), loaded(privilegedPod('bad', 'apps')), loaded(pod('good', 'apps'))]);
  assert.equal(
    rows.map((r) => [r.kind, r.namespace, r.name, r.engine, r.policy, r.rule, r.control, r.pssCheck, r.verdict]),
    [
      ['Namespace', null, 'apps', 'vap', 'disallow-privileged', 'disallow-privileged', 'privileged', 'privileged', 'skip'],
      ['Pod', 'apps', 'bad', 'vap', 'disallow-privileged', 'disallow-privileged', 'privileged', 'privileged', 'fail'],
      ['Pod', 'apps', 'good', 'vap', 'disallow-privileged', 'disallow-privileged', 'privileged', 'privileged', 'pass'],
    ],
  );
  assert.is(rows[1]!.message, 'Deny: privileged containers are not allowed: c');
});

test('a namespaced object without a namespace goes to "default"; a namespace with no Namespace object has only its name label', () => {
  const rows = vapEvalRows(fixture('pod-controllers/privileged.yaml'), [loaded(privilegedPod('bad')), loaded(privilegedPod('sys', 'kube-system'))]);
  assert.equal(rows.map((r) => [r.namespace, r.verdict]), [['default', 'fail'], ['kube-system', 'skip']]);
});

test('Namespace objects among the resources give namespace labels', () => {
  const objects = fixture('docs/basic.yaml');
  const rows = vapEvalRows(objects, [loaded(namespace('t', { environment: 'test' })), loaded(deployment('d', 't', 9)), loaded(deployment('d', 'u', 9))]);
  assert.equal(rows.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}:${r.verdict}`), ['Namespace//t:skip', 'Deployment/t/d:fail', 'Deployment/u/d:skip']);
  assert.is(rows[1]!.control, null);
  assert.is(rows[1]!.pssCheck, null);
});

test('param objects can come with the policies', () => {
  const rows = vapEvalRows(fixture('docs/message-expression.yaml'), [loaded(deployment('nginx', 'default', 5))]);
  assert.equal(rows.map((r) => [r.verdict, r.message]), [['fail', 'Deny: object.spec.replicas must be no greater than 3']]);
});

test('bad policies and bindings are error rows; unbound policies and orphan bindings are skip rows', () => {
  const rows = vapEvalRows(
    [
      loaded(policy('broken', { validations: [{ expression: 'object.spec.(' }] }), 3),
      loaded(binding('to-broken', 'broken'), 10),
      loaded(binding('bad-binding', 'unbound', { validationActions: ['Deny', 'Warn'] }), 20),
      loaded(policy('unbound', { validations: [{ expression: 'true' }] }), 30),
      loaded(binding('orphan', 'missing'), 40),
    ],
    [loaded(pod('p', 'default'))],
  );
  assert.equal(
    rows.map((r) => [r.policy, r.rule, r.verdict]),
    [
      ['broken', 'to-broken', 'error'],
      ['missing', 'orphan', 'skip'],
      ['unbound', 'bad-binding', 'error'],
    ],
  );
  assert.match(rows[0]!.message, /^policy could not be loaded: inline\.yaml:3: .*spec\.validations\[0\]\.expression: Invalid value/);
  assert.match(rows[2]!.message, /^binding could not be loaded: inline\.yaml:20: .*must not contain both Deny and Warn/);
  const unboundOnly = vapEvalRows([loaded(policy('alone', { validations: [{ expression: 'true' }] }))], [loaded(pod('p', 'default'))]);
  assert.equal(unboundOnly.map((r) => [r.policy, r.rule, r.verdict]), [['alone', '', 'skip']]);
});

test('a resource that is not a Kubernetes object is an error row, not a crash', () => {
  const rows = vapEvalRows(fixture('docs/basic.yaml'), [{ file: 'x.yaml', line: 1, value: { metadata: { name: 'nokind' } } }]);
  assert.is(rows.length, 1);
  assert.is(rows[0]!.verdict, 'error');
  assert.match(rows[0]!.message, /apiVersion\/kind/);
});

test.run();
