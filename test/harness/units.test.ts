// The harness's own pieces: pod-controller variants, the reference meaning of scope, exemptions and
// rollout, Kyverno's failure action per namespace, verdict agreement, and fixture loading.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKyvernoPolicy } from '../../src/engines/kyverno/policy.ts';
import { agrees, knownBugsFor } from '../../src/harness/compare.ts';
import type { CompiledBuild } from '../../src/harness/artifacts.ts';
import type { KnownBug } from '../../src/harness/known-bugs.ts';
import type { ReplayCase } from '../../src/harness/types.ts';
import { kyvernoAction } from '../../src/harness/evaluate.ts';
import { loadControlFixtures } from '../../src/harness/fixtures.ts';
import { levelNamespace } from '../../src/harness/namespaces.ts';
import { selectorMatches } from '../../src/harness/policy-reference.ts';
import type { HarnessNamespace } from '../../src/harness/types.ts';
import { admittedVariant, podOf, variantObject } from '../../src/harness/variants.ts';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { team: 'shop' }, annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } },
  spec: { hostNetwork: true, containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 8080, hostPort: null }] }], volumes: [{ name: 'v' }] },
};

const variants = suite('variants');

variants('every pod controller carries the pod as its template, with a selector matching the template labels', () => {
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const) {
    const object = variantObject(pod, kind, 'ns') as { apiVersion: string; metadata: { labels: Record<string, string> }; spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations: unknown }; spec: unknown } } };
    assert.is(object.apiVersion, 'apps/v1');
    for (const [key, value] of Object.entries(object.spec.selector.matchLabels)) assert.is(object.spec.template.metadata.labels[key], value, `${kind} selector`);
    assert.equal(object.spec.template.metadata.annotations, pod.metadata.annotations, `${kind} keeps annotations`);
    assert.is(object.metadata.labels['team'], 'shop', `${kind} carries the pod labels`);
    assert.equal(object.spec.template.spec, pod.spec);
  }
  const rc = variantObject(pod, 'ReplicationController', 'ns') as { apiVersion: string; spec: { selector: Record<string, string> } };
  assert.is(rc.apiVersion, 'v1');
  assert.is(rc.spec.selector['app.kubernetes.io/name'], 'web');
});

variants('Jobs and CronJobs get a restartPolicy Job validation accepts; CronJobs nest the template under jobTemplate', () => {
  const job = variantObject(pod, 'Job', 'ns') as { spec: { template: { spec: { restartPolicy: string } } } };
  assert.is(job.spec.template.spec.restartPolicy, 'OnFailure');
  const cron = variantObject({ ...pod, spec: { ...pod.spec, restartPolicy: 'Never' } }, 'CronJob', 'ns') as { spec: { schedule: string; jobTemplate: { spec: { template: { spec: { restartPolicy: string } } } } } };
  assert.is(cron.spec.jobTemplate.spec.template.spec.restartPolicy, 'Never');
  assert.type(cron.spec.schedule, 'string');
});

variants('admission normalization: Pods get hostNetwork host ports, templates do not; nulls dropped; sourceless volumes become emptyDir', () => {
  const asPod = admittedVariant(pod, 'Pod', 'ns');
  assert.is(asPod.pod, asPod.object);
  const spec = asPod.object['spec'] as { containers: { ports: { hostPort?: number }[] }[]; volumes: Record<string, unknown>[] };
  assert.is(spec.containers[0]!.ports[0]!.hostPort, 8080);
  assert.equal(spec.volumes[0], { name: 'v', emptyDir: {} });
  const asDeployment = admittedVariant(pod, 'Deployment', 'ns');
  const template = asDeployment.pod as { spec: { containers: { ports: Record<string, unknown>[] }[] } };
  assert.equal(template.spec.containers[0]!.ports[0], { containerPort: 8080 });
  const cron = admittedVariant(pod, 'CronJob', 'ns');
  const cronSpec = cron.object['spec'] as { jobTemplate: { spec: { template: unknown } } };
  assert.is(cron.pod, cronSpec.jobTemplate.spec.template);
  assert.is(podOf(cron.object), cron.pod);
  assert.is((cron.pod as { metadata: { labels: Record<string, string> } }).metadata.labels['team'], 'shop');
});

const reference = suite('reference: label selectors');

reference('matchLabels and matchExpressions as metav1.LabelSelector', () => {
  const labels = { tier: 'db', env: 'prod' };
  assert.ok(selectorMatches({ matchLabels: { tier: 'db' } }, labels));
  assert.not.ok(selectorMatches({ matchLabels: { tier: 'web' } }, labels));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] }, labels));
  assert.not.ok(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels), 'NotIn holds for a missing key');
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels));
  assert.not.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels));
  assert.not.ok(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels), 'In fails for a missing key');
});

const actions = suite('Kyverno failure action per namespace');

function policy(validate: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  return loadKyvernoPolicy(
    { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { ...spec, rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'm', pattern: { metadata: { name: '?*' } }, ...validate } }] } },
    { file: 'p.yaml', line: 1 },
  );
}
const ns = (name: string, labels: Record<string, string> = {}): HarnessNamespace => ({ name, labels, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } });

