// Whole-rule behaviour (missing keys, deny, foreach, DELETE, messages), against cases from
// kyverno/kyverno pkg/engine/validation_test.go and the handler source
// (pkg/engine/handlers/validation/validate_resource.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluate, loadPolicy, type EvaluationInput, type RuleResult } from '../../../src/engines/kyverno/index.ts';

function run(policy: Record<string, unknown>, input: EvaluationInput): readonly RuleResult[] {
  return evaluate(loadPolicy({ file: 'policy.yaml', line: 1, value: policy }), input).rules;
}

const clusterPolicy = (rules: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'test', ...extra },
  spec: { rules },
});

// Test_Flux_Kustomization_PathNotPresent
const fluxRules = (message: string) => [
  {
    name: 'serviceAccountName',
    exclude: { resources: { namespaces: ['flux-system'] } },
    match: { resources: { kinds: ['Kustomization', 'HelmRelease'] } },
    validate: { message: '.spec.serviceAccountName is required', pattern: { spec: { serviceAccountName: '?*' } } },
  },
  {
    name: 'sourceRefNamespace',
    exclude: { resources: { namespaces: ['flux-system'] } },
    match: { resources: { kinds: ['Kustomization', 'HelmRelease'] } },
    validate: { message, deny: { conditions: [{ key: '{{request.object.spec.sourceRef.namespace}}', operator: 'NotEquals', value: '{{request.object.metadata.namespace}}' }] } },
  },
];
const kustomization = (sourceRef: Record<string, unknown>) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta1',
  kind: 'Kustomization',
  metadata: { name: 'dev-team', namespace: 'apps' },
  spec: { serviceAccountName: 'dev-team', interval: '5m', sourceRef, prune: true, validation: 'client' },
});

test('validation_test.go Test_Flux_Kustomization_PathNotPresent: a missing key in a deny condition is an error', () => {
  const rules = run(clusterPolicy(fluxRules('spec.sourceRef.namespace must be the same as metadata.namespace')), { resource: kustomization({ kind: 'GitRepository', name: 'dev-team' }) });
  assert.equal(
    rules.map((r) => [r.status, r.message]),
    [
      ['pass', "validation rule 'serviceAccountName' passed."],
      ['error', 'failed to check deny conditions: failed to substitute variables in condition key: failed to resolve request.object.spec.sourceRef.namespace at path : JMESPath query failed: Unknown key "namespace" in path'],
    ],
  );
});

test('validation_test.go Test_Flux_Kustomization_PathNotPresent: resource-with-violation substitutes the message', () => {
  const policy = clusterPolicy(fluxRules('spec.sourceRef.namespace {{request.object.spec.sourceRef.namespace}} must be the same as metadata.namespace {{request.object.metadata.namespace}}'));
  const rules = run(policy, { resource: kustomization({ kind: 'GitRepository', name: 'dev-team', namespace: 'default' }) });
  assert.equal(rules.map((r) => [r.status, r.message]), [
    ['pass', "validation rule 'serviceAccountName' passed."],
    ['fail', 'spec.sourceRef.namespace default must be the same as metadata.namespace apps'],
  ]);
  const comply = run(policy, { resource: kustomization({ kind: 'GitRepository', name: 'dev-team', namespace: 'apps' }) });
  assert.equal(comply.map((r) => [r.status, r.message]), [
    ['pass', "validation rule 'serviceAccountName' passed."],
    ['pass', "validation rule 'sourceRefNamespace' passed."],
  ]);
});

test('missing keys are swallowed by ||, projections, flatten and multi-select', () => {
  const rule = (key: string) => ({ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { deny: { conditions: { all: [{ key, operator: 'Equals', value: 'never' }] } } } });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } };
  for (const key of ["{{ request.object.metadata.labels.app || 'none' }}", '{{ request.object.spec.containers[].securityContext }}', '{{ request.object.spec.[initContainers, containers][].name }}', '{{ request.object.spec.initContainers[] }}']) {
    assert.is(run(clusterPolicy([rule(key)]), { resource: pod })[0]!.status, 'pass', key);
  }
  assert.is(run(clusterPolicy([rule('{{ request.object.metadata.labels.app }}')]), { resource: pod })[0]!.status, 'error');
});

const deployment = (containers: unknown[], initContainers?: unknown[]) => ({
  apiVersion: 'v1',
  kind: 'Deployment',
  metadata: { name: 'test' },
  spec: { template: { spec: initContainers ? { containers, initContainers } : { containers } } },
});
const foreachRule = (foreach: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'test', match: { resources: { kinds: ['Deployment'] } }, validate: { ...extra, foreach } });

