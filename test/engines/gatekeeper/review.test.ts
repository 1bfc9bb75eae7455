// The review Gatekeeper builds and the client around it. Expectations from upstream code and tests:
// - input.review for a bare object: admission/v1 AdmissionRequest JSON tags (k8s.io/api) as gator's
//   unstructuredToAdmissionRequest fills them, plus the Rego driver's namespaceObject;
// - CEL `request`: apiserver cel.CreateAdmissionRequest converted like ToUnstructured;
// - review-level matching, namespace cache and autoreject: gatekeeper pkg/target/target_test.go
//   (TestMatcher_Match, TestProcessData, TestHandleReviewForDelete) and frameworks constraint_client.go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { celRequest } from '../../../src/engines/gatekeeper/cel-driver.ts';
import { ConstraintClient, type Driver } from '../../../src/engines/gatekeeper/client.ts';
import type { Constraint } from '../../../src/engines/gatekeeper/constraint.ts';
import { GatekeeperError } from '../../../src/engines/gatekeeper/errors.ts';
import { Inventory } from '../../../src/engines/gatekeeper/inventory.ts';
import { reviewForAdmissionReview, reviewForObject, reviewJson } from '../../../src/engines/gatekeeper/review.ts';
import { loadTemplate } from '../../../src/engines/gatekeeper/template.ts';
import type { JsonObject } from '../../../src/engines/gatekeeper/values.ts';

const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' }, spec: { containers: [] } };

test('input.review for a bare object: operation "", oldObject null, empty userInfo', () => {
  assert.equal(reviewJson(reviewForObject(pod)), {
    uid: '',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: '', resource: '' },
    name: 'p',
    namespace: 'ns1',
    operation: '',
    userInfo: {},
    object: pod,
    oldObject: null,
    options: null,
    namespaceObject: null,
  });
});

test('input.review for a cluster-scoped object has no namespace key; groups are split from apiVersion', () => {
  const review = reviewJson(reviewForObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }));
  assert.not.ok('namespace' in review);
  assert.equal(review['kind'], { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' });
});

test('DELETE: the old object is reviewed as the object (setObjectOnDelete)', () => {
  const review = reviewForObject(pod, { operation: 'DELETE' });
  assert.equal(review.request.object, pod);
  assert.equal(review.request.oldObject, pod);
});

test('AdmissionReview: request used verbatim, kind left empty when absent', () => {
  const review = reviewForAdmissionReview({
    apiVersion: 'admission.k8s.io/v1beta1',
    kind: 'AdmissionReview',
    request: { operation: 'UPDATE', userInfo: { username: 'alice', groups: ['g'] }, object: pod, oldObject: pod, dryRun: true },
  });
  const json = reviewJson(review);
  assert.equal(json['kind'], { group: '', version: '', kind: '' });
  assert.is(json['operation'], 'UPDATE');
  assert.equal(json['userInfo'], { username: 'alice', groups: ['g'] });
  assert.is(json['dryRun'], true);
});

test('AdmissionReview errors (runner_test "invalid admission review usage")', () => {
  const ar = (request: unknown, extra: JsonObject = {}) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', ...(request === undefined ? {} : { request }), ...extra }) as JsonObject;
  assert.throws(() => reviewForAdmissionReview(ar(null, { key_that_does_not_exist_in_spec: 'v' })), /not a valid AdmissionReview object/);
  assert.throws(() => reviewForAdmissionReview(ar(undefined)), /missing an AdmissionRequest object/);
  assert.throws(() => reviewForAdmissionReview(ar({ name: null })), /no object or oldObject found to review/);
  assert.throws(() => reviewForAdmissionReview(ar({ operation: 'DELETE', object: pod })), /oldObject cannot be nil for DELETE operations/);
  assert.throws(() => reviewForAdmissionReview(ar({ object: { labels: [] } })), /object or oldObject cannot be unmarshalled/);
});

test('CEL request: VAP view of the request (uid "", requestKind/Resource, dryRun false, object/oldObject null)', () => {
  assert.equal(celRequest(reviewForObject(pod).request), {
    uid: '',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: '', resource: '' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    requestResource: { group: '', version: '', resource: '' },
    name: 'p',
    namespace: 'ns1',
    operation: '',
    userInfo: {},
    object: null,
    oldObject: null,
    dryRun: false,
    options: null,
  });
  // RequestWrapper.GetOperation knows only the four admission operations
  assert.is(celRequest(reviewForObject(pod, { operation: 'create' }).request)['operation'], '');
});

test('inventory paths (TestProcessData)', () => {
  const inventory = new Inventory();
  inventory.add({ apiVersion: 'v1beta1', kind: 'Rock', metadata: { name: 'myrock' } });
  inventory.add({ apiVersion: 'v1beta1', kind: 'Rock', metadata: { name: 'myrock', namespace: 'foo' } });
  inventory.add({ apiVersion: 'mygroup/v1beta1', kind: 'Rock', metadata: { name: 'myrock' } });
  const data = inventory.data as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  assert.ok(data['cluster']!['v1beta1']!['Rock']!['myrock']);
  assert.ok(data['cluster']!['mygroup/v1beta1']!['Rock']!['myrock']);
  assert.ok((data['namespace']!['foo'] as unknown as Record<string, Record<string, Record<string, unknown>>>)['v1beta1']!['Rock']!['myrock']);
  assert.throws(() => inventory.add({ apiVersion: '', kind: 'Rock', metadata: { name: 'x' } }), /has no version/);
  assert.throws(() => inventory.add({ apiVersion: 'v1', kind: '', metadata: { name: 'x' } }), /has no kind/);
});

