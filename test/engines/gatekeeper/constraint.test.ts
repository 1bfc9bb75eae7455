// Template and Constraint validation as the constraint framework does it. Cases and the error each
// must raise are ported from frameworks constraint/pkg/client/client_test.go (TestClient_AddTemplate,
// TestClient_AddConstraint) and crds/validate.go; defaulting from apiextensions defaulting.Default.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConstraintClient, type Driver } from '../../../src/engines/gatekeeper/client.ts';
import { loadConstraint } from '../../../src/engines/gatekeeper/constraint.ts';
import { GatekeeperError, type GatekeeperErrorCode } from '../../../src/engines/gatekeeper/errors.ts';
import { loadTemplate, type ConstraintTemplate } from '../../../src/engines/gatekeeper/template.ts';
import type { JsonObject } from '../../../src/engines/gatekeeper/values.ts';

const origin = { file: 'test.yaml', line: 1 };

function template(overrides: { name?: string; kind?: string; apiVersion?: string; schema?: JsonObject; legacySchema?: boolean; targets?: unknown[] } = {}): JsonObject {
  const kind = overrides.kind ?? 'Foos';
  const validation: JsonObject = {};
  if (overrides.schema) validation['openAPIV3Schema'] = overrides.schema;
  if (overrides.legacySchema !== undefined) validation['legacySchema'] = overrides.legacySchema;
  return {
    apiVersion: overrides.apiVersion ?? 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: overrides.name ?? kind.toLowerCase() },
    spec: {
      crd: { spec: { names: { kind }, ...(Object.keys(validation).length > 0 ? { validation } : {}) } },
      targets: (overrides.targets ?? [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package foo\nviolation[{"msg": "m"}] { true }\n' }]) as JsonObject[],
    },
  } as JsonObject;
}

function constraint(kind: string, name: string, spec?: JsonObject, apiVersion = 'constraints.gatekeeper.sh/v1beta1'): JsonObject {
  return { apiVersion, kind, metadata: { name }, ...(spec ? { spec } : {}) } as JsonObject;
}

function errorCode(fn: () => unknown): GatekeeperErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (error) {
    if (error instanceof GatekeeperError) return error.code;
    throw error;
  }
}

const load = (obj: JsonObject) => loadTemplate(obj, origin);