test('validation_test.go Test_foreach_container_pass / _fail: element-scoped patterns', () => {
  const foreach = [{ list: 'request.object.spec.template.spec.containers', pattern: { name: '*-valid' } }];
  const ok = deployment([{ name: 'pod1-valid', image: 'nginx/nginx:v1' }, { name: 'pod2-valid', image: 'nginx/nginx:v2' }]);
  const bad = deployment([{ name: 'pod1-valid', image: 'nginx/nginx:v1' }, { name: 'pod2-invalid', image: 'nginx/nginx:v2' }]);
  assert.is(run(clusterPolicy([foreachRule(foreach)]), { resource: ok })[0]!.status, 'pass');
  assert.is(run(clusterPolicy([foreachRule(foreach)]), { resource: bad })[0]!.status, 'fail');
});

test('validation_test.go Test_foreach_container_deny_fail / _error: nested variables, unknown function', () => {
  const resource = deployment([{ name: 'pod1-valid', image: 'nginx/nginx:v1' }, { name: 'pod2-invalid', image: 'docker.io/nginx/nginx:v2' }]);
  const deny = (fn: string) => [{ list: 'request.object.spec.template.spec.containers', deny: { conditions: [{ key: `{{ ${fn}('{{element.image}}', 'docker.io') }}`, operator: 'Equals', value: false }] } }];
  assert.is(run(clusterPolicy([foreachRule(deny('regex_match'))]), { resource })[0]!.status, 'fail');
  assert.is(run(clusterPolicy([foreachRule(deny('regex_match_INVALID'))]), { resource })[0]!.status, 'error');
});

test('validation_test.go Test_foreach_context_preconditions: foreach preconditions and mocked context', () => {
  const resource = deployment([{ name: 'podvalid', image: 'nginx/nginx:v1' }, { name: 'podinvalid', image: 'nginx/nginx:v2' }]);
  const foreach = [
    {
      list: 'request.object.spec.template.spec.containers',
      context: [{ name: 'img', configMap: { name: 'mycmap', namespace: 'default' } }],
      preconditions: { all: [{ key: '{{element.name}}', operator: 'In', value: ['podvalid'] }] },
      deny: { conditions: [{ key: '{{ element.image }}', operator: 'NotEquals', value: '{{ img.data.{{ element.name }} }}' }] },
    },
  ];
  const ruleValues = { test: { test: { 'img.data.podvalid': 'nginx/nginx:v1', 'img.data.podinvalid': 'nginx/nginx:v2' } } };
  assert.is(run(clusterPolicy([foreachRule(foreach)]), { resource, ruleValues })[0]!.status, 'pass');
  // Test_foreach_context_preconditions_fail: the mocked value differs → deny
  const wrong = { test: { test: { 'img.data.podvalid': 'nginx/nginx:v2', 'img.data.podinvalid': 'nginx/nginx:v2' } } };
  assert.is(run(clusterPolicy([foreachRule(foreach)]), { resource, ruleValues: wrong })[0]!.status, 'fail');
});

test('validation_test.go Test_foreach_skip_initContainer_pass: a missing list skips that foreach entry', () => {
  const foreach = [
    { list: 'request.object.spec.template.spec.containers', pattern: { image: 'nginx' } },
    { list: 'request.object.spec.template.spec.initContainers', pattern: { image: 'trusted-registry.io/*' } },
  ];
  assert.is(run(clusterPolicy([foreachRule(foreach, { message: 'unknown registry' })]), { resource: deployment([{ name: 'podvalid', image: 'nginx' }]) })[0]!.status, 'pass');
});

test('validation_test.go Test_foreach_validate_nested: nested foreach over element lists', () => {
  const ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'name-virtual-host-ingress' },
    spec: { rules: [{ host: 'foo.bar.com', http: { paths: [{ pathType: 'Prefix', path: '/' }] } }, { host: 'bar.foo.com', http: { paths: [{ pathType: 'Prefix', path: '/' }] } }] },
  };
  const rule = { name: 'replace-dns-suffix', match: { any: [{ resources: { kinds: ['Ingress'] } }] }, validate: { foreach: [{ list: 'request.object.spec.rules', foreach: [{ list: 'element.http.paths', pattern: { path: '/' } }] }] } };
  assert.is(run(clusterPolicy([rule]), { resource: ingress })[0]!.status, 'pass');
});

test('validation_test.go TestValidate_foreach_zero_reported_asskip: nothing processed is no response, not skip', () => {
  const rule = {
    name: 'check-token-exp',
    match: { resources: { kinds: ['Pod'] } },
    validate: { failureAction: 'Enforce', foreach: [{ list: 'request.object.spec.volumes[].projected.sources[].serviceAccountToken.expirationSeconds', deny: { conditions: { any: [{ key: '{{ element }}', operator: 'GreaterThan', value: 3600 }] } } }] },
  };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'my-pod' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };
  const rules = run(clusterPolicy([rule], { annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } }), { resource: pod });
  assert.equal(rules.map((r) => r.status), ['no-response']);
});