actions('failureAction, else the policy action, default Audit; autogen rules follow their rule', () => {
  assert.is(kyvernoAction(policy({ failureAction: 'Enforce' }), 'r', ns('a')), 'deny');
  assert.is(kyvernoAction(policy({ failureAction: 'Enforce' }), 'autogen-r', ns('a')), 'deny');
  assert.is(kyvernoAction(policy({ failureAction: 'Enforce' }), 'autogen-cronjob-r', ns('a')), 'deny');
  assert.is(kyvernoAction(policy({}, { validationFailureAction: 'enforce' }), 'r', ns('a')), 'deny');
  assert.is(kyvernoAction(policy({}), 'r', ns('a')), 'audit');
  assert.is(kyvernoAction(policy({}, { emitWarning: true }), 'r', ns('a')), 'warn');
});

actions('the first override matching the namespace wins: by name wildcard, by selector, or global', () => {
  const overrides = [
    { action: 'Audit', namespaces: ['dev-*'] },
    { action: 'Enforce', namespaceSelector: { matchLabels: { strict: 'true' } } },
    { action: 'Audit' },
  ];
  const p = policy({ failureAction: 'Enforce', failureActionOverrides: overrides });
  assert.is(kyvernoAction(p, 'r', ns('dev-1', { strict: 'true' })), 'audit', 'the name override comes first');
  assert.is(kyvernoAction(p, 'r', ns('prod', { strict: 'true' })), 'deny');
  assert.is(kyvernoAction(p, 'r', ns('prod')), 'audit', 'the global override');
  assert.is(kyvernoAction(policy({ failureAction: 'Enforce', failureActionOverrides: [{ action: 'Audit', namespaces: ['x'] }] }), 'r', ns('y')), 'deny', 'no override matches');
});

const agreement = suite('agreement with the reference');

agreement('outcome, and for failures the action and the failing rules', () => {
  assert.ok(agrees({ outcome: 'pass', message: '' }, { outcome: 'pass', message: 'other text' }));
  assert.not.ok(agrees({ outcome: 'pass', message: '' }, { outcome: 'not-applied', message: '' }));
  assert.ok(agrees({ outcome: 'fail', action: 'deny', message: '', failedRules: ['a', 'b'] }, { outcome: 'fail', action: 'deny', message: '', failedRules: ['b', 'a'] }));
  assert.not.ok(agrees({ outcome: 'fail', action: 'deny', message: '', failedRules: ['a'] }, { outcome: 'fail', action: 'deny', message: '', failedRules: ['b'] }));
  assert.not.ok(agrees({ outcome: 'fail', action: 'deny', message: '' }, { outcome: 'fail', action: 'warn', message: '' }));
  assert.ok(agrees({ outcome: 'fail', action: 'deny', message: '', failedRules: ['a'] }, { outcome: 'fail', action: 'deny', message: '' }), 'PSA reports no rules');
});

agreement('a known bug explains only the engines it matches', () => {
  const bug: KnownBug = { id: 'b', kind: 'engine', description: 'd', matches: ({ engine, actual }) => engine === 'psa' && actual.action === 'warn' };
  const verdicts = {
    reference: { outcome: 'fail', action: 'audit', message: '' },
    psa: { outcome: 'fail', action: 'warn', message: '' },
    kyverno: { outcome: 'pass', message: '' },
  } as const;
  const explained = knownBugsFor({} as ReplayCase, 'c', ['psa', 'kyverno'], verdicts, {} as CompiledBuild, [bug]);
  assert.equal(Object.keys(explained), ['psa']);
});

const fixtures = suite('fixture loading');

fixtures('bad fixture files are reported with their reason, the others load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpc-fixtures-'));
  mkdirSync(join(dir, 'hostPorts'));
  writeFileSync(join(dir, 'hostPorts', 'pass-ok.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {containers: [{name: c, image: x}]}\n');
  writeFileSync(join(dir, 'hostPorts', 'other.yaml'), 'apiVersion: v1\nkind: Pod\n');
  writeFileSync(join(dir, 'hostPorts', 'fail-deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n');
  writeFileSync(join(dir, 'hostPorts', 'fail-broken.yaml'), 'apiVersion: v1\nkind: Pod\nspec: [unclosed\n');
  const loaded = loadControlFixtures(dir);
  assert.equal(loaded.fixtures.map((f) => [f.id, f.expect, f.control]), [['controls/hostPorts/pass-ok.yaml', 'pass', 'hostPorts']]);
  const problems = Object.fromEntries(loaded.problems.map((p) => [p.id, p.detail]));
  assert.match(problems['controls/hostPorts/other.yaml']!, 'pass- or fail-');
  assert.match(problems['controls/hostPorts/fail-deployment.yaml']!, 'expected a v1 Pod');
  assert.match(problems['controls/hostPorts/fail-broken.yaml']!, /fail-broken\.yaml:\d+/);
});

fixtures('level namespaces carry the PSA labels of every mode and the kpc level label', () => {
  const n = levelNamespace('baseline', 'v1.30', ['pinnedImages']);
  assert.equal(n.labels, {
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/enforce-version': 'v1.30',
    'pod-security.kubernetes.io/warn': 'baseline',
    'pod-security.kubernetes.io/warn-version': 'v1.30',
    'pod-security.kubernetes.io/audit': 'baseline',
    'pod-security.kubernetes.io/audit-version': 'v1.30',
    'kube-policy-compiler/level': 'baseline',
    'hardening.kube-policy-compiler/pinnedImages': 'true',
  });
});

variants.run();
reference.run();
actions.run();
agreement.run();
fixtures.run();
