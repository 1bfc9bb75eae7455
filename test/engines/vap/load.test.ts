// Loading policies and bindings as the apiserver accepts them: defaults, strict decoding and the
// validation of pkg/apis/admissionregistration/validation/validation.go (field paths and texts from
// validateValidatingAdmissionPolicySpec, validateParamRef, validateValidationActions,
// validateMatchResources; variables declared per expression kind from compilePolicy and the
// validation compilers).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidObjectError, loadBinding, loadPolicy } from '../../../src/engines/vap/index.ts';
import { describeError, UnsupportedError } from '../../../src/util/errors.ts';
import { binding, fixture, loaded, policy } from './helpers.ts';

/** The field paths (and texts) of the errors a policy or binding is refused with. */
function refusal(load: () => unknown): { fields: string[]; messages: string[]; error: InvalidObjectError } {
  try {
    load();
  } catch (error) {
    assert.instance(error, InvalidObjectError, describeError(error));
    const invalid = error as InvalidObjectError;
    return { fields: invalid.errors.map((e) => e.field), messages: invalid.errors.map((e) => e.message), error: invalid };
  }
  assert.unreachable('expected the object to be refused');
  throw new Error('unreachable');
}

const ok = [{ expression: 'true' }];

test('defaults: failurePolicy Fail, matchPolicy Equivalent, empty selectors, rule scope *', () => {
  const p = loadPolicy(loaded(policy('p', { validations: ok })));
  assert.is(p.failurePolicy, 'Fail');
  assert.is(p.matchConstraints.matchPolicy, 'Equivalent');
  assert.equal(p.matchConstraints.namespaceSelector, { matchLabels: {}, matchExpressions: [] });
  assert.equal(p.matchConstraints.objectSelector, { matchLabels: {}, matchExpressions: [] });
  assert.is(p.matchConstraints.resourceRules[0]?.scope, '*');
  const b = loadBinding(loaded(binding('b', 'p')));
  assert.is(b.matchResources, null);
  assert.is(b.paramRef, null);
});

test('errors name the file, the document line and the field', () => {
  const objects = fixture('docs/basic.yaml');
  const broken = { ...objects[0]!, value: { ...objects[0]!.value, spec: { ...(objects[0]!.value['spec'] as object), failurePolicy: 'Never' } } };
  const { error, messages } = refusal(() => loadPolicy(broken));
  assert.is(error.file, objects[0]!.file);
  assert.is(error.line, objects[0]!.line);
  assert.is(error.field, 'spec.failurePolicy');
  assert.equal(messages, ['spec.failurePolicy: Unsupported value: "Never": supported values: "Fail", "Ignore"']);
  assert.match(describeError(error), /basic\.yaml:3: ValidatingAdmissionPolicy\.admissionregistration\.k8s\.io "demo-policy\.example\.com" is invalid: spec\.failurePolicy: Unsupported value/);
});

test('strict decoding: unknown and mistyped fields are refused before validation', () => {
  const old = policy('deploy-replica-policy.example.com', { paramKind: { group: 'rules.example.com', kind: 'ReplicaLimit', version: 'v1' }, validations: ok });
  const { fields, error } = refusal(() => loadPolicy(loaded(old)));
  assert.equal(fields, ['spec.paramKind.group', 'spec.paramKind.version']);
  assert.match(error.message, /strict decoding error: \[unknown field "spec\.paramKind\.group", unknown field "spec\.paramKind\.version"\]/);
  assert.equal(refusal(() => loadPolicy(loaded(policy('p', { validations: 'true' })))).fields, ['spec.validations']);
});

test('policy: matchConstraints with at least one resourceRule, validations or auditAnnotations required', () => {
  const p = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: {} };
  assert.equal(refusal(() => loadPolicy(loaded(p))).messages, [
    'spec.matchConstraints: Required value',
    'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
    'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
  ]);
  const noRules = { ...p, spec: { matchConstraints: {}, validations: ok } };
  assert.equal(refusal(() => loadPolicy(loaded(noRules))).fields, ['spec.matchConstraints.resourceRules']);
});

test('policy: rules, selectors, names and reasons are validated', () => {
  const bad = policy('Bad_Name', {
    matchConstraints: {
      resourceRules: [{ apiGroups: ['*', 'apps'], apiVersions: [], operations: ['PATCH'], resources: ['*', 'pods'], resourceNames: ['a/b'] }],
      namespaceSelector: { matchExpressions: [{ key: 'k', operator: 'Has', values: [] }] },
    },
    validations: [{ expression: 'true', reason: 'Unauthorized', message: 'line\nbreak' }],
  });
  assert.equal(refusal(() => loadPolicy(loaded(bad))).fields, [
    'metadata.name',
    'spec.matchConstraints.namespaceSelector',
    'spec.matchConstraints.resourceRules[0].resourceNames[0]',
    'spec.matchConstraints.resourceRules[0].operations[0]',
    'spec.matchConstraints.resourceRules[0].apiGroups',
    'spec.matchConstraints.resourceRules[0].apiVersions',
    'spec.matchConstraints.resourceRules[0].resources',
    'spec.validations[0].message',
    'spec.validations[0].reason',
  ]);
});