test('validation_test.go Test_delete_ignore_pattern: pattern rules give no response on DELETE', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', labels: { 'app.kubernetes.io/foo': 'myapp-pod' } }, spec: { containers: [{ name: 'nginx1', image: 'nginx' }] } };
  const rule = { name: 'test', match: { resources: { kinds: ['Pod'] } }, validate: { failureAction: 'enforce', message: 'Invalid label', pattern: { metadata: { labels: { 'app.kubernetes.io/name': 'myapp-pod' } } } } };
  const policy = clusterPolicy([rule]);
  assert.is(run(policy, { resource: pod, operation: 'CREATE' })[0]!.status, 'fail');
  assert.is(run(policy, { resource: pod, operation: 'DELETE' })[0]!.status, 'no-response');
});

test('deny: {} always fails; `any: []` is false so the deny passes; a bare list means all', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} };
  const rule = (deny: unknown) => ({ name: 'r', match: { resources: { kinds: ['Pod'] } }, validate: { message: 'm', deny } });
  assert.is(run(clusterPolicy([rule({})]), { resource: pod })[0]!.status, 'fail');
  assert.is(run(clusterPolicy([rule({ conditions: { any: [] } })]), { resource: pod })[0]!.status, 'pass');
  assert.is(run(clusterPolicy([rule({ conditions: [{ key: 'a', operator: 'Equals', value: 'a' }, { key: 'a', operator: 'Equals', value: 'b' }] })]), { resource: pod })[0]!.status, 'pass');
});

test('preconditions false → skip with the reason; a precondition error → error', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} };
  const rule = (key: string) => ({ name: 'r', match: { resources: { kinds: ['Pod'] } }, preconditions: { all: [{ key, operator: 'Equals', value: 'UPDATE' }] }, validate: { deny: {} } });
  const skipped = run(clusterPolicy([rule('{{ request.operation }}')]), { resource: pod })[0]!;
  assert.is(skipped.status, 'skip');
  assert.is(skipped.message, 'preconditions not met');
  assert.is(run(clusterPolicy([rule('{{ request.object.missing }}')]), { resource: pod })[0]!.status, 'error');
});

test('UPDATE + Enforce: failing old and new objects turn a fail into skip (allowExistingViolations)', () => {
  const pod = (v: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: `nginx:${v}` }] } });
  const rule = (action: string) => ({ name: 'r', match: { resources: { kinds: ['Pod'] } }, validate: { failureAction: action, pattern: { spec: { containers: [{ image: '!*:latest' }] } } } });
  assert.is(run(clusterPolicy([rule('Enforce')]), { resource: pod('latest'), oldResource: pod('latest'), operation: 'UPDATE' })[0]!.status, 'skip');
  assert.is(run(clusterPolicy([rule('Enforce')]), { resource: pod('latest'), oldResource: pod('1.0'), operation: 'UPDATE' })[0]!.status, 'fail');
  assert.is(run(clusterPolicy([rule('Audit')]), { resource: pod('latest'), oldResource: pod('latest'), operation: 'UPDATE' })[0]!.status, 'fail');
});

test('an unmocked apiCall context entry is reported unsupported only when the rule reads it', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} };
  const rule = (key: string) => ({ name: 'r', match: { resources: { kinds: ['Pod'] } }, context: [{ name: 'remote', apiCall: { urlPath: '/api/v1/namespaces' } }], validate: { deny: { conditions: [{ key, operator: 'Equals', value: 'x' }] } } });
  const reads = run(clusterPolicy([rule('{{ remote.items[0] }}')]), { resource: pod })[0]!;
  assert.is(reads.status, 'error');
  assert.ok(reads.unsupported?.includes('remote'));
  assert.is(run(clusterPolicy([rule('{{ request.object.kind }}')]), { resource: pod })[0]!.unsupported, undefined);
});

// kyverno.md §2.7: wildcard patterns against numbers — the CLI makes numbers float64 (strconv 'E'
// format, 8080 → "8.08E+03"), an admission request decodes integers as int64 ("8080").
test('wildcard pattern on a number: float64 (CLI) vs int64 (admission)', () => {
  const policy = clusterPolicy([
    {
      name: 'port',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      validate: { message: 'port', pattern: { spec: { containers: [{ ports: [{ containerPort: '80*' }] }] } } },
    },
  ]);
  const resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 8080 }] }] } };
  assert.is(run(policy, { resource })[0]!.status, 'fail');
  assert.is(run(policy, { resource, integers: 'int64' })[0]!.status, 'pass');
  assert.is(run(policy, { resource, integers: 'int64' })[0]!.status, 'pass');
});

test.run();
