// MatchResources. Cases ported from kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/
// policy/matching/matching_test.go (TestMatcher, with its deployments equivalence registry) and
// webhook/predicates/rules/rules_test.go (TestGroup/Version/Operation/Resource/Scope), plus the
// namespace and object predicates (predicates/namespace/matcher.go, predicates/object/matcher.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AdmissionAttributes, Operation } from '../../../src/engines/vap/attributes.ts';
import { EquivalentResourceRegistry, type GroupVersionKind, type GroupVersionResource } from '../../../src/engines/vap/resources.ts';
import { MatchError, matchResources, namespaceNotFound, ruleMatches, type MatchResources, type NamedRule } from '../../../src/engines/vap/match.ts';

const gvr = (group: string, version: string, resource: string): GroupVersionResource => ({ group, version, resource });
const gvk = (group: string, version: string, kind: string): GroupVersionKind => ({ group, version, kind });

function attrs(kind: GroupVersionKind, namespace: string, name: string, resource: GroupVersionResource, subresource = '', operation: Operation = 'CREATE', object: Record<string, unknown> | null = null, oldObject: Record<string, unknown> | null = null): AdmissionAttributes {
  return { operation, object, oldObject, kind, resource, subresource, name, namespace, userInfo: {}, dryRun: false, options: null };
}

function rule(apiGroups: string[], apiVersions: string[], resources: string[], extra: Partial<NamedRule> = {}): NamedRule {
  return { resourceNames: [], operations: ['*'], apiGroups, apiVersions, resources, scope: '*', ...extra };
}

const everything = { matchLabels: {}, matchExpressions: [] };

function criteria(fields: Partial<MatchResources>): MatchResources {
  return { namespaceSelector: everything, objectSelector: everything, resourceRules: [], excludeResourceRules: [], matchPolicy: null, ...fields };
}

// TestMatcher's mapper: deployments in every group share one identity; scale has its own kinds
const mapper = new EquivalentResourceRegistry((_group, resource) => (resource === 'deployments' ? '/deployments' : ''));
for (const [group, version] of [['extensions', 'v1beta1'], ['apps', 'v1'], ['apps', 'v1beta1'], ['apps', 'v1alpha1']] as const) {
  mapper.registerKindFor(gvr(group, version, 'deployments'), '', gvk(group, version, 'Deployment'));
}
mapper.registerKindFor(gvr('extensions', 'v1beta1', 'deployments'), 'scale', gvk('extensions', 'v1beta1', 'Scale'));
mapper.registerKindFor(gvr('apps', 'v1', 'deployments'), 'scale', gvk('autoscaling', 'v1', 'Scale'));
mapper.registerKindFor(gvr('apps', 'v1beta1', 'deployments'), 'scale', gvk('apps', 'v1beta1', 'Scale'));
mapper.registerKindFor(gvr('apps', 'v1alpha1', 'deployments'), 'scale', gvk('apps', 'v1alpha1', 'Scale'));

const env = { equivalents: mapper, namespaceLabels: (name: string): Record<string, string> => { throw namespaceNotFound(name); } };

const appsV1Deployment = attrs(gvk('apps', 'v1', 'Deployment'), 'ns', 'name', gvr('apps', 'v1', 'deployments'));
const appsV1Scale = attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('apps', 'v1', 'deployments'), 'scale');
const allScopes = rule(['*'], ['*'], ['*']);
const extV1beta1 = rule(['extensions'], ['v1beta1'], ['deployments']);
const appsV1beta1 = rule(['apps'], ['v1beta1'], ['deployments']);
const withScale = (r: NamedRule): NamedRule => ({ ...r, resources: ['deployments', 'deployments/scale'] });

interface Case {
  readonly name: string;
  readonly criteria: MatchResources;
  readonly attrs: AdmissionAttributes;
  readonly matches: boolean;
  readonly kind?: GroupVersionKind;
  /** Default: the request's own resource. */
  readonly resource?: GroupVersionResource;
  readonly error?: string;
}