test('policy: every expression must compile; `params` is undeclared without a paramKind', () => {
  const { fields, messages } = refusal(() =>
    loadPolicy(loaded(policy('p', { validations: [{ expression: 'object.spec.replicas <=' }, { expression: 'params.max > 1' }, { expression: '1 + 1' }] }))),
  );
  assert.equal(fields, ['spec.validations[0].expression', 'spec.validations[2].expression', 'spec.validations[1].expression']);
  assert.ok(messages[2]!.includes("undeclared reference to 'params' (in container '')"), messages[2]);
  assert.ok(messages[1]!.includes('must evaluate to bool'), messages[1]);
  // a macro's iteration variable named params is not a reference to it
  loadPolicy(loaded(policy('p', { validations: [{ expression: 'object.spec.containers.all(params, params.name != "")' }] })));
  // with a paramKind, params may be used anywhere
  loadPolicy(loaded(policy('p', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'params.data.x == "1"', messageExpression: 'params.data.x' }] })));
});

test('policy: matchConditions cannot use variables; messageExpressions cannot use authorizer', () => {
  const { fields, messages } = refusal(() =>
    loadPolicy(
      loaded(
        policy('p', {
          variables: [{ name: 'isPod', expression: "object.kind == 'Pod'" }],
          matchConditions: [{ name: 'pods', expression: 'variables.isPod' }],
          validations: [{ expression: "authorizer.group('').resource('pods').check('get').allowed()", messageExpression: "string(authorizer.group('').resource('pods').check('get').allowed())" }],
        }),
      ),
    ),
  );
  assert.equal(fields, ['spec.matchConditions[0].expression', 'spec.validations[0].messageExpression']);
  assert.ok(messages[0]!.includes("undeclared reference to 'variables'"), messages[0]);
  assert.ok(messages[1]!.includes("undeclared reference to 'authorizer'"), messages[1]);
});

test('policy: matchCondition names are qualified names and unique; audit annotation keys too', () => {
  const { fields } = refusal(() =>
    loadPolicy(
      loaded(
        policy('p', {
          matchConditions: [{ name: 'a b', expression: 'true' }, { name: 'x', expression: 'true' }, { name: 'x', expression: 'true' }],
          auditAnnotations: [{ key: 'k', valueExpression: "'v'" }, { key: 'k', valueExpression: "'v'" }, { key: 'bad key', valueExpression: "'v'" }],
        }),
      ),
    ),
  );
  assert.equal(fields, ['spec.matchConditions[0].name', 'spec.matchConditions[2].name', 'spec.auditAnnotations[1].key', 'spec.auditAnnotations[2].key']);
});

test('policy: an expression this evaluator cannot run is unsupported, not invalid', () => {
  try {
    loadPolicy(loaded(policy('p', { validations: [{ expression: 'object.spec.containers.all(i, c, c.name != "")' }] })));
    assert.unreachable('expected unsupported');
  } catch (error) {
    assert.instance(error, UnsupportedError);
    assert.is((error as UnsupportedError).field, 'spec.validations[0].expression');
  }
});

test('binding: v1 requires parameterNotFoundAction (the docs\' prod binding lacks it); v1alpha1 defaults it to Deny', () => {
  const prod = binding('replicalimit-binding-nontest', 'replicalimit-policy.example.com', { paramRef: { name: 'replica-limit-prod.example.com', namespace: 'default' } });
  assert.equal(refusal(() => loadBinding(loaded(prod))).messages, ['spec.paramRef.parameterNotFoundAction: Required value']);
  const alpha = binding('b', 'p', { paramRef: { name: 'x' } }, 'admissionregistration.k8s.io/v1alpha1');
  assert.is(loadBinding(loaded(alpha)).paramRef?.parameterNotFoundAction, 'Deny');
});

test('binding: paramRef name and selector are exclusive, one is required; actions valid, unique, not Deny with Warn', () => {
  const both = binding('b', 'p', { paramRef: { name: 'x', selector: {}, parameterNotFoundAction: 'Ignore' }, validationActions: ['Deny', 'Warn', 'Deny', 'Log'] });
  assert.equal(refusal(() => loadBinding(loaded(both))).messages, [
    'spec.paramRef.name: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.parameterNotFoundAction: Unsupported value: "Ignore": supported values: "Deny", "Allow"',
    'spec.validationActions[2]: Duplicate value: "Deny"',
    'spec.validationActions[3]: Unsupported value: "Log": supported values: "Audit", "Deny", "Warn"',
    'spec.validationActions: Invalid value: []string{"Deny", "Warn", "Deny", "Log"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
  const neither = binding('b', 'p', { paramRef: { parameterNotFoundAction: 'Allow' }, validationActions: [] });
  assert.equal(refusal(() => loadBinding(loaded(neither))).messages, [
    'spec.paramRef: Required value: one of name or selector must be specified',
    'spec.validationActions: Required value: at least one validation action is required',
  ]);
});

test('binding: matchResources are validated under upstream\'s misspelt path spec.matchResouces', () => {
  const b = binding('b', 'p', { matchResources: { matchPolicy: 'Fuzzy' } });
  assert.equal(refusal(() => loadBinding(loaded(b))).messages, ['spec.matchResouces.matchPolicy: Unsupported value: "Fuzzy": supported values: "Equivalent", "Exact"']);
});

test.run();
