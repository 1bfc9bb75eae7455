// The VAP-shaped evaluator, against the apiserver's validator semantics
// (admission/plugin/policy/validating/validator.go, plugin/cel/{activation,composition}.go,
// webhook/matchconditions/matcher.go). Includes the usage example of src/engines/cel/index.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CelEnvironment, compileCelPolicy, type CelAuthorizer } from '../../../src/engines/cel/index.ts';

const pod = (privileged: boolean[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: {
    replicas: 3,
    containers: privileged.map((p, i) => ({ name: `c${i}`, image: 'nginx', securityContext: { privileged: p } })),
  },
});

test('the index.ts example: one decision per validation, messageExpression first', () => {
  const policy = compileCelPolicy({
    variables: [{ name: 'containers', expression: 'object.spec.containers' }],
    matchConditions: [{ name: 'pods', expression: "object.kind == 'Pod'" }],
    validations: [
      {
        expression: 'variables.containers.all(c, !has(c.securityContext) || c.securityContext.?privileged.orValue(false) == false)',
        messageExpression: "'privileged containers: ' + variables.containers.filter(c, c.securityContext.?privileged.orValue(false)).map(c, c.name).join(', ')",
      },
    ],
  });
  assert.equal(policy.issues, []);
  assert.equal(policy.validate({ object: pod([false, false]), request: { operation: 'CREATE' } }).decisions, [
    { action: 'admit', evaluation: 'admit', message: '', validationIndex: 0 },
  ]);
  assert.equal(policy.validate({ object: pod([false, true, true]), request: { operation: 'CREATE' } }).decisions, [
    { action: 'deny', evaluation: 'deny', message: 'privileged containers: c1, c2', reason: 'Invalid', validationIndex: 0 },
  ]);
  const notAPod = policy.validate({ object: { kind: 'Service', spec: {} } });
  assert.equal([notAPod.matched, notAPod.decisions], [false, []]);
});

test('match conditions: a false one wins over errors; errors follow the failure policy', () => {
  const policy = compileCelPolicy({
    matchConditions: [
      { name: 'errs', expression: 'object.missing == 1' },
      { name: 'isFalse', expression: 'object.kind == "Nope"' },
    ],
    validations: [{ expression: 'false' }],
  });
  assert.equal(policy.bind({ object: pod([]) }).matchConditions(), { matches: false, failedCondition: 'isFalse' });
  const erroring = compileCelPolicy({ matchConditions: [{ name: 'errs', expression: 'object.missing == 1' }], validations: [{ expression: 'false' }] });
  const failed = erroring.validate({ object: pod([]) });
  assert.equal(failed.decisions, [
    { action: 'deny', evaluation: 'error', message: "expression 'object.missing == 1' resulted in error: No such key: missing", validationIndex: null },
  ]);
  const ignored = erroring.validate({ object: pod([]) }, { failurePolicy: 'Ignore' });
  assert.equal([ignored.matched, ignored.decisions], [false, []]);
});

test('failure messages: messageExpression (trimmed, single line, ≤5KiB), else message, else the expression', () => {
  const policy = compileCelPolicy({
    validations: [
      { expression: 'false', messageExpression: "'  from expression  '", message: 'static' },
      { expression: 'false', messageExpression: "'two\\nlines'", message: ' static ' },
      { expression: 'false', messageExpression: "'x'.repeat(1)", message: 'static on error' },
      { expression: 'false', messageExpression: "object.missing", message: 'static on error' },
      { expression: 'false', messageExpression: "''", message: '' },
      { expression: ' 1 > 2 ' },
      { expression: 'false', messageExpression: "object.long" },
      { expression: 'false', message: 'custom reason', reason: 'Forbidden' },
    ],
  });
  const messages = policy.validate({ object: { long: 'a'.repeat(5 * 1024 + 1) } }).decisions.map((d) => d.message);
  assert.equal(messages, [
    'from expression',
    'static',
    'static on error', // repeat() does not exist: a compile issue, and the message falls back
    'static on error',
    'failed expression: false', // an empty messageExpression result and an empty message
    'failed expression: 1 > 2',
    'failed expression: false',
    'custom reason',
  ]);
  assert.equal(policy.issues.map((i) => i.field), ['validations[2].messageExpression']);
  assert.is(policy.validate({}).decisions[7]?.reason, 'Forbidden');
});