const cases: Case[] = [
  { name: 'no rules (just write)', criteria: criteria({ objectSelector: null }), attrs: appsV1Deployment, matches: false },
  { name: 'wildcard rule, match as requested', criteria: criteria({ resourceRules: [allScopes] }), attrs: appsV1Deployment, matches: true, kind: gvk('apps', 'v1', 'Deployment') },
  {
    name: 'specific rules, prefer exact match',
    criteria: criteria({ resourceRules: [rule(['extensions'], ['v1'], ['deployments']), appsV1beta1, rule(['apps'], ['v1'], ['deployments'])] }),
    attrs: appsV1Deployment,
    matches: true,
    kind: gvk('apps', 'v1', 'Deployment'),
  },
  { name: 'specific rules, match miss', criteria: criteria({ resourceRules: [extV1beta1, appsV1beta1] }), attrs: appsV1Deployment, matches: false },
  { name: 'specific rules, exact match miss', criteria: criteria({ matchPolicy: 'Exact', resourceRules: [extV1beta1, appsV1beta1] }), attrs: appsV1Deployment, matches: false },
  {
    name: 'specific rules, equivalent match, prefer extensions',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [extV1beta1, appsV1beta1] }),
    attrs: appsV1Deployment,
    matches: true,
    resource: gvr('extensions', 'v1beta1', 'deployments'),
    kind: gvk('extensions', 'v1beta1', 'Deployment'),
  },
  {
    name: 'specific rules, equivalent match, prefer apps',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [appsV1beta1, extV1beta1] }),
    attrs: appsV1Deployment,
    matches: true,
    resource: gvr('apps', 'v1beta1', 'deployments'),
    kind: gvk('apps', 'v1beta1', 'Deployment'),
  },
  {
    name: 'specific rules, subresource prefer exact match',
    criteria: criteria({ resourceRules: [withScale(extV1beta1), withScale(appsV1beta1), withScale(rule(['apps'], ['v1'], ['deployments']))] }),
    attrs: appsV1Scale,
    matches: true,
    kind: gvk('autoscaling', 'v1', 'Scale'),
  },
  { name: 'specific rules, subresource match miss', criteria: criteria({ resourceRules: [withScale(extV1beta1), withScale(appsV1beta1)] }), attrs: appsV1Scale, matches: false },
  { name: 'specific rules, subresource exact match miss', criteria: criteria({ matchPolicy: 'Exact', resourceRules: [withScale(extV1beta1), withScale(appsV1beta1)] }), attrs: appsV1Scale, matches: false },
  {
    name: 'specific rules, subresource equivalent match, prefer extensions',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [withScale(extV1beta1), withScale(appsV1beta1)] }),
    attrs: appsV1Scale,
    matches: true,
    resource: gvr('extensions', 'v1beta1', 'deployments'),
    kind: gvk('extensions', 'v1beta1', 'Scale'),
  },
  {
    name: 'specific rules, subresource equivalent match, prefer apps',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [withScale(appsV1beta1), withScale(extV1beta1)] }),
    attrs: appsV1Scale,
    matches: true,
    resource: gvr('apps', 'v1beta1', 'deployments'),
    kind: gvk('apps', 'v1beta1', 'Scale'),
  },
  {
    name: 'specific rules, prefer exact match and name match',
    criteria: criteria({ resourceRules: [rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['name'] })] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('apps', 'v1', 'deployments')),
    matches: true,
    kind: gvk('autoscaling', 'v1', 'Scale'),
  },
  {
    name: 'specific rules, prefer exact match and name match miss',
    criteria: criteria({ resourceRules: [rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['wrong-name'] })] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('apps', 'v1', 'deployments')),
    matches: false,
  },
  {
    name: 'specific rules, subresource equivalent match, prefer extensions and name match',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [withScale(rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['name'] }))] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('extensions', 'v1beta1', 'deployments'), 'scale'),
    matches: true,
    resource: gvr('apps', 'v1', 'deployments'),
    kind: gvk('autoscaling', 'v1', 'Scale'),
  },
  {
    name: 'specific rules, subresource equivalent match, prefer extensions and name match miss',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [withScale(rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['wrong-name'] }))] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('extensions', 'v1beta1', 'deployments'), 'scale'),
    matches: false,
  },
  {
    name: 'exclude resource match on miss',
    criteria: criteria({ resourceRules: [allScopes], excludeResourceRules: [extV1beta1] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('apps', 'v1', 'deployments')),
    matches: true,
    kind: gvk('autoscaling', 'v1', 'Scale'),
  },
  {
    name: 'exclude resource miss on match',
    criteria: criteria({ resourceRules: [allScopes], excludeResourceRules: [extV1beta1] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('extensions', 'v1beta1', 'deployments')),
    matches: false,
  },
  {
    name: 'exclude resource with name match',
    criteria: criteria({ resourceRules: [allScopes], excludeResourceRules: [rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['name'] })] }),
    attrs: appsV1Deployment,
    matches: false,
  },
  {
    name: 'exclude resource with name miss',
    criteria: criteria({ resourceRules: [allScopes], excludeResourceRules: [rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['other-name'] })] }),
    attrs: appsV1Deployment,
    matches: true,
    kind: gvk('apps', 'v1', 'Deployment'),
  },
  {
    name: 'exclude equivalent resource match',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [allScopes], excludeResourceRules: [extV1beta1] }),
    attrs: appsV1Deployment,
    matches: false,
  },
  {
    name: 'exclude equivalent resource with name miss',
    criteria: criteria({ matchPolicy: 'Equivalent', resourceRules: [allScopes], excludeResourceRules: [{ ...extV1beta1, resourceNames: ['other-name'] }] }),
    attrs: appsV1Deployment,
    matches: true,
    kind: gvk('apps', 'v1', 'Deployment'),
  },
  {
    name: 'treat empty ResourceRules as match',
    criteria: criteria({ excludeResourceRules: [extV1beta1] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('apps', 'v1', 'deployments')),
    matches: true,
  },
  {
    name: 'treat non-empty ResourceRules as no match',
    criteria: criteria({ resourceRules: [{ resourceNames: [], operations: [], apiGroups: [], apiVersions: [], resources: [], scope: null }] }),
    attrs: attrs(gvk('autoscaling', 'v1', 'Scale'), 'ns', 'name', gvr('apps', 'v1', 'deployments')),
    matches: false,
  },
  {
    name: "erroring namespace selector on otherwise non-matching rule doesn't error",
    criteria: criteria({ namespaceSelector: { matchLabels: {}, matchExpressions: [{ key: 'key ', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['deployments'], { scope: null })] }),
    attrs: attrs(gvk('example.apiserver.k8s.io', 'v1', 'Pod'), 'ns', 'name', gvr('example.apiserver.k8s.io', 'v1', 'pods'), '', 'CREATE', {}),
    matches: false,
  },
  {
    name: 'erroring namespace selector on otherwise matching rule errors',
    criteria: criteria({ namespaceSelector: { matchLabels: {}, matchExpressions: [{ key: 'key', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['pods'], { scope: null })] }),
    attrs: attrs(gvk('example.apiserver.k8s.io', 'v1', 'Pod'), 'ns', 'name', gvr('example.apiserver.k8s.io', 'v1', 'pods'), '', 'CREATE', {}),
    matches: false,
    error: 'bad value',
  },
  {
    name: "erroring object selector on otherwise non-matching rule doesn't error",
    criteria: criteria({ objectSelector: { matchLabels: {}, matchExpressions: [{ key: 'key', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['deployments'], { scope: null })] }),
    attrs: attrs(gvk('example.apiserver.k8s.io', 'v1', 'Pod'), 'ns', 'name', gvr('example.apiserver.k8s.io', 'v1', 'pods'), '', 'CREATE', {}),
    matches: false,
  },
  {
    name: 'erroring object selector on otherwise matching rule errors',
    criteria: criteria({ objectSelector: { matchLabels: {}, matchExpressions: [{ key: 'key', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['pods'], { scope: null })] }),
    attrs: attrs(gvk('example.apiserver.k8s.io', 'v1', 'Pod'), 'ns', 'name', gvr('example.apiserver.k8s.io', 'v1', 'pods'), '', 'CREATE', {}),
    matches: false,
    error: 'bad value',
  },
];

for (const c of cases) {
  test(`TestMatcher: ${c.name}`, () => {
    let result;
    try {
      result = matchResources(c.criteria, c.attrs, env);
    } catch (error) {
      if (c.error === undefined) throw error;
      assert.instance(error, MatchError);
      assert.ok((error as Error).message.includes(c.error), (error as Error).message);
      return;
    }
    assert.is(c.error, undefined, 'expected an error');
    assert.is(result.matches, c.matches);
    if (result.matches) {
      if (c.kind) assert.equal(result.kind, c.kind);
      assert.equal(result.resource, c.resource ?? c.attrs.resource);
    }
  });
}

// rules_test.go: each predicate alone (the other parts of the rule are wildcards here)
const a = (group: string, version: string, resource: string, subresource = '', operation: Operation = 'CREATE', namespace = 'ns') =>
  attrs(gvk(group, version, `k${resource}`), namespace, 'name', gvr(group, version, resource), subresource, operation);
const any: NamedRule = { resourceNames: [], operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'], scope: '*' };
const check = (r: NamedRule, match: AdmissionAttributes[], noMatch: AdmissionAttributes[]) => {
  for (const m of match) assert.ok(ruleMatches(r, m, m.resource), `expected match ${JSON.stringify(m.resource)} ${m.subresource} ${m.operation} ${m.namespace}`);
  for (const m of noMatch) assert.not.ok(ruleMatches(r, m, m.resource), `expected no match ${JSON.stringify(m.resource)} ${m.subresource} ${m.operation} ${m.namespace}`);
};

test('TestGroup, TestVersion: wildcard and exact lists', () => {
  check({ ...any, apiGroups: ['*'] }, [a('g', 'v', 'r')], []);
  check({ ...any, apiGroups: ['g1', 'g2'] }, [a('g1', 'v', 'r'), a('g2', 'v2', 'r3')], [a('g3', 'v', 'r'), a('g4', 'v', 'r')]);
  check({ ...any, apiVersions: ['*'] }, [a('g', 'v', 'r')], []);
  check({ ...any, apiVersions: ['v1', 'v2'] }, [a('g1', 'v1', 'r'), a('g2', 'v2', 'r')], [a('g1', 'v3', 'r'), a('g2', 'v4', 'r')]);
});

test('TestOperation: *, each operation, several', () => {
  const [create, update, del, connect] = (['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const).map((op) => a('g', 'v', 'r', '', op)) as [AdmissionAttributes, AdmissionAttributes, AdmissionAttributes, AdmissionAttributes];
  check({ ...any, operations: ['*'] }, [create, update, del, connect], []);
  check({ ...any, operations: ['CREATE'] }, [create], [update, del, connect]);
  check({ ...any, operations: ['UPDATE'] }, [update], [create, del, connect]);
  check({ ...any, operations: ['DELETE'] }, [del], [create, update, connect]);
  check({ ...any, operations: ['CONNECT'] }, [connect], [create, update, del]);
  check({ ...any, operations: ['UPDATE', 'DELETE'] }, [update, del], [create, connect]);
});

test('TestResource: "*" excludes subresources, r/*, */proxy', () => {
  check({ ...any, resources: ['*'] }, [a('g', 'v', 'r'), a('2', 'v', 'r2')], [a('g', 'v', 'r', 'exec'), a('2', 'v', 'r2', 'proxy')]);
  check({ ...any, resources: ['r/*'] }, [a('g', 'v', 'r'), a('g', 'v', 'r', 'exec')], [a('2', 'v', 'r2'), a('2', 'v', 'r2', 'proxy')]);
  check({ ...any, resources: ['r/*', 'r2'] }, [a('g', 'v', 'r'), a('g', 'v', 'r', 'exec'), a('2', 'v', 'r2')], [a('2', 'v', 'r2', 'proxy')]);
  check({ ...any, resources: ['*/proxy', '*/exec'] }, [a('g', 'v', 'r', 'exec'), a('2', 'v', 'r2', 'proxy'), a('2', 'v', 'r3', 'proxy')], [a('g', 'v', 'r'), a('2', 'v', 'r2'), a('2', 'v', 'r4', 'scale')]);
});

test('TestScope: namespaces are cluster-scoped even when the request carries their name as namespace', () => {
  const cluster = (group: string, version: string, resource: string, sub = '') => a(group, version, resource, sub, 'CREATE', '');
  const namespaced = (group: string, version: string, resource: string, sub = '') => a(group, version, resource, sub, 'CREATE', 'ns');
  check(
    { ...any, scope: 'Cluster' },
    [cluster('g', 'v', 'r'), cluster('g', 'v', 'r', 'exec'), cluster('', 'v1', 'namespaces'), cluster('', 'v1', 'namespaces', 'finalize'), namespaced('', 'v1', 'namespaces'), namespaced('', 'v1', 'namespaces', 'finalize')],
    [namespaced('g', 'v', 'r'), namespaced('g', 'v', 'r', 'exec')],
  );
  check(
    { ...any, scope: 'Namespaced' },
    [namespaced('g', 'v', 'r'), namespaced('g', 'v', 'r', 'exec')],
    [cluster('', 'v1', 'namespaces'), cluster('', 'v1', 'namespaces', 'finalize'), namespaced('', 'v1', 'namespaces'), namespaced('', 'v1', 'namespaces', 'finalize'), cluster('g', 'v', 'r'), cluster('g', 'v', 'r', 'exec')],
  );
  check({ ...any, scope: '*' }, [namespaced('g', 'v', 'r'), cluster('g', 'v', 'r', 'exec'), cluster('', 'v1', 'namespaces'), namespaced('', 'v1', 'namespaces', 'finalize')], []);
});

// predicates/namespace and predicates/object
const podRule = rule([''], ['v1'], ['pods']);
const nsRule = rule([''], ['v1'], ['namespaces']);
const nodeRule = rule([''], ['v1'], ['nodes']);
const labelled = (labels: Record<string, string>) => ({ metadata: { name: 'x', labels } });
const prodSelector = { matchLabels: { env: 'prod' }, matchExpressions: [] };
const envWith = (namespaces: Record<string, Record<string, string>>) => ({
  equivalents: mapper,
  namespaceLabels: (name: string) => {
    const labels = namespaces[name];
    if (!labels) throw namespaceNotFound(name);
    return labels;
  },
});

test('namespaceSelector: the namespace labels of namespaced requests; cluster-scoped requests are never exempted', () => {
  const e = envWith({ prod: { env: 'prod' }, dev: { env: 'dev' } });
  const pod = (ns: string) => attrs(gvk('', 'v1', 'Pod'), ns, 'p', gvr('', 'v1', 'pods'), '', 'CREATE', labelled({}));
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [podRule] }), pod('prod'), e).matches, true);
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [podRule] }), pod('dev'), e).matches, false);
  const node = attrs(gvk('', 'v1', 'Node'), '', 'n', gvr('', 'v1', 'nodes'), '', 'CREATE', labelled({}));
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [nodeRule] }), node, e).matches, true);
});

