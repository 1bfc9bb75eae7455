// The dispatcher: validationActions, audit annotations, failurePolicy, denials and the request
// variables. Cases ported from kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/
// validating/admission_test.go (TestAuditValidationAction, TestWarnValidationAction,
// TestAllValidationActions, TestAuditAnnotations) and the behaviour of validating/dispatcher.go,
// validator.go and plugin/cel (CreateAdmissionRequest, CreateNamespaceObject) as documented there
// and on the Kubernetes docs page (failure policy, match conditions).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CelAuthorizer } from '../../../src/engines/cel/index.ts';
import { Cluster, dispatch, attributesForObject, loadBinding, loadPolicy, VapEngine, VALIDATION_FAILURE_ANNOTATION } from '../../../src/engines/vap/index.ts';
import { binding, loaded, namespace, pod, policy } from './helpers.ts';

const sorry = (extra: Record<string, unknown> = {}) => policy('denypolicy.example.com', { failurePolicy: 'Fail', validations: [{ expression: 'false', message: "I'm sorry Dave" }], ...extra });
const cluster = () => new Cluster({ namespaces: [namespace('default', { env: 'test' })] });
const request = (object = pod('p', 'default')) => attributesForObject({ object });

function reviewWith(actions: string[], policyObject = sorry()) {
  const p = loadPolicy(loaded(policyObject));
  // the dispatcher is given the actions as is: Deny with Warn is refused by validation, not here
  const b = { ...loadBinding(loaded(binding('denybinding.example.com', 'denypolicy.example.com', { validationActions: ['Deny'] }))), validationActions: actions as ('Deny' | 'Warn' | 'Audit')[] };
  return dispatch([p], [b], request(), { cluster: cluster() });
}

test('TestAuditValidationAction: a validation_failure audit annotation, no warning, admitted', () => {
  const review = reviewWith(['Audit']);
  assert.is(review.allowed, true);
  assert.equal(review.warnings, []);
  assert.equal(Object.keys(review.auditAnnotations), [VALIDATION_FAILURE_ANNOTATION]);
  assert.equal(JSON.parse(review.auditAnnotations[VALIDATION_FAILURE_ANNOTATION]!), [
    { message: "I'm sorry Dave", policy: 'denypolicy.example.com', binding: 'denybinding.example.com', expressionIndex: 0, validationActions: ['Audit'] },
  ]);
});

test('TestWarnValidationAction: one warning, no annotation, admitted', () => {
  const review = reviewWith(['Warn']);
  assert.is(review.allowed, true);
  assert.equal(review.warnings, ["Validation failed for ValidatingAdmissionPolicy 'denypolicy.example.com' with binding 'denybinding.example.com': I'm sorry Dave"]);
  assert.equal(review.auditAnnotations, {});
});

test('TestAllValidationActions: denied, warned and audited at once', () => {
  const review = reviewWith(['Deny', 'Warn', 'Audit']);
  assert.is(review.allowed, false);
  assert.ok(review.status?.message.includes("I'm sorry Dave"));
  assert.equal(review.warnings, ["Validation failed for ValidatingAdmissionPolicy 'denypolicy.example.com' with binding 'denybinding.example.com': I'm sorry Dave"]);
  assert.equal(JSON.parse(review.auditAnnotations[VALIDATION_FAILURE_ANNOTATION]!)[0].validationActions, ['Deny', 'Warn', 'Audit']);
});

test('the validation_failure annotation value is encoding/json output (<, >, & escaped)', () => {
  const review = reviewWith(['Audit'], sorry({ validations: [{ expression: 'false', message: 'a <b> & c' }] }));
  assert.ok(review.auditAnnotations[VALIDATION_FAILURE_ANNOTATION]!.includes('"message":"a \\u003cb\\u003e \\u0026 c"'));
});