test('errors and compile issues become error decisions; Ignore admits them', () => {
  const policy = compileCelPolicy({
    validations: [{ expression: 'object.spec.replicas > "x"' }, { expression: 'object.spec.nope' }, { expression: "'not a bool'" }],
  });
  assert.equal(
    policy.issues.map((i) => [i.field, i.message]),
    [['validations[2].expression', 'must evaluate to bool but got string']],
  );
  const decisions = policy.validate({ object: pod([]) }).decisions;
  assert.equal(decisions.map((d) => [d.action, d.evaluation]), [['deny', 'error'], ['deny', 'error'], ['deny', 'error']]);
  assert.is(decisions[0]?.message, `expression 'object.spec.replicas > "x"' resulted in error: no such overload: int > string`);
  assert.is(decisions[1]?.message, "expression 'object.spec.nope' resulted in error: No such key: nope");
  assert.is(decisions[2]?.message, 'compilation error: must evaluate to bool but got string');
  const ignored = policy.validate({ object: pod([]) }, { failurePolicy: 'Ignore' }).decisions;
  assert.equal(ignored.map((d) => [d.action, d.evaluation]), [['admit', 'error'], ['admit', 'error'], ['admit', 'error']]);
});

test('compile issues name the field, the expression and the position', () => {
  const policy = compileCelPolicy({ validations: [{ expression: 'object.a &&\n  (1 + "x")' }] });
  const [issue] = policy.issues;
  assert.equal([issue?.field, issue?.line, issue?.column, issue?.unsupported], ['validations[0].expression', 2, 4, false]);
  assert.match(issue?.message ?? '', 'no such overload: int + string');
  const unsupported = compileCelPolicy({ validations: [{ expression: 'object.items.all(i, v, v > 0)' }] }).issues[0];
  assert.is(unsupported?.unsupported, true);
});

test('variables: lazy, memoised, visible to later expressions only', () => {
  const policy = compileCelPolicy({
    variables: [
      { name: 'broken', expression: 'object.missing.deeper' },
      { name: 'replicas', expression: 'object.spec.replicas' },
      { name: 'double', expression: 'variables.replicas * 2' },
      { name: 'forward', expression: 'variables.later' },
      { name: 'later', expression: '1' },
    ],
    validations: [
      { expression: 'variables.double == 6' }, // integers from JSON are ints
      { expression: 'variables.broken == 1 || true' }, // an erroring variable is absorbed like any error
      { expression: 'variables.broken == 1' },
    ],
  });
  assert.equal(policy.issues.map((i) => [i.field, i.message.includes("undefined field 'later'")]), [['variables[3].expression', true]]);
  const decisions = policy.validate({ object: pod([]) }).decisions;
  assert.equal(decisions.map((d) => d.evaluation), ['admit', 'admit', 'error']);
  assert.is(decisions[2]?.message, `expression 'variables.broken == 1' resulted in error: composited variable "broken" fails to evaluate: No such key: missing`);
  const duplicate = compileCelPolicy({ variables: [{ name: 'a', expression: '1' }, { name: 'a', expression: '2' }] });
  assert.equal(duplicate.issues.map((i) => i.message), ["duplicate variable name 'a'"]);
});

test('audit annotations: strings are published trimmed, empty and null are excluded', () => {
  const policy = compileCelPolicy({
    auditAnnotations: [
      { key: 'a', valueExpression: "' value '" },
      { key: 'b', valueExpression: "''" },
      { key: 'c', valueExpression: 'null' },
      { key: 'd', valueExpression: 'object.missing' },
    ],
  });
  const result = policy.validate({ object: {} });
  assert.equal(result.auditAnnotations.map((a) => [a.key, a.action, a.value ?? a.error?.slice(0, 24)]), [
    ['a', 'publish', 'value'],
    ['b', 'exclude', undefined],
    ['c', 'exclude', undefined],
    ['d', 'error', "expression 'object.missi"],
  ]);
});