test('namespaceSelector: a Namespace being created or updated is matched on its own labels, a deleted one on the stored labels', () => {
  const e = envWith({ gone: { env: 'prod' } });
  const created = attrs(gvk('', 'v1', 'Namespace'), '', 'fresh', gvr('', 'v1', 'namespaces'), '', 'CREATE', labelled({ env: 'prod' }));
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [nsRule] }), created, e).matches, true);
  const updated = attrs(gvk('', 'v1', 'Namespace'), 'fresh', 'fresh', gvr('', 'v1', 'namespaces'), '', 'UPDATE', labelled({ env: 'dev' }), labelled({ env: 'prod' }));
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [nsRule] }), updated, e).matches, false);
  const deleted = attrs(gvk('', 'v1', 'Namespace'), 'gone', 'gone', gvr('', 'v1', 'namespaces'), '', 'DELETE', null, labelled({}));
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [nsRule] }), deleted, e).matches, true);
});

test('namespaceSelector: an unknown namespace is a 404 error only when the rules match', () => {
  const e = envWith({});
  const pod = attrs(gvk('', 'v1', 'Pod'), 'missing', 'p', gvr('', 'v1', 'pods'), '', 'CREATE', labelled({}));
  assert.is(matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [nodeRule] }), pod, e).matches, false);
  try {
    matchResources(criteria({ namespaceSelector: prodSelector, resourceRules: [podRule] }), pod, e);
    assert.unreachable('expected an error');
  } catch (error) {
    assert.instance(error, MatchError);
    assert.is((error as MatchError).message, 'namespaces "missing" not found');
    assert.is((error as MatchError).code, 404);
  }
  // an empty selector needs no namespace at all
  assert.is(matchResources(criteria({ resourceRules: [podRule] }), pod, e).matches, true);
});