test('TestAuditAnnotations: one value per distinct binding result, joined with ", "; excluded keys absent; errors deny', () => {
  const p = sorry({
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    validations: [{ expression: 'true' }],
    auditAnnotations: [
      { key: 'example-key', valueExpression: "params.metadata.name == 'replicas-test2.example.com' ? 'special-value' : 'normal-value'" },
      { key: 'excluded-key', valueExpression: 'null' },
      { key: 'error-key', valueExpression: 'params.data.missing' },
    ],
  });
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: {} });
  const bindingFor = (name: string, param: string) => binding(name, 'denypolicy.example.com', { paramRef: { name: param, namespace: 'default', parameterNotFoundAction: 'Deny' } });
  const engine = new VapEngine(
    [p, bindingFor('denybinding.example.com', 'replicas-test.example.com'), bindingFor('denybinding2.example.com', 'replicas-test2.example.com'), bindingFor('denybinding3.example.com', 'replicas-test3.example.com')].map((o) => loaded(o)),
    { namespaces: [namespace('default')], objects: [cm('replicas-test.example.com'), cm('replicas-test2.example.com'), cm('replicas-test3.example.com')] },
  );
  const review = engine.review({ object: pod('p', 'default') });
  assert.equal(Object.keys(review.auditAnnotations), ['denypolicy.example.com/example-key']);
  assert.equal(review.auditAnnotations['denypolicy.example.com/example-key']!.split(', ').sort(), ['normal-value', 'special-value']);
  assert.is(review.allowed, false);
  assert.ok(review.status?.message.includes("valueExpression 'params.data.missing'") || review.status?.message.includes('missing'), review.status?.message);
  assert.equal(engine.verdicts({ object: pod('p', 'default') }).map((v) => v.verdict), ['error', 'error', 'error']);
});

test('an audit annotation error denies even for a Warn-only binding (upstream ignores the actions there)', () => {
  const p = sorry({ validations: [{ expression: 'true' }], auditAnnotations: [{ key: 'k', valueExpression: 'object.missing' }] });
  const review = reviewWith(['Warn'], p);
  assert.is(review.allowed, false);
  assert.equal(review.warnings, []);
});

test('failurePolicy Fail: an evaluation error denies; Ignore: it is admitted (reported as an ignored error)', () => {
  const erroring = (failurePolicy: string) => sorry({ failurePolicy, validations: [{ expression: 'object.spec.replicas > 1' }] });
  const failed = reviewWith(['Deny'], erroring('Fail'));
  assert.is(failed.allowed, false);
  assert.match(failed.status!.message, /denied request: expression 'object\.spec\.replicas > 1' resulted in error: /);
  assert.is(failed.status!.code, 422);
  const ignored = new VapEngine([loaded(erroring('Ignore')), loaded(binding('b', 'denypolicy.example.com'))], { namespaces: [namespace('default')] });
  assert.is(ignored.review({ object: pod('p', 'default') }).allowed, true);
  const [verdict] = ignored.verdicts({ object: pod('p', 'default') });
  assert.is(verdict?.verdict, 'error');
  assert.ok(verdict?.message.endsWith('(ignored: failurePolicy Ignore)'), verdict?.message);
});

test('failurePolicy: an evaluation error under Fail follows the binding\'s actions (Warn warns, does not deny)', () => {
  const review = reviewWith(['Warn'], sorry({ validations: [{ expression: 'object.spec.replicas > 1' }] }));
  assert.is(review.allowed, true);
  assert.is(review.warnings.length, 1);
  assert.match(review.warnings[0]!, /resulted in error/);
});

test('failurePolicy: a configuration error denies under Fail and is dropped under Ignore', () => {
  const unknownKind = (failurePolicy: string) => sorry({ failurePolicy, paramKind: { apiVersion: 'example.com/v1', kind: 'Missing' } });
  const b = binding('b', 'denypolicy.example.com', { paramRef: { name: 'x', parameterNotFoundAction: 'Deny' } });
  const fail = new VapEngine([loaded(unknownKind('Fail')), loaded(b)], { namespaces: [namespace('default')] }).review({ object: pod('p', 'default') });
  assert.is(fail.status?.message, `pods "p" is forbidden: ValidatingAdmissionPolicy 'denypolicy.example.com' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Missing'`);
  const ignore = new VapEngine([loaded(unknownKind('Ignore')), loaded(b)], { namespaces: [namespace('default')] }).review({ object: pod('p', 'default') });
  assert.is(ignore.allowed, true);
  assert.ok(ignore.policies[0]!.configError?.includes('ignored'));
});

test('matchConditions: any false skips the policy whatever the errors; errors alone deny under Fail, skip under Ignore', () => {
  const withConditions = (failurePolicy: string, conditions: { name: string; expression: string }[]) => sorry({ failurePolicy, matchConditions: conditions });
  const falseAndError = [{ name: 'err', expression: 'object.missing == 1' }, { name: 'no', expression: 'false' }];
  const errorOnly = [{ name: 'err', expression: 'object.missing == 1' }, { name: 'yes', expression: 'true' }];
  assert.is(reviewWith(['Deny'], withConditions('Fail', falseAndError)).allowed, true);
  const denied = reviewWith(['Deny'], withConditions('Fail', errorOnly));
  assert.is(denied.allowed, false);
  assert.match(denied.status!.message, /expression 'object\.missing == 1' resulted in error/);
  assert.is(reviewWith(['Deny'], withConditions('Ignore', errorOnly)).allowed, true);
  const skipped = new VapEngine([loaded(withConditions('Fail', [{ name: 'no', expression: 'false' }])), loaded(binding('b', 'denypolicy.example.com'))], { namespaces: [namespace('default')] });
  assert.equal(skipped.verdicts({ object: pod('p', 'default') }).map((v) => v.verdict), ['skip']);
});

