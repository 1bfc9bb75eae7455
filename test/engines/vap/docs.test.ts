// The Kubernetes documentation's ValidatingAdmissionPolicy examples
// (kubernetes/website content/en/docs/reference/access-authn-authz/validating-admission-policy.md
// and its example files), with the outcomes and messages the page shows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VapEngine } from '../../../src/engines/vap/index.ts';
import { deployment, fixture, namespace } from './helpers.ts';

test('basic example: replicas > 5 in an environment=test namespace is denied with the failed expression', () => {
  const engine = new VapEngine(fixture('docs/basic.yaml'), { namespaces: [namespace('test-ns', { environment: 'test' }), namespace('other')] });
  assert.equal(engine.problems, []);
  const denied = engine.review({ object: deployment('nginx', 'test-ns', 6) });
  assert.is(denied.allowed, false);
  assert.equal(denied.status, {
    code: 422,
    reason: 'Invalid',
    message: `deployments.apps "nginx" is forbidden: ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5`,
  });
  assert.is(engine.review({ object: deployment('nginx', 'test-ns', 5) }).allowed, true);
  // the binding only selects environment=test namespaces
  const elsewhere = engine.verdicts({ object: deployment('nginx', 'other', 6) });
  assert.equal(elsewhere, [{ policy: 'demo-policy.example.com', binding: 'demo-binding-test.example.com', verdict: 'skip', message: 'the binding does not match the request' }]);
});

test('parameter resources: each binding applies its own ReplicaLimit (3 in test, 100 elsewhere)', () => {
  const engine = new VapEngine(fixture('docs/replicalimit.yaml'), {
    namespaces: [namespace('default'), namespace('test-ns', { environment: 'test' }), namespace('prod-ns', { environment: 'prod' })],
  });
  assert.equal(engine.problems, []);
  const verdict = (ns: string, replicas: number) => engine.verdicts({ object: deployment('web', ns, replicas) }).map((v) => `${v.binding}:${v.verdict}`);
  assert.equal(verdict('test-ns', 3), ['replicalimit-binding-nontest:skip', 'replicalimit-binding-test.example.com:pass']);
  assert.equal(verdict('test-ns', 4), ['replicalimit-binding-nontest:skip', 'replicalimit-binding-test.example.com:fail']);
  assert.equal(verdict('prod-ns', 100), ['replicalimit-binding-nontest:pass', 'replicalimit-binding-test.example.com:skip']);
  assert.equal(verdict('prod-ns', 101), ['replicalimit-binding-nontest:fail', 'replicalimit-binding-test.example.com:skip']);
  // NotIn also selects namespaces without the label
  assert.equal(verdict('default', 101), ['replicalimit-binding-nontest:fail', 'replicalimit-binding-test.example.com:skip']);
  const review = engine.review({ object: deployment('web', 'test-ns', 4) });
  assert.is(review.status?.message, `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'replicalimit-policy.example.com' with binding 'replicalimit-binding-test.example.com' denied request: failed expression: object.spec.replicas <= params.maxReplicas`);
});

test('message expression: the denial reads "object.spec.replicas must be no greater than 3"', () => {
  const engine = new VapEngine(fixture('docs/message-expression.yaml'), { namespaces: [namespace('default')] });
  assert.equal(engine.problems, []);
  const review = engine.review({ object: deployment('nginx', 'default', 5) });
  assert.equal(review.status, {
    code: 422,
    reason: 'Invalid',
    message: `deployments.apps "nginx" is forbidden: ValidatingAdmissionPolicy 'deploy-replica-policy.example.com' with binding 'demo-binding-test.example.com' denied request: object.spec.replicas must be no greater than 3`,
  });
});

test('audit annotations: published as <policy name>/<key>', () => {
  const engine = new VapEngine(fixture('docs/audit-annotation.yaml'), { namespaces: [namespace('default')] });
  const review = engine.review({ object: deployment('big', 'default', 128) });
  assert.is(review.allowed, true);
  assert.equal(review.auditAnnotations, { 'demo-policy.example.com/high-replica-count': 'Deployment spec.replicas set to 128' });
});

test('variable composition: only prod images in the environment=prod default namespace', () => {
  const engine = new VapEngine(fixture('docs/image-matches-namespace-environment.yaml'));
  assert.equal(engine.problems, []);
  const denied = engine.review({ object: deployment('invalid', 'default', 1, 'dev.example.com/nginx') });
  assert.is(
    denied.status?.message,
    `deployments.apps "invalid" is forbidden: ValidatingAdmissionPolicy 'image-matches-namespace-environment.policy.example.com' with binding 'demo-binding-test.example.com' denied request: only prod images are allowed in namespace default`,
  );
  assert.is(engine.review({ object: deployment('valid', 'default', 1, 'prod.example.com/nginx') }).allowed, true);
  assert.is(engine.review({ object: deployment('other', 'default', 1, 'docker.io/nginx') }).allowed, true);
  // `exempt` fails (no labels): the error is absorbed by || when the other side is true…
  assert.is(engine.review({ object: deployment('nolabels', 'default', 1, 'prod.example.com/nginx', null) }).allowed, true);
  // …and is the validation's error when it is false
  const [error] = engine.verdicts({ object: deployment('nolabels', 'default', 1, 'dev.example.com/nginx', null) });
  assert.is(error?.verdict, 'error');
  assert.ok(error?.message.includes('exempt'), error?.message);
});

test('match conditions example: the docs\' policy calls startWith, which does not compile, so it is refused', () => {
  const engine = new VapEngine(fixture('docs/match-conditions.yaml'));
  assert.is(engine.policies.length, 0);
  assert.is(engine.problems.length, 1);
  assert.match(engine.problems[0]!.message, /match-conditions\.yaml:\d+: ValidatingAdmissionPolicy.* is invalid: spec\.validations\[0\]\.expression: Invalid value: .*startWith/);
});

test('match conditions: leases, kubelet (system:nodes) and RBAC requests are skipped', () => {
  const objects = fixture('docs/match-conditions.yaml');
  const spec = objects[0]!.value['spec'] as { validations: { expression: string }[] };
  spec.validations[0]!.expression = "object.metadata.name.startsWith('demo')";
  const engine = new VapEngine([...objects, { file: 'inline.yaml', line: 1, value: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'demo-policy.example.com', validationActions: ['Deny'] } } }], {
    namespaces: [namespace('default')],
  });
  assert.equal(engine.problems, []);
  const user = { username: 'alice', groups: ['system:authenticated'] };
  const node = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
  const verdict = (object: Record<string, unknown>, userInfo = user) => engine.verdicts({ object, userInfo })[0]?.verdict;
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });
  assert.is(verdict(cm('demo-config')), 'pass');
  assert.is(verdict(cm('config')), 'fail');
  assert.is(verdict(cm('config'), node), 'skip');
  assert.is(verdict({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lease', namespace: 'default' } }), 'skip');
  assert.is(verdict({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'role', namespace: 'default' } }), 'skip');
});

test.run();
