// The K8sNativeValidation driver. Expectations from gatekeeper pkg/drivers/k8scel (driver.go: object
// unset on DELETE, params bound to the Constraint, one result per denied validation;
// transform/cel_snippets.go: the anyObject and params variables; schema/schema.go: failurePolicy,
// reserved names) and apiserver validating/validator.go (message fallbacks, failure policy).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gatekeeper } from '../../../src/engines/gatekeeper/evaluator.ts';
import { UnsupportedError } from '../../../src/util/errors.ts';

function gatekeeper(source: Record<string, unknown>, spec?: Record<string, unknown>): Gatekeeper {
  const gk = new Gatekeeper('cel');
  gk.addTemplate({
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'probe' },
    spec: {
      crd: { spec: { names: { kind: 'Probe' }, validation: { openAPIV3Schema: { type: 'object', properties: { n: { type: 'integer' } } } } } },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', code: [{ engine: 'K8sNativeValidation', source }] }],
    },
  });
  gk.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Probe', metadata: { name: 'probe' }, ...(spec ? { spec } : {}) });
  return gk;
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { replicas: 3 } };
const msgs = (gk: Gatekeeper, obj: unknown = pod) => gk.review(obj).violations.map((v) => v.msg);

test('gator request: operation "", anyObject is the object, params is spec.parameters (null when absent)', () => {
  const source = {
    validations: [
      { expression: 'request.operation != ""', message: 'operation is empty' },
      { expression: 'variables.anyObject.metadata.name != "p"', message: 'anyObject is the object' },
      { expression: 'variables.params == null', messageExpression: '"n=" + string(variables.params.n)' },
    ],
  };
  assert.equal(msgs(gatekeeper(source, { parameters: { n: 2 } })), ['anyObject is the object', 'n=2', 'operation is empty']);
  assert.equal(msgs(gatekeeper(source)), ['anyObject is the object', 'operation is empty']);
});

test('DELETE: object is null and anyObject falls back to oldObject', () => {
  const gk = gatekeeper({ validations: [{ expression: 'object != null', message: 'object is null' }, { expression: 'variables.anyObject.metadata.name != "p"', message: 'anyObject is oldObject' }] });
  const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'DELETE', oldObject: pod } };
  assert.equal(msgs(gk, review), ['anyObject is oldObject', 'object is null']);
});

test('message fallbacks: messageExpression, message, "failed expression: <expr>"', () => {
  const gk = gatekeeper({
    validations: [
      { expression: 'false', messageExpression: '"from expression"', message: 'unused' },
      { expression: '1 > 2', messageExpression: '"multi\\nline"', message: 'from message' },
      { expression: ' 2 < 1 ' },
    ],
  });
  assert.equal(msgs(gk), ['failed expression: 2 < 1', 'from expression', 'from message']);
});

test('evaluation errors: a violation under failurePolicy Fail (the default), none under Ignore', () => {
  const failing = [{ expression: 'object.spec.missing == 1', message: 'unused' }];
  const fail = msgs(gatekeeper({ validations: failing }));
  assert.is(fail.length, 1);
  assert.match(fail[0]!, /^expression 'object\.spec\.missing == 1' resulted in error: /);
  assert.equal(msgs(gatekeeper({ validations: failing, failurePolicy: 'Ignore' })), []);
});

test('matchCondition (singular key) gates the validations', () => {
  const gk = gatekeeper({ matchCondition: [{ name: 'only-q', expression: 'object.metadata.name == "q"' }], validations: [{ expression: 'false', message: 'denied' }] });
  assert.equal(msgs(gk), []);
  assert.equal(msgs(gk, { ...pod, metadata: { name: 'q' } }), ['denied']);
});

test('reserved names and bad failure policies are template errors', () => {
  assert.throws(() => gatekeeper({ variables: [{ name: 'anyObject', expression: '1' }], validations: [] }), /reserved keyword/);
  assert.throws(() => gatekeeper({ variables: [{ name: 'gatekeeper_internal_x', expression: '1' }], validations: [] }), /cannot have "gatekeeper_internal_" as a prefix/);
  assert.throws(() => gatekeeper({ validations: [], failurePolicy: 'Sometimes' }), /unrecognized failure policy/);
});

test('params outside variables is undeclared in Gatekeeper: refused, not evaluated differently', () => {
  assert.throws(() => gatekeeper({ validations: [{ expression: 'params.spec.parameters.n > 1' }] }), (e: unknown) => e instanceof UnsupportedError);
  // inside variables it is declared
  assert.equal(msgs(gatekeeper({ variables: [{ name: 'n', expression: 'params.spec.parameters.n' }], validations: [{ expression: 'variables.n < 1', message: 'n' }] }, { parameters: { n: 2 } })), ['n']);
});

test.run();