test('Gatekeeper-style bindings: injected variables, the constraint as params', () => {
  const policy = compileCelPolicy({
    variables: [
      { name: 'anyObject', expression: 'has(request.operation) && request.operation=="DELETE" && object==null ? oldObject : object' },
      { name: 'params', expression: '!has(params.spec) ? null : !has(params.spec.parameters) ? null : params.spec.parameters' },
    ],
    validations: [{ expression: 'variables.anyObject.spec.containers.size() <= variables.params.max' }],
  });
  const constraint = { kind: 'K8sMax', spec: { parameters: { max: 1 } } };
  const result = policy.validate({ object: pod([false, false]), oldObject: null, request: { operation: '' }, params: constraint });
  assert.equal(result.decisions.map((d) => d.action), ['deny']);
});

test('authorizer: unbound is an error when used; bound answers checks', () => {
  const expression = "authorizer.group('apps').resource('deployments').namespace('default').name('x').check('delete').allowed()";
  const policy = compileCelPolicy({ validations: [{ expression }, { expression: "authorizer.requestResource.check('update').reason() == 'listed'" }] });
  assert.is(policy.validate({}).decisions[0]?.evaluation, 'error');
  const seen: string[] = [];
  const authorizer: CelAuthorizer = {
    authorize(attributes) {
      seen.push(`${attributes.user.username} ${attributes.verb} ${attributes.apiGroup}/${attributes.resource} ${attributes.namespace}/${attributes.name}`);
      return { decision: attributes.verb === 'update' ? 'allow' : 'deny', reason: 'listed' };
    },
  };
  const request = { userInfo: { username: 'alice' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'default', name: 'p' };
  const decisions = policy.validate({ request, authorizer }).decisions;
  assert.equal(decisions.map((d) => d.evaluation), ['deny', 'admit']);
  assert.equal(seen, ['alice delete apps/deployments default/x', 'alice update /pods default/p']);
});

test('extra libraries declare functions and root variables (as the Kyverno engine does)', () => {
  const environment = new CelEnvironment({
    celBind: true,
    libraries: [
      {
        name: 'test.image',
        variables: ['images'],
        install(env) {
          env.registerFunction('imageName(string): string', (ref: string) => ref.split(':')[0] ?? ref);
        },
      },
    ],
  });
  const policy = compileCelPolicy(
    { validations: [{ expression: "cel.bind(n, imageName(object.image), n in images.allowed)" }] },
    { environment },
  );
  assert.equal(policy.issues, []);
  const allowed = policy.validate({ object: { image: 'nginx:1.25' }, extra: { images: { allowed: ['nginx'] } } });
  assert.equal(allowed.decisions.map((d) => d.action), ['admit']);
  // the default environment has neither the function nor the variable
  assert.ok(compileCelPolicy({ validations: [{ expression: 'imageName("a") == "a"' }] }).issues.length === 1);
});

test('the activation API lets an engine decide differently (Kyverno: first false validation fails)', () => {
  const policy = compileCelPolicy({
    variables: [{ name: 'n', expression: 'object.spec.containers.size()' }],
    validations: [
      { expression: 'variables.n > 0', message: 'no containers' },
      { expression: 'variables.n < 2', messageExpression: "'too many: ' + string(variables.n)" },
    ],
  });
  const activation = policy.bind({ object: pod([false, false]) });
  assert.equal(activation.validation(0), { ok: true, value: true, cost: activation.validation(0).cost });
  const second = activation.validation(1);
  assert.is(second.ok && second.value, false);
  assert.is(activation.failureMessage(1), 'too many: 2');
  assert.equal(activation.variable('n').ok && activation.variable('n'), { ok: true, value: 2n, cost: activation.variable('n').cost });
});

test.run();
