// ExpansionTemplates. Cases and expectations from gatekeeper pkg/expansion/system_test.go
// (TestValidateTemplate, TestExpandResource, TestExpand), db_test.go (cycles) and
// pkg/expansion/fixtures (expand-cronjobs / expand-jobs recursion).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExpansionSystem, expandResource, validateExpansionTemplate, type ExpansionTemplate } from '../../../src/engines/gatekeeper/expansion.ts';
import { Gatekeeper } from '../../../src/engines/gatekeeper/evaluator.ts';
import type { JsonObject } from '../../../src/engines/gatekeeper/values.ts';

const podGvk = { group: '', version: 'v1', kind: 'Pod' };
const deployments = [{ groups: ['apps'], kinds: ['Deployment'], versions: ['v1'] }];
const tmpl = (t: Partial<ExpansionTemplate>): ExpansionTemplate => ({ name: 'test1', applyTo: deployments, templateSource: 'spec.template', generatedGVK: podGvk, enforcementAction: '', ...t });

test('ValidateTemplate', () => {
  validateExpansionTemplate(tmpl({}));
  assert.throws(() => validateExpansionTemplate(tmpl({ name: '' })), /empty name/);
  assert.throws(() => validateExpansionTemplate(tmpl({ name: 'a'.repeat(65) })), /less than 64/);
  assert.throws(() => validateExpansionTemplate(tmpl({ templateSource: '' })), /empty source/);
  assert.throws(() => validateExpansionTemplate(tmpl({ generatedGVK: { group: '', version: '', kind: '' } })), /empty generatedGVK/);
  assert.throws(() => validateExpansionTemplate(tmpl({ applyTo: [] })), /specify ApplyTo/);
  assert.throws(() => validateExpansionTemplate(tmpl({ applyTo: [{ groups: [''], kinds: ['Pod'], versions: ['v1'] }] })), /also applies to that same GVK/);
});

const deployment = (metadata: JsonObject, spec: unknown): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec } as JsonObject);
const nginxTemplate = { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2' }] } };

test('expandResource: cluster scoped resource without namespace', () => {
  assert.equal(expandResource(deployment({ name: 'test-deployment' }, { template: nginxTemplate }), undefined, tmpl({ name: 'test-template' })), {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'test-deployment-pod',
      labels: { app: 'nginx' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'test-deployment', uid: '' }],
    },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2' }] },
  });
});

test('expandResource: the namespace comes from the Namespace, else from the parent', () => {
  const parent = deployment({ name: 'nginx-deployment', namespace: 'from-parent' }, { template: nginxTemplate });
  const withNs = expandResource(parent, { metadata: { name: 'default' } }, tmpl({}));
  assert.is((withNs['metadata'] as JsonObject)['namespace'], 'default');
  const withoutNs = expandResource(parent, undefined, tmpl({}));
  assert.is((withoutNs['metadata'] as JsonObject)['namespace'], 'from-parent');
});

test('expandResource errors', () => {
  const parent = deployment({ name: 'd', namespace: 'default' }, { template: nginxTemplate });
  assert.throws(() => expandResource(parent, undefined, tmpl({ templateSource: 'spec.nonexistent' })), /could not find source field/);
  assert.throws(() => expandResource(deployment({ name: 'd' }, 'invalid-not-a-map'), undefined, tmpl({})), /could not extract source field from unstructured/);
  assert.throws(() => expandResource(deployment({ name: 'd', namespace: 123n }, { template: nginxTemplate }), undefined, tmpl({})), /could not extract namespace field/);
});

test('recursive expansion: CronJob → Job → Pod', () => {
  const system = new ExpansionSystem();
  system.upsert(tmpl({ name: 'expand-cronjobs', applyTo: [{ groups: ['batch'], kinds: ['CronJob'], versions: ['v1'] }], templateSource: 'spec.jobTemplate', generatedGVK: { group: 'batch', version: 'v1', kind: 'Job' } }));
  system.upsert(tmpl({ name: 'expand-jobs', applyTo: [{ groups: ['batch'], kinds: ['Job'], versions: ['v1'] }] }));
  const cronJob: JsonObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'my-cronjob', namespace: 'ns' }, spec: { jobTemplate: { spec: { template: nginxTemplate } } } };
  const resultants = system.expand(cronJob, undefined);
  assert.equal(resultants.map((r) => [r.templateName, r.object['kind'], (r.object['metadata'] as JsonObject)['name']]), [
    ['expand-jobs', 'Pod', 'my-cronjob-job-pod'],
    ['expand-cronjobs', 'Job', 'my-cronjob-job'],
  ]);
});

test('a template that closes a cycle is rejected', () => {
  const system = new ExpansionSystem();
  system.upsert(tmpl({ name: 'a', applyTo: [{ groups: ['x'], kinds: ['A'], versions: ['v1'] }], generatedGVK: { group: 'x', version: 'v1', kind: 'B' } }));
  assert.throws(
    () => system.upsert(tmpl({ name: 'b', applyTo: [{ groups: ['x'], kinds: ['B'], versions: ['v1'] }], generatedGVK: { group: 'x', version: 'v1', kind: 'A' } })),
    /template forms expansion cycle/,
  );
});

test('Gatekeeper API: pod-controller expansion prefixes child messages and keeps their action', () => {
  const gk = new Gatekeeper('cel');
  gk.addTemplate({
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'noprivileged' },
    spec: {
      crd: { spec: { names: { kind: 'NoPrivileged' } } },
      targets: [{
        target: 'admission.k8s.gatekeeper.sh',
        code: [{ engine: 'K8sNativeValidation', source: { validations: [{ expression: 'variables.anyObject.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)', message: 'privileged' }] } }],
      }],
    },
  });
  gk.addConstraint({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'NoPrivileged', metadata: { name: 'c' }, spec: { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] } } });
  gk.usePodControllerExpansion();
  const privileged = { ...nginxTemplate, spec: { containers: [{ name: 'nginx', image: 'nginx', securityContext: { privileged: true } }] } };
  const result = gk.review(deployment({ name: 'web', namespace: 'default' }, { template: privileged }));
  assert.equal(result.violations.map((v) => v.msg), ['[Implied by expand-deployments] privileged']);
  assert.equal(result.matched, ['NoPrivileged/c']);
  const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'default' }, spec: { jobTemplate: { spec: { template: privileged } } } };
  assert.equal(gk.review(cronJob).violations.map((v) => v.msg), ['[Implied by expand-deployments] privileged']);
  // the Deployment itself is not a Pod: without expansion nothing matches
  const plain = new Gatekeeper('cel');
  assert.equal(plain.review(deployment({ name: 'web' }, { template: privileged })).violations, []);
});

test.run();