test('objectSelector: the object or the old object; a null object never matches', () => {
  const selector = { matchLabels: { team: 'a' }, matchExpressions: [] };
  const c = criteria({ objectSelector: selector, resourceRules: [podRule] });
  const pod = (op: Operation, object: Record<string, unknown> | null, old: Record<string, unknown> | null) => attrs(gvk('', 'v1', 'Pod'), 'ns', 'p', gvr('', 'v1', 'pods'), '', op, object, old);
  assert.is(matchResources(c, pod('CREATE', labelled({ team: 'a' }), null), env).matches, true);
  assert.is(matchResources(c, pod('UPDATE', labelled({ team: 'b' }), labelled({ team: 'a' })), env).matches, true);
  assert.is(matchResources(c, pod('DELETE', null, labelled({ team: 'a' })), env).matches, true);
  assert.is(matchResources(c, pod('UPDATE', labelled({ team: 'b' }), labelled({})), env).matches, false);
  const notSelector = criteria({ objectSelector: { matchLabels: {}, matchExpressions: [{ key: 'team', operator: 'DoesNotExist', values: [] }] }, resourceRules: [podRule] });
  assert.is(matchResources(notSelector, pod('CREATE', { metadata: { name: 'p' } }, null), env).matches, true);
});

test.run();
