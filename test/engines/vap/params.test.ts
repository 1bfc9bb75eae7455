// paramKind / paramRef resolution. Cases ported from kubernetes staging/src/k8s.io/apiserver/pkg/
// admission/plugin/policy/validating/admission_test.go: TestParamRef (every combination of scope,
// name/selector/everything, namespace and not-found action, with its oracle for which params must be
// used), TestNamespaceParamRefName, TestNativeTypeParam, TestInvalidParamSourceGVK,
// TestInvalidParamSourceInstanceName, TestEmptyParamRef, TestEmptyParamSource,
// TestNamespaceParamRefClusterScopedParamError. Upstream's fake compiler reports which param it was
// given; here the policy's messageExpression does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VapEngine, type KindDeclaration } from '../../../src/engines/vap/index.ts';
import { loaded, namespace } from './helpers.ts';

const PARAMS = { apiVersion: 'example.com/v1', kind: 'ParamsConfig' };
const CLUSTER_PARAMS = { apiVersion: 'example.com/v1', kind: 'ClusterScopedParamsConfig' };
const KINDS: KindDeclaration[] = [
  { ...PARAMS, namespaced: true },
  { ...CLUSTER_PARAMS, namespaced: false },
];
const NAMESPACES = ['default', 'mynamespace', 'othernamespace'].map((n) => namespace(n));
const everything = { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] };

type Labels = Record<string, string>;
const newParam = (name: string, ns: string, labels: Labels | null) => ({ ...PARAMS, metadata: { name, namespace: ns, ...(labels ? { labels } : {}) } });
const newClusterScopedParam = (name: string, labels: Labels | null) => ({ ...CLUSTER_PARAMS, metadata: { name, ...(labels ? { labels } : {}) } });

/** denyPolicy: every evaluation denies, saying which param it had. */
function denyPolicy(paramKind: object | null, message = "(has(params.metadata.namespace) ? params.metadata.namespace : '') + '/' + params.metadata.name") {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'denypolicy.example.com' },
    spec: { ...(paramKind ? { paramKind } : {}), failurePolicy: 'Fail', matchConstraints: everything, validations: [{ expression: 'false', ...(paramKind ? { messageExpression: message } : { message: 'Denied' }) }] },
  };
}

function denyBinding(paramRef: object | null) {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'denybinding.example.com' }, spec: { policyName: 'denypolicy.example.com', validationActions: ['Deny'], ...(paramRef ? { paramRef } : {}) } };
}

function engineWith(objects: Record<string, unknown>[], stored: Record<string, unknown>[]): VapEngine {
  const engine = new VapEngine(objects.map((o, i) => loaded(o, i + 1)), { namespaces: NAMESPACES, objects: stored, kinds: KINDS });
  assert.equal(engine.problems, []);
  return engine;
}

/** The params each evaluation used (from the denial messages), and the request status. */
function observe(engine: VapEngine, object: Record<string, unknown>) {
  const review = engine.review({ object });
  const used = review.policies.flatMap((p) => p.bindings.flatMap((b) => b.denials.map((d) => d.message)));
  return { used: used.filter((m) => m.includes('/')).sort(), status: review.status?.message ?? null };
}

const key = (p: Record<string, unknown>) => {
  const m = p['metadata'] as { name: string; namespace?: string };
  return `${m.namespace ?? ''}/${m.name}`;
};

for (const paramIsClusterScoped of [false, true]) {
  for (const nameIsSet of [false, true]) {
    for (const namespaceIsSet of [false, true]) {
      if (paramIsClusterScoped && namespaceIsSet) continue;
      for (const selectorIsSet of [false, true]) {
        if (selectorIsSet && nameIsSet) continue;
        for (const denyNotFound of [false, true]) {
          let name = `${paramIsClusterScoped ? 'ClusterScoped' : ''}ParamRef${nameIsSet ? 'WithName' : selectorIsSet ? 'WithLabelSelector' : 'WithEverythingSelector'}`;
          name += `${namespaceIsSet ? 'WithNamespace' : ''}${denyNotFound ? 'DenyNotFound' : 'AllowNotFound'}`;
          test(`TestParamRef/${name}`, () => testParamRefCase(paramIsClusterScoped, nameIsSet, namespaceIsSet, selectorIsSet, denyNotFound));
        }
      }
    }
  }
}