// TestClient_AddTemplate
test('template: good template', () => assert.is(load(template()).kind, 'Foos'));
test('template: long name (64 characters) makes an invalid CRD', () => {
  const long = 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz123456789012';
  assert.is(errorCode(() => load(template({ name: long, kind: long }))), 'invalid-template');
});
test('template: multiple targets', () => {
  const targets = [
    { target: 'admission.k8s.gatekeeper.sh', rego: 'package a\nviolation[{"msg":"x"}] { true }' },
    { target: 'other', rego: 'package b\nviolation[{"msg":"x"}] { true }' },
  ];
  assert.is(errorCode(() => load(template({ targets }))), 'invalid-template');
});
test('template: unknown target', () => {
  assert.is(errorCode(() => load(template({ targets: [{ target: 'h2', rego: 'package a' }] }))), 'invalid-template');
});
test('template: empty CRD kind', () => assert.is(errorCode(() => load(template({ kind: '', name: 'foos' }))), 'invalid-template'));
test('template: no metadata name', () => assert.is(errorCode(() => load(template({ name: '' }))), 'invalid-template'));
test('template: name must equal the lowercased kind (EqualFold)', () => {
  assert.is(load(template({ name: 'FOOS', kind: 'Foos' })).name, 'FOOS');
  assert.is(errorCode(() => load(template({ name: 'bar', kind: 'Foos' }))), 'invalid-template');
});
test('template: no engine code at all has no driver', () => {
  const t = load(template({ targets: [{ target: 'admission.k8s.gatekeeper.sh' }] }));
  const client = new ConstraintClient([fakeDriver('Rego')]);
  assert.is(errorCode(() => client.addTemplate(t)), 'no-driver');
});
test('template: v1 defaults legacySchema to false, v1beta1 to true', () => {
  assert.is(load(template({ schema: { type: 'object' } })).legacySchema, false);
  assert.is(load(template({ apiVersion: 'templates.gatekeeper.sh/v1beta1', schema: { type: 'object' } })).legacySchema, true);
  // legacySchema without a schema gets an open one
  assert.ok(load(template({ apiVersion: 'templates.gatekeeper.sh/v1beta1' })).parametersSchema?.preserveUnknownFields);
  assert.is(load(template()).parametersSchema, undefined);
});
test('template: legacy rego replaces the Rego code entry', () => {
  const targets = [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package new', libs: ['package lib.x'], code: [{ engine: 'Rego', source: { rego: 'package old' } }] }];
  const t = load(template({ targets }));
  assert.equal(t.code.map((c) => ({ engine: c.engine, source: c.source })), [{ engine: 'Rego', source: { rego: 'package new', version: '', libs: ['package lib.x'] } }]);
});

const fooTemplate = (schema?: JsonObject, legacySchema?: boolean): ConstraintTemplate => load(template({ schema, legacySchema }));
const add = (t: ConstraintTemplate, c: JsonObject) => loadConstraint(c, t, origin);

// TestClient_AddConstraint
test('constraint: good constraint', () => {
  const c = add(fooTemplate(), constraint('Foos', 'foo'));
  assert.is(c.name, 'foo');
  assert.equal(c.parameters, {}); // spec.parameters absent → {}
  assert.is(c.enforcementAction, 'deny');
});
test('constraint: unknown fields are ErrInvalidConstraint, not ErrSchema', () => {
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'foo', { someRandomField: 3n }))), 'invalid-constraint');
});
test('constraint: no name', () => assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', ''))), 'invalid-constraint'));
test('constraint: no kind', () => assert.is(errorCode(() => add(fooTemplate(), constraint('', 'foo'))), 'invalid-constraint'));
test('constraint: no group / wrong group', () => {
  assert.is(errorCode(() => add(fooTemplate(), { kind: 'Foos', metadata: { name: 'bar' } })), 'invalid-constraint');
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'bar', undefined, 'foo/v1'))), 'invalid-constraint');
});
test('constraint: no template', () => {
  const client = new ConstraintClient([fakeDriver('Rego')]);
  assert.is(errorCode(() => client.addConstraint(constraint('Foo', 'foo'), origin)), 'missing-template');
});
test('constraint: a non-string enforcementAction fails the schema', () => {
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', { enforcementAction: 3n }))), 'schema');
});
test('constraint: the status field is removed', () => {
  const c = add(fooTemplate(), { ...constraint('Foos', 'c'), status: 'some status' });
  assert.not.ok('status' in c.object);
});
test('constraint: only v1beta1 and v1alpha1', () => {
  assert.is(add(fooTemplate(), constraint('Foos', 'c', undefined, 'constraints.gatekeeper.sh/v1alpha1')).name, 'c');
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', undefined, 'constraints.gatekeeper.sh/v1'))), 'invalid-constraint');
});
test('constraint: name must be a DNS-1123 subdomain', () => {
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'Not_Valid'))), 'invalid-constraint');
});
test('constraint: parameters are validated against the template schema (ErrSchema)', () => {
  const t = fooTemplate({ type: 'object', properties: { labels: { type: 'array', items: { type: 'string' } } } });
  assert.is(errorCode(() => add(t, constraint('Foos', 'c', { parameters: { labels: 'abc' } }))), 'schema');
  assert.is(errorCode(() => add(t, constraint('Foos', 'c', { parameters: { labels: [1n] } }))), 'schema');
  assert.equal(add(t, constraint('Foos', 'c', { parameters: { labels: ['abc'] } })).parameters, { labels: ['abc'] });
});
test('constraint: legacySchema keeps unknown parameters; without it they are unknown fields', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } } };
  assert.equal(add(fooTemplate(schema, true), constraint('Foos', 'c', { parameters: { a: 'x', b: 1n } })).parameters, { a: 'x', b: 1n });
  assert.is(errorCode(() => add(fooTemplate(schema, false), constraint('Foos', 'c', { parameters: { a: 'x', b: 1n } }))), 'invalid-constraint');
});
test('constraint: structural defaulting fills parameters and enforcementAction', () => {
  const t = fooTemplate({ type: 'object', properties: { mode: { type: 'string', default: 'strict' }, nested: { type: 'object', properties: { n: { type: 'integer', default: 3n } } } } });
  const c = add(t, constraint('Foos', 'c', { parameters: { nested: {} } }));
  assert.equal(c.parameters, { nested: { n: 3n }, mode: 'strict' });
  assert.is((c.object['spec'] as JsonObject)['enforcementAction'], 'deny');
  // without spec there is nothing to default into
  assert.not.ok('spec' in add(t, constraint('Foos', 'c')).object);
});
test('constraint: match fields must have the match schema types', () => {
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', { match: { namespaces: 'default' } }))), 'schema');
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', { match: { namespaces: ['Not_Valid'] } }))), 'schema'); // wildcard pattern
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', { match: { source: 'Everything' } }))), 'schema');
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', { match: { typo: true } }))), 'invalid-constraint');
});
test('constraint: invalid label selectors are ErrInvalidConstraint (ValidateConstraint)', () => {
  const bad = { match: { labelSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } } };
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', bad))), 'invalid-constraint');
  const badOp = { match: { namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] } } };
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', badOp))), 'invalid-constraint');
});
test('constraint: scoped enforcement actions for the gator enforcement point', () => {
  const scoped = (points: string[]) =>
    add(fooTemplate(), constraint('Foos', 'c', { enforcementAction: 'scoped', scopedEnforcementActions: [{ action: 'warn', enforcementPoints: points.map((name) => ({ name })) }] }));
  assert.equal(scoped(['gator.gatekeeper.sh']).scopedEnforcementActions, ['warn']);
  assert.equal(scoped(['*']).scopedEnforcementActions, ['warn']);
  assert.equal(scoped(['audit.gatekeeper.sh']).scopedEnforcementActions, []);
  assert.is(errorCode(() => add(fooTemplate(), constraint('Foos', 'c', { enforcementAction: 'scoped' }))), 'invalid-constraint');
});

function fakeDriver(engine: 'Rego' | 'K8sNativeValidation'): Driver {
  return { engine, addTemplate: () => {}, query: () => [] };
}

test.run();
