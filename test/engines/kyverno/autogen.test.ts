// Autogen (pod controllers), against kyverno/kyverno pkg/autogen/v1/autogen_test.go:
// rule names truncated to 63 bytes, CanAutoGen decisions, text rewriting of variable paths,
// ComputeRules for a controller kind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { autogenControllers, computeRules, POD_CONTROLLERS } from '../../../src/engines/kyverno/autogen.ts';
import type { JsonObject } from '../../../src/engines/jmespath/index.ts';

const podRule = (name: string, validate: JsonObject = { message: 'm', pattern: { metadata: { labels: { foo: 'bar' } } } }): JsonObject => ({
  name,
  match: { resources: { kinds: ['Pod'] } },
  validate,
});
const names = (rules: readonly JsonObject[]) => rules.map((r) => r['name']);

// Test_getAutogenRuleName / Test_isAutogenRule
test('autogen rule names are prefixed and truncated to 63 bytes', () => {
  const long = 'too-long-this-rule-name-will-be-truncated-to-63-characters';
  const rules = [podRule('valid-rule-name'), podRule(long)];
  assert.equal(names(computeRules(rules, {}, 'Deployment')), [
    'valid-rule-name',
    long,
    'autogen-valid-rule-name',
    'autogen-too-long-this-rule-name-will-be-truncated-to-63-charact',
  ]);
  assert.equal(names(computeRules(rules, {}, 'CronJob')), [
    'valid-rule-name',
    long,
    'autogen-cronjob-valid-rule-name',
    'autogen-cronjob-too-long-this-rule-name-will-be-truncated-to-63',
  ]);
});

test('rules already named autogen-* are not generated again', () => {
  const rules = [podRule('autogen-simple'), podRule('base')];
  assert.equal(names(computeRules(rules, {}, 'Deployment')), ['base', 'autogen-base']);
});

// Test_CanAutoGen: [name, spec.rules, expected controllers or null for "none"]
const canAutoGenCases: [string, JsonObject[], string[] | null][] = [
  ['rule-with-match-name', [{ name: 'test', match: { resources: { kinds: ['Namespace'], name: '*' } } }], null],
  ['rule-with-match-selector', [{ name: 't', match: { resources: { kinds: ['Pod'], selector: { matchLabels: { foo: 'bar' } } } } }], null],
  ['rule-with-exclude-name', [{ name: 't', match: { resources: { kinds: ['Pod'] } }, exclude: { resources: { name: 'test' } } }], null],
  ['rule-with-exclude-names', [{ name: 't', match: { resources: { kinds: ['Pod'] } }, exclude: { resources: { names: ['test'] } } }], null],
  ['rule-with-exclude-selector', [{ name: 't', match: { resources: { kinds: ['Pod'] } }, exclude: { resources: { selector: { matchLabels: { foo: 'bar' } } } } }], null],
  [
    'rule-with-deny',
    [podRule('require-network-policy', { message: 'testpolicy', deny: { conditions: [{ key: '{{request.object.metadata.labels.foo}}', operator: 'Equals', value: 'bar' }] } })],
    POD_CONTROLLERS,
  ],
  [
    'rule-with-match-mixed-kinds-pod-podcontrollers',
    [
      {
        name: 'set-service-label',
        match: { resources: { kinds: ['Pod', 'Deployment'] } },
        preconditions: { any: [{ key: '{{request.operation}}', operator: 'Equals', value: 'CREATE' }] },
        mutate: { patchStrategicMerge: { metadata: { labels: { '+(service)': '{{request.object.spec.template.metadata.labels.app}}' } } } },
      },
    ],
    null,
  ],
  [
    'rule-with-exclude-mixed-kinds-pod-podcontrollers',
    [
      {
        name: 'set-service-label',
        match: { resources: { kinds: ['Pod'] } },
        exclude: { resources: { kinds: ['Pod', 'Deployment'] } },
        mutate: { patchStrategicMerge: { metadata: { labels: { '+(service)': 'x' } } } },
      },
    ],
    null,
  ],
  ['rule-with-match-kinds-pod-only', [podRule('require-network-policy')], POD_CONTROLLERS],
  [
    'rule-with-exclude-kinds-pod-only',
    [{ ...podRule('require-network-policy'), exclude: { resources: { kinds: ['Pod'], namespaces: ['test'] } } }],
    POD_CONTROLLERS,
  ],
  [
    'rule-with-mutate-patches',
    [{ name: 'test', match: { resources: { kinds: ['Pod'] } }, mutate: { patchesJson6902: '-op:add\npath:/spec/containers/0/env/-1' } }],
    null,
  ],
  [
    'rule-with-generate',
    [
      {
        name: 'default-deny-ingress',
        match: { resources: { kinds: ['Namespace'], name: '*' } },
        generate: { kind: 'NetworkPolicy', name: 'default-deny-ingress', namespace: '{{request.object.metadata.name}}', synchronize: true, data: { spec: {} } },
      },
    ],
    null,
  ],
  [
    'rule-with-only-predefined-valid-controllers',
    [{ name: 'set-service-label', match: { resources: { kinds: ['Namespace'] } }, mutate: { patchStrategicMerge: { metadata: {} } } }],
    null,
  ],
  [
    'rule-with-match-kinds-pod-only-validate-exclude',
    [
      podRule('require-network-policy', {
        message: 'testpolicy',
        podSecurity: {
          level: 'baseline',
          version: 'v1.24',
          exclude: [{ controlName: 'SELinux', restrictedField: 'spec.containers[*].securityContext.seLinuxOptions.role', images: ['nginx'], values: ['baz'] }],
        },
      }),
    ],
    POD_CONTROLLERS,
  ],
];