test('reason sets the status code; the first denial (policies, then bindings, by name) is the one reported', () => {
  const forbidden = sorry({ validations: [{ expression: 'false', message: 'no', reason: 'Forbidden' }] });
  const engine = new VapEngine([loaded(forbidden), loaded(binding('z-binding', 'denypolicy.example.com')), loaded(binding('a-binding', 'denypolicy.example.com'))], { namespaces: [namespace('default')] });
  const review = engine.review({ object: pod('p', 'default') });
  assert.equal(review.status, { code: 403, reason: 'Forbidden', message: `pods "p" is forbidden: ValidatingAdmissionPolicy 'denypolicy.example.com' with binding 'a-binding' denied request: no` });
  assert.equal(engine.verdicts({ object: pod('p', 'default') }).map((v) => `${v.binding}:${v.verdict}`), ['a-binding:fail', 'z-binding:fail']);
});

test('every failing validation of a binding is a decision; messageExpression falls back to message', () => {
  const p = sorry({ validations: [{ expression: 'false', messageExpression: "'first: ' + object.metadata.name" }, { expression: 'true' }, { expression: 'false', messageExpression: 'object.nope', message: 'static' }] });
  const review = reviewWith(['Deny'], p);
  assert.equal(review.policies[0]!.bindings[0]!.denials.map((d) => d.message), ['first: p', 'static']);
});

test('bindings without a policy are ignored; policies match before bindings are looked at; admission config resources are exempt', () => {
  const engine = new VapEngine([loaded(sorry()), loaded(binding('b', 'denypolicy.example.com')), loaded(binding('orphan', 'nope.example.com'))], { namespaces: [namespace('default')] });
  const review = engine.review({ object: pod('p', 'default') });
  assert.equal(review.orphanBindings, ['orphan']);
  assert.is(review.allowed, false);
  const cm = engine.review({ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } } });
  assert.is(cm.allowed, true);
  assert.is(cm.policies[0]!.matched, false);
  const vap = engine.review({ object: sorry() });
  assert.ok(vap.exempt?.includes('validatingadmissionpolicies.admissionregistration.k8s.io'));
});

test('a namespaced request whose namespace does not exist fails the request with NotFound', () => {
  const engine = new VapEngine([loaded(sorry()), loaded(binding('b', 'denypolicy.example.com'))]);
  const review = engine.review({ object: pod('p', 'ghost') });
  assert.equal(review.status, { code: 404, reason: 'NotFound', message: 'namespaces "ghost" not found' });
});

test('CEL sees request (matched kind/resource, user, namespace) and the reduced namespaceObject', () => {
  const p = sorry({
    validations: [
      { expression: "request.kind.kind == 'Pod' && request.resource.resource == 'pods' && request.requestKind.version == 'v1'", message: 'kind' },
      { expression: "request.operation == 'UPDATE' && request.namespace == 'default' && request.name == 'p' && request.userInfo.username == 'alice'", message: 'request' },
      { expression: "namespaceObject.metadata.name == 'default' && namespaceObject.metadata.labels['kubernetes.io/metadata.name'] == 'default'", message: 'namespace' },
      { expression: "!has(namespaceObject.kind) && namespaceObject.status.phase == 'Active' && oldObject.metadata.name == 'p'", message: 'reduced' },
    ],
  });
  const b = loadBinding(loaded(binding('b', 'denypolicy.example.com')));
  const attributes = attributesForObject({ object: pod('p', 'default'), oldObject: pod('p', 'default'), userInfo: { username: 'alice' } });
  const review = dispatch([loadPolicy(loaded(p))], [b], attributes, { cluster: cluster() });
  assert.equal(review.policies[0]!.bindings[0]!.denials, []);
  assert.is(review.allowed, true);
});

test('a Namespace request: created without a namespace of its own, no namespaceObject; DELETE has only oldObject', () => {
  const p = policy('ns-policy', {
    matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['*'], resources: ['namespaces'] }] },
    validations: [{ expression: "namespaceObject == null && !has(request.namespace) == (request.operation == 'CREATE') && (object == null) == (request.operation == 'DELETE')", message: 'shape' }],
  });
  const engine = new VapEngine([loaded(p), loaded(binding('b', 'ns-policy'))]);
  for (const operation of ['CREATE', 'DELETE'] as const) {
    const ns = namespace('fresh');
    const review = engine.review(operation === 'CREATE' ? { object: ns } : { oldObject: ns, operation });
    assert.is(review.allowed, true, `${operation}: ${review.status?.message}`);
  }
});