function testParamRefCase(paramIsClusterScoped: boolean, nameIsSet: boolean, namespaceIsSet: boolean, selectorIsSet: boolean, denyNotFound: boolean): void {
  const matchingParamName = 'replicas-test.example.com';
  const matchingNamespace = 'mynamespace';
  const nonMatchingNamespace = 'othernamespace';
  const matchingLabels = { doesitmatch: 'yes' };
  const nonmatchingLabels = { doesitmatch: 'no' };
  const otherNonmatchingLabels = { notaffiliated: 'no' };
  const paramKind = paramIsClusterScoped ? CLUSTER_PARAMS : PARAMS;
  const paramRef: { name?: string; namespace?: string; selector?: object; parameterNotFoundAction: string } = { parameterNotFoundAction: denyNotFound ? 'Deny' : 'Allow' };
  if (nameIsSet) paramRef.name = matchingParamName;
  else if (selectorIsSet) paramRef.selector = { matchLabels: matchingLabels };
  else paramRef.selector = {};
  if (namespaceIsSet) paramRef.namespace = matchingNamespace;
  const shouldErrorOnClusterScopedRequests = !namespaceIsSet && !paramIsClusterScoped;

  const params = [
    newParam(matchingParamName, 'default', nonmatchingLabels),
    newParam(matchingParamName, matchingNamespace, nonmatchingLabels),
    newParam(matchingParamName, nonMatchingNamespace, nonmatchingLabels),
    newParam(`${matchingParamName}1`, 'default', matchingLabels),
    newParam(`${matchingParamName}1`, matchingNamespace, matchingLabels),
    newParam(`${matchingParamName}1`, nonMatchingNamespace, matchingLabels),
    newParam(`${matchingParamName}2`, 'default', otherNonmatchingLabels),
    newParam(`${matchingParamName}2`, matchingNamespace, otherNonmatchingLabels),
    newParam(`${matchingParamName}2`, nonMatchingNamespace, otherNonmatchingLabels),
    newParam(`${matchingParamName}3`, 'default', otherNonmatchingLabels),
    newParam(`${matchingParamName}3`, matchingNamespace, matchingLabels),
    newParam(`${matchingParamName}3`, nonMatchingNamespace, matchingLabels),
    newClusterScopedParam(matchingParamName, matchingLabels),
    newClusterScopedParam(`${matchingParamName}1`, nonmatchingLabels),
    newClusterScopedParam(`${matchingParamName}2`, otherNonmatchingLabels),
    newClusterScopedParam(`${matchingParamName}3`, matchingLabels),
    newClusterScopedParam(`${matchingParamName}4`, nonmatchingLabels),
    newClusterScopedParam(`${matchingParamName}5`, otherNonmatchingLabels),
  ];
  const namespacedRequestObject = newParam('some param', nonMatchingNamespace, null);
  const clusterScopedRequestObject = newClusterScopedParam('other param', null);

  // upstream's oracle: which params each request must be evaluated with
  const selected = (p: ReturnType<typeof newParam> | ReturnType<typeof newClusterScopedParam>, requestNamespace: string | null): boolean => {
    const meta = p.metadata as { name: string; namespace?: string; labels?: Labels };
    if (p.apiVersion !== paramKind.apiVersion || p.kind !== paramKind.kind) return false;
    if (paramRef.name && meta.name !== paramRef.name) return false;
    if (paramRef.namespace && meta.namespace !== paramRef.namespace) return false;
    if (!paramIsClusterScoped && !paramRef.namespace && requestNamespace !== null && meta.namespace !== requestNamespace) return false;
    if (selectorIsSet) return Object.entries(matchingLabels).every(([k, v]) => meta.labels?.[k] === v);
    return true;
  };
  const forNamespaced = params.filter((p) => selected(p, nonMatchingNamespace));
  const forCluster = shouldErrorOnClusterScopedRequests ? [] : params.filter((p) => selected(p, null));
  assert.ok(forNamespaced.length > 0, 'all test cases should match at least one param');

  const engine = engineWith([denyPolicy(paramKind), denyBinding(paramRef)], params);
  const namespaced = observe(engine, namespacedRequestObject);
  assert.equal(namespaced.used, forNamespaced.map(key).sort());
  assert.ok(namespaced.status?.includes('denied request'), String(namespaced.status));
  const cluster = observe(engine, clusterScopedRequestObject);
  if (shouldErrorOnClusterScopedRequests) {
    assert.ok(cluster.status?.includes('failed to configure binding: cannot use namespaced paramRef in policy binding that matches cluster-scoped resources'), String(cluster.status));
  } else {
    assert.ok(forCluster.length > 0, 'all test cases should match at least one param');
    assert.ok(cluster.status?.includes('denied request'), String(cluster.status));
  }
  assert.equal(cluster.used, forCluster.map(key).sort());

  // with every matched param deleted, the not-found action decides
  const deleted = new Set([...forNamespaced, ...forCluster].map((p) => `${p.kind}:${key(p)}`));
  const emptied = engineWith([denyPolicy(paramKind), denyBinding(paramRef)], params.filter((p) => !deleted.has(`${p.kind}:${key(p)}`)));
  const afterNamespaced = observe(emptied, namespacedRequestObject);
  assert.equal(afterNamespaced.used, [], 'policy should not have been evaluated');
  if (denyNotFound) assert.ok(afterNamespaced.status?.includes('no params found for policy binding with `Deny` parameterNotFoundAction'), String(afterNamespaced.status));
  else assert.is(afterNamespaced.status, null, 'Allow not found expects no error when no params found');
  const afterCluster = observe(emptied, clusterScopedRequestObject);
  assert.equal(afterCluster.used, []);
  if (shouldErrorOnClusterScopedRequests) assert.ok(afterCluster.status?.includes('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources'), String(afterCluster.status));
  else if (denyNotFound) assert.ok(afterCluster.status?.includes('no params found for policy binding with `Deny` parameterNotFoundAction'), String(afterCluster.status));
  else assert.is(afterCluster.status, null);
}

