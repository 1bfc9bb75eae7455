// The Rego driver as the constraint framework runs templates. Expectations from upstream code:
// frameworks constraint/pkg/client/drivers/rego/{driver.go (toInterfaceMap float64 round trip,
// eval errors → one result per constraint), rego.go (hook: msg required, details default {}),
// to_result.go (non-string msg fails the review), driver_unit_test.go TestDriver_AddTemplate (v0/v1,
// data.inventory allowed)}, opa ast floatNumber ('g' formatting), gatekeeper pkg/target (review).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gatekeeper } from '../../../src/engines/gatekeeper/evaluator.ts';
import { GatekeeperError } from '../../../src/engines/gatekeeper/errors.ts';

function gatekeeper(rego: string, options: { version?: string; libs?: string[]; parameters?: unknown; schema?: unknown } = {}): Gatekeeper {
  const gk = new Gatekeeper('rego');
  gk.addTemplate({
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'probe' },
    spec: {
      crd: { spec: { names: { kind: 'Probe' }, ...(options.schema ? { validation: { openAPIV3Schema: options.schema } } : {}) } },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', code: [{ engine: 'Rego', source: { rego, ...(options.version ? { version: options.version } : {}), ...(options.libs ? { libs: options.libs } : {}) } }] }],
    },
  });
  gk.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Probe', metadata: { name: 'probe' }, ...(options.parameters ? { spec: { parameters: options.parameters } } : {}) });
  return gk;
}

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 1000000, ratio: 0.5 } };
const messages = (gk: Gatekeeper, obj: unknown = deployment) => gk.review(obj).violations.map((v) => v.msg);

test('v0 and v1 (version: v1) templates', () => {
  assert.equal(messages(gatekeeper('package x\nviolation[{"msg": "always"}] { true }\n')), ['always']);
  assert.equal(messages(gatekeeper('package x\nviolation contains {"msg": "always"} if { true }\n', { version: 'v1' })), ['always']);
  assert.throws(() => gatekeeper('package foobar\nfooisbar contains "x" if input.foo == "bar"\n', { version: 'v1' }), /missing required rules/);
});

test('review numbers arrive through float64 (1000000 prints as 1e+06); parameters keep int64', () => {
  const rego = 'package x\nviolation[{"msg": msg}] { msg := sprintf("%v %v %v", [input.review.object.spec.replicas, input.review.object.spec.ratio, input.parameters.n]) }\n';
  const gk = gatekeeper(rego, { parameters: { n: 1000000 }, schema: { type: 'object', properties: { n: { type: 'integer' } } } });
  assert.equal(messages(gk), ['1e+06 0.5 1000000']);
});

test('gator review: operation "", oldObject null (defined, so `not` fails), namespaceObject null', () => {
  const rego = `package x
violation[{"msg": "op empty"}] { input.review.operation == "" }
violation[{"msg": "oldObject null"}] { input.review.oldObject == null }
violation[{"msg": "not oldObject"}] { not input.review.oldObject }
violation[{"msg": "namespaceObject null"}] { input.review.namespaceObject == null }
violation[{"msg": "no uid"}] { input.review.uid == "" }
violation[{"msg": "userInfo empty"}] { input.review.userInfo == {} }
`;
  assert.equal(messages(gatekeeper(rego)), ['namespaceObject null', 'no uid', 'oldObject null', 'op empty', 'userInfo empty']);
});

test('the hook: violations without msg are dropped, details default to {}, identical violations count once', () => {
  const rego = `package x
violation[{"msg": "a", "details": {"k": 1}}] { true }
violation[{"details": {}}] { true }
violation[{"msg": "b"}] { true }
violation[{"msg": "b"}] { 1 == 1 }
`;
  const { violations } = gatekeeper(rego).review(deployment);
  assert.equal(violations.map((v) => [v.msg, v.details]), [['a', { k: 1 }], ['b', {}]]);
});

test('a non-string msg fails the whole review', () => {
  assert.throws(() => gatekeeper('package x\nviolation[{"msg": 5}] { true }\n').review(deployment), (error: unknown) => error instanceof GatekeeperError && /expected string/.test(error.message));
});

test('an evaluation error becomes a violation for each constraint of the kind', () => {
  const rego = 'package x\np = 1 { true }\np = 2 { true }\nviolation[{"msg": "never"}] { p == 3 }\n';
  const gk = gatekeeper(rego);
  gk.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'Probe', metadata: { name: 'second' } });
  const result = gk.review(deployment).violations;
  assert.is(result.length, 2);
  for (const v of result) assert.match(v.msg, /eval_conflict_error: complete rules must not produce multiple outputs/);
  assert.equal(result.map((v) => v.constraint.name).sort(), ['probe', 'second']);
});

test('data.inventory: referential templates see added data; cluster and namespaced paths', () => {
  const rego = `package x
violation[{"msg": msg}] {
  other := data.inventory.namespace[ns][_]["Deployment"][name]
  name != input.review.object.metadata.name
  msg := sprintf("also %v/%v", [ns, name])
}
violation[{"msg": msg}] {
  data.inventory.cluster["v1"]["Namespace"][n]
  msg := sprintf("namespace %v", [n])
}
`;
  const gk = gatekeeper(rego);
  gk.addData({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'other', namespace: 'team' } });
  gk.addData({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  assert.equal(messages(gk), ['also team/other', 'namespace team']);
});

test('libs under data.lib are imported', () => {
  const rego = 'package x\nimport data.lib.helpers.big\nviolation[{"msg": "big"}] { big(input.review.object.spec.replicas) }\n';
  const gk = gatekeeper(rego, { libs: ['package lib.helpers\nbig(n) { n > 10 }\n'] });
  assert.equal(messages(gk), ['big']);
});

test.run();