test('authorizer: a policy using it needs one; with one supplied, checks are answered by it', () => {
  const p = sorry({ validations: [{ expression: "authorizer.group('').resource('secrets').namespace('default').check('get').allowed()", message: 'cannot read secrets' }] });
  const objects = [loaded(p), loaded(binding('b', 'denypolicy.example.com'))];
  const without = new VapEngine(objects, { namespaces: [namespace('default')] }).review({ object: pod('p', 'default') });
  assert.is(without.policies[0]!.bindings[0]!.outcome, 'unsupported');
  assert.is(without.unsupported.length, 1);
  const authorizer: CelAuthorizer = { authorize: (a) => ({ decision: a.user.username === 'admin' ? 'allow' : 'deny' }) };
  const engine = new VapEngine(objects, { namespaces: [namespace('default')], authorizer });
  assert.is(engine.review({ object: pod('p', 'default'), userInfo: { username: 'admin' } }).allowed, true);
  assert.is(engine.review({ object: pod('p', 'default'), userInfo: { username: 'bob' } }).allowed, false);
});

test('matchPolicy Equivalent through another version needs a conversion: unsupported, not guessed', () => {
  const p = policy('hpa', { matchConstraints: { resourceRules: [{ apiGroups: ['autoscaling'], apiVersions: ['v2'], operations: ['CREATE'], resources: ['horizontalpodautoscalers'] }] }, validations: [{ expression: 'true' }] });
  const engine = new VapEngine([loaded(p), loaded(binding('b', 'hpa'))], { namespaces: [namespace('default')] });
  const review = engine.review({ object: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'default' } } });
  assert.is(review.policies[0]!.bindings[0]!.outcome, 'unsupported');
  assert.match(review.unsupported[0]!, /autoscaling\/v2, Kind=HorizontalPodAutoscaler/);
});

test('runaway input ends in an error within a bound: CEL cost limit, objects nested too deep', () => {
  const items = Array.from({ length: 300 }, (_, i) => i);
  const costly = sorry({ validations: [{ expression: 'object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, a + b + c >= 0)))' }] });
  const objects = [loaded(costly), loaded(binding('b', 'denypolicy.example.com'))];
  const engine = new VapEngine(objects, { namespaces: [namespace('default')] });
  const review = engine.review({ object: pod('p', 'default', { items }) });
  assert.is(review.allowed, false);
  assert.match(review.status!.message, /cost/);
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 10_050; i++) deep = (deep['x'] = {}) as Record<string, unknown>;
  const [verdict] = engine.verdicts({ object: pod('p', 'default', root) });
  assert.is(verdict?.verdict, 'error');
  assert.match(verdict!.message, /^could not evaluate the request: /);
});

test('the namespace is looked up even when an Allow binding found no params (a missing one fails the request)', () => {
  const p = sorry({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } });
  const b = binding('b', 'denypolicy.example.com', { paramRef: { name: 'absent', parameterNotFoundAction: 'Allow' } });
  const engine = new VapEngine([loaded(p), loaded(b)], { namespaces: [namespace('default')] });
  assert.equal(engine.verdicts({ object: pod('p', 'default') }).map((v) => v.verdict), ['skip']);
  assert.is(engine.review({ object: pod('p', 'ghost') }).status?.reason, 'NotFound');
});

test('request.options is the operation\'s options object; dryRun is false unless set', () => {
  const p = sorry({ validations: [{ expression: "request.options.kind == 'CreateOptions' && request.options.apiVersion == 'meta.k8s.io/v1' && request.dryRun == false", message: 'options' }] });
  assert.is(reviewWith(['Deny'], p).allowed, true);
});

test('a second policy or binding with the same name is refused, as the apiserver would', () => {
  const engine = new VapEngine([loaded(sorry(), 1), loaded(sorry(), 9), loaded(binding('b', 'denypolicy.example.com'), 20), loaded(binding('b', 'denypolicy.example.com'), 30)]);
  assert.equal(engine.problems.map((p) => p.message), [
    'inline.yaml:9: metadata.name: validatingadmissionpolicies.admissionregistration.k8s.io "denypolicy.example.com" already exists',
    'inline.yaml:30: metadata.name: validatingadmissionpolicybindings.admissionregistration.k8s.io "b" already exists',
  ]);
});

test.run();