for (const [name, rules, expected] of canAutoGenCases) {
  test(`CanAutoGen: ${name}`, () => {
    const got = autogenControllers(rules, {});
    assert.equal(got === null ? null : [...got].sort(), expected === null ? null : [...expected].sort());
  });
}

test('the autogen-controllers annotation narrows or disables autogen', () => {
  const rules = [podRule('r')];
  const ann = 'pod-policies.kyverno.io/autogen-controllers';
  assert.equal(autogenControllers(rules, { [ann]: 'none' }), null);
  assert.equal([...autogenControllers(rules, { [ann]: 'Deployment,StatefulSet' })!], ['Deployment', 'StatefulSet']);
  assert.equal(names(computeRules(rules, { [ann]: 'Deployment' }, 'DaemonSet')), ['r']);
  assert.equal(names(computeRules(rules, { [ann]: 'Deployment' }, 'Deployment')), ['r', 'autogen-r']);
});

// TestUpdateGenRuleByte / TestUpdateCELFields: the rewritten rule text
const denyRule = (key: string): JsonObject =>
  podRule('d', { message: `{{ ${key} }}`, deny: { conditions: { any: [{ key: `{{ ${key} }}`, operator: 'Equals', value: 'x' }] } } });

for (const [from, pod, cron] of [
  ['request.object.spec', 'request.object.spec.template.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
] as const) {
  test(`variable paths rewritten: ${from}`, () => {
    const dep = computeRules([denyRule(from)], {}, 'Deployment')[1]!;
    assert.is((dep['validate'] as JsonObject)['message'], `{{ ${pod} }}`);
    const cj = computeRules([denyRule(from)], {}, 'CronJob')[1]!;
    assert.is((cj['validate'] as JsonObject)['message'], `{{ ${cron} }}`);
    assert.equal((cj['match'] as JsonObject)['resources'], { kinds: ['batch/v1/CronJob'] });
  });
}

const celRule = (expression: string): JsonObject =>
  ({ name: 'host-path', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'Enforce', cel: { expressions: [{ expression }] } } });

for (const [from, pod, cron] of [
  ['object.spec', 'object.spec.template.spec', 'object.spec.jobTemplate.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.template.spec', 'oldObject.spec.jobTemplate.spec.template.spec'],
  ['object.metadata', 'object.spec.template.metadata', 'object.spec.jobTemplate.spec.template.metadata'],
] as const) {
  test(`CEL paths rewritten: ${from}`, () => {
    const expr = (r: JsonObject) => (((r['validate'] as JsonObject)['cel'] as JsonObject)['expressions'] as JsonObject[])[0]!['expression'];
    assert.is(expr(computeRules([celRule(from)], {}, 'DaemonSet')[1]!), pod);
    assert.is(expr(computeRules([celRule(from)], {}, 'CronJob')[1]!), cron);
  });
}

test('patterns are wrapped under spec.template / spec.jobTemplate.spec.template', () => {
  const rules = [podRule('p', { message: 'm', pattern: { spec: { hostNetwork: false } }, failureAction: 'Enforce' })];
  const dep = computeRules(rules, {}, 'StatefulSet')[1]!;
  assert.equal(dep['validate'], { message: 'm', pattern: { spec: { template: { spec: { hostNetwork: false } } } }, failureAction: 'Enforce' });
  // ComputeRules(policy, kind) generates for that one kind only
  assert.equal((dep['match'] as JsonObject)['resources'], { kinds: ['apps/v1/StatefulSet'] });
  const cj = computeRules(rules, {}, 'CronJob')[1]!;
  assert.equal((cj['validate'] as JsonObject)['pattern'], { spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: false } } } } } });
});

// Test_ComputeRules: a verifyImages rule gets its CronJob copy
test('ComputeRules: verifyImages for CronJob', () => {
  const verifyImages = [{ imageReferences: ['*'], attestors: [{ count: 1, entries: [{ keyless: { roots: 'ROOTS' } }] }] }];
  const rules = computeRules([{ name: 'check-image', match: { resources: { kinds: ['Pod'] } }, verifyImages }], {}, 'CronJob');
  assert.equal(rules, [
    { name: 'check-image', match: { resources: { kinds: ['Pod'] } }, verifyImages },
    { name: 'autogen-cronjob-check-image', match: { resources: { kinds: ['batch/v1/CronJob'] } }, verifyImages },
  ]);
});

// Test_PodSecurityWithNoExceptions / Test_ValidateWithCELExpressions
test('ComputeRules: podSecurity for Deployment, CEL for DaemonSet', () => {
  const pss: JsonObject = { name: 'restricted', match: { all: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'enforce', podSecurity: { level: 'restricted', version: 'v1.24' } } };
  const dep = computeRules([pss], {}, 'Deployment');
  assert.is(dep.length, 2);
  assert.equal(dep[1]!['match'], { all: [{ resources: { kinds: ['apps/v1/Deployment'] } }] });
  assert.is(computeRules([celRule('!has(object.spec.volumes)')], {}, 'DaemonSet').length, 2);
});

test('Pod and non-controller kinds keep the policy rules', () => {
  const rules = [podRule('r')];
  assert.is(computeRules(rules, {}, 'Pod'), rules);
  assert.is(computeRules(rules, {}, 'Service'), rules);
});

test.run();