// A driver that reports one violation per matched constraint, to observe matching.
const recorder: Driver = {
  engine: 'Rego',
  addTemplate: () => {},
  query: (constraints: readonly Constraint[]) => constraints.map((constraint) => ({ msg: `matched ${constraint.name}`, details: {}, constraint })),
};

const template = loadTemplate(
  {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'thing' },
    spec: { crd: { spec: { names: { kind: 'Thing' } } }, targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package x' }] },
  },
  { file: 't', line: 1 },
);

function clientWith(spec: JsonObject | undefined, enforcementAction?: string): ConstraintClient {
  const client = new ConstraintClient([recorder]);
  client.addTemplate(template);
  const fullSpec: JsonObject = { ...(spec ?? {}), ...(enforcementAction ? { enforcementAction } : {}) };
  client.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Thing', metadata: { name: 'c' }, ...(spec || enforcementAction ? { spec: fullSpec } : {}) }, { file: 'c', line: 1 });
  return client;
}

const fooMatch: JsonObject = {
  match: {
    source: 'All',
    kinds: [{ kinds: ['Thing'], apiGroups: ['some'] }],
    scope: 'Namespaced',
    namespaces: ['my-ns'],
    labelSelector: { matchLabels: { obj: 'label' } },
    namespaceSelector: { matchLabels: { ns: 'label' } },
  },
};
const matched = (labels?: Record<string, string>): JsonObject => ({ apiVersion: 'some/v1', kind: 'Thing', metadata: { name: 'foo', namespace: 'my-ns', labels: labels ?? { obj: 'label' } } });
const nsObject: JsonObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'my-ns', labels: { ns: 'label' } } };
const ar = (request: JsonObject): JsonObject => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });

test('TestMatcher_Match: object and oldObject, either may match', () => {
  const client = clientWith(fooMatch);
  const withNs = (request: JsonObject) => ({ ...reviewForAdmissionReview(ar(request)), namespace: nsObject });
  assert.is(client.review(withNs({ object: matched() })).length, 1);
  assert.is(client.review(withNs({ object: matched(), oldObject: matched({}) })).length, 1);
  assert.is(client.review(withNs({ object: matched({}), oldObject: matched() })).length, 1);
  assert.is(client.review(withNs({ object: matched({}), oldObject: matched({}) })).length, 0);
  assert.is(client.review(withNs({ object: matched({}) })).length, 0);
});

test('TestMatcher_Match: a Namespace object itself (not cached) does not match a namespaced constraint', () => {
  const client = clientWith(fooMatch);
  assert.is(client.review(reviewForObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } })).length, 0);
});

test('namespaceSelector: missing Namespace autorejects with the constraint action; cached Namespace is used', () => {
  const selector = { match: { namespaceSelector: { matchLabels: { ns: 'label' } } } };
  const object: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'foo', namespace: 'foo' } };
  const rejecting = clientWith(selector, 'warn');
  const [result] = rejecting.review(reviewForObject(object));
  assert.is(result?.engine, 'autoreject');
  assert.is(result?.enforcementAction, 'warn');
  assert.is(
    result?.msg,
    'unable to match constraints: error matching the requested object: foo :failed to run Match criteria: namespace selector for namespace-scoped object but missing Namespace',
  );

  const noMatch = clientWith(selector);
  noMatch.addData({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } });
  assert.is(noMatch.review(reviewForObject(object)).length, 0);

  const match = clientWith(selector);
  match.addData({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo', labels: { ns: 'label' } } });
  assert.equal(match.review(reviewForObject(object)).map((r) => r.msg), ['matched c']);
});

test('a constraint without spec.match matches everything', () => {
  assert.is(clientWith(undefined).review(reviewForObject({ apiVersion: 'x/v1', kind: 'Any', metadata: { name: 'a' } })).length, 1);
});

test('scoped constraint without an action for gator is not run at all', () => {
  const client = new ConstraintClient([recorder]);
  client.addTemplate(template);
  client.addConstraint(
    { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Thing', metadata: { name: 'c' }, spec: { enforcementAction: 'scoped', scopedEnforcementActions: [{ action: 'deny', enforcementPoints: [{ name: 'audit.gatekeeper.sh' }] }] } },
    { file: 'c', line: 1 },
  );
  assert.is(client.review(reviewForObject(pod)).length, 0);
});

test('results are sorted by enforcement action, then message', () => {
  const client = new ConstraintClient([recorder]);
  client.addTemplate(template);
  for (const [name, action] of [['b', 'warn'], ['a', 'warn'], ['z', 'deny']] as const) {
    client.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Thing', metadata: { name }, spec: { enforcementAction: action } }, { file: 'c', line: 1 });
  }
  assert.equal(client.review(reviewForObject(pod)).map((r) => `${r.enforcementAction} ${r.msg}`), ['deny matched z', 'warn matched a', 'warn matched b']);
});

test('driver errors surface as GatekeeperError (review fails)', () => {
  const failing: Driver = { engine: 'Rego', addTemplate: () => {}, query: () => { throw new GatekeeperError('review', 'boom'); } };
  const client = new ConstraintClient([failing]);
  client.addTemplate(template);
  client.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Thing', metadata: { name: 'c' } }, { file: 'c', line: 1 });
  assert.throws(() => client.review(reviewForObject(pod)), /boom/);
});

test.run();