const configMap = (ns: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replicas-test.example.com', namespace: ns }, data: { coolkey: ns } });
const fakeParams = newParam('replicas-test.example.com', 'default', null);

test('TestNamespaceParamRefName: without paramRef.namespace, the param comes from the request\'s namespace', () => {
  const engine = engineWith([denyPolicy({ apiVersion: 'v1', kind: 'ConfigMap' }, 'params.data.coolkey'), denyBinding({ name: 'replicas-test.example.com', parameterNotFoundAction: 'Deny' })], [
    configMap('default'),
    configMap('mynamespace'),
    configMap('othernamespace'),
  ]);
  const observed = [configMap('default'), configMap('mynamespace'), configMap('othernamespace'), configMap('default')].map(
    (object) => engine.review({ object }).policies[0]!.bindings[0]!.denials.map((d) => d.message)[0],
  );
  assert.equal(observed, ['default', 'mynamespace', 'othernamespace', 'default']);
});

test('TestNativeTypeParam: a ConfigMap param reaches CEL with its apiVersion and kind', () => {
  const engine = engineWith([denyPolicy({ apiVersion: 'v1', kind: 'ConfigMap' }, "params.kind == 'ConfigMap' ? 'correct type' : 'Incorrect param type'"), denyBinding({ name: 'replicas-test.example.com', namespace: 'default', parameterNotFoundAction: 'Deny' })], [configMap('default')]);
  assert.ok(engine.review({ object: fakeParams }).status?.message.endsWith('denied request: correct type'));
});

test('TestInvalidParamSourceGVK: an unknown paramKind is a policy configuration error', () => {
  const engine = engineWith([denyPolicy({ apiVersion: 'example.com/v1', kind: 'BadParamKind' }), denyBinding({ name: 'replicas-test.example.com', namespace: 'default', parameterNotFoundAction: 'Deny' })], []);
  const status = engine.review({ object: fakeParams }).status;
  assert.ok(status?.message.includes("failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=BadParamKind'"), status?.message);
  assert.ok(status?.message.includes("ValidatingAdmissionPolicy 'denypolicy.example.com' denied request"), status?.message);
});

test('TestInvalidParamSourceInstanceName: a named param that does not exist, with Deny', () => {
  const engine = engineWith([denyPolicy(PARAMS), denyBinding({ name: 'replicas-test.example.com', namespace: 'default', parameterNotFoundAction: 'Deny' })], []);
  const review = engine.review({ object: fakeParams });
  assert.ok(review.status?.message.includes('no params found for policy binding with `Deny` parameterNotFoundAction'));
  assert.equal(review.policies[0]!.bindings[0]!.evaluations, []);
});

test('TestEmptyParamRef: a paramKind but no paramRef evaluates once with params null', () => {
  const policy = denyPolicy(PARAMS);
  (policy.spec as { validations: object[] }).validations = [{ expression: 'params != null', message: 'Denied' }];
  const engine = engineWith([policy, denyBinding(null)], [fakeParams]);
  const review = engine.review({ object: fakeParams });
  assert.is(review.policies[0]!.bindings[0]!.evaluations.length, 1);
  assert.is(review.policies[0]!.bindings[0]!.evaluations[0]!.param, null);
  assert.ok(review.status?.message.endsWith('denied request: Denied'));
});

test('TestEmptyParamSource: no paramKind, the binding\'s paramRef is ignored', () => {
  const engine = engineWith([denyPolicy(null), denyBinding({ name: 'replicas-test.example.com', namespace: 'default', parameterNotFoundAction: 'Deny' })], []);
  const review = engine.review({ object: fakeParams });
  assert.is(review.policies[0]!.bindings[0]!.evaluations.length, 1);
  assert.ok(review.status?.message.endsWith('denied request: Denied'));
});

test('TestNamespaceParamRefClusterScopedParamError: paramRef.namespace with a cluster-scoped paramKind', () => {
  const engine = engineWith([denyPolicy({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' }), denyBinding({ name: 'other-param-to-use-with-no-label.example.com', namespace: 'mynamespace', parameterNotFoundAction: 'Deny' })], []);
  const review = engine.review({ object: fakeParams });
  assert.ok(review.status?.message.includes('paramRef.namespace must not be provided for a cluster-scoped `paramKind`'), review.status?.message);
  assert.equal(review.policies[0]!.bindings[0]!.evaluations, []);
});

test('a param stored in another version of its kind would need a conversion: unsupported', () => {
  const engine = engineWith([denyPolicy(PARAMS), denyBinding({ name: 'p', namespace: 'default', parameterNotFoundAction: 'Deny' })], [{ apiVersion: 'example.com/v2', kind: 'ParamsConfig', metadata: { name: 'p', namespace: 'default' } }]);
  const review = engine.review({ object: fakeParams });
  assert.is(review.policies[0]!.bindings[0]!.outcome, 'unsupported');
  assert.is(review.unsupported.length, 1);
});

test.run();
