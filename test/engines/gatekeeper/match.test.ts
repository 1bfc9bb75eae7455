// Constraint match semantics. Cases and expectations are ported from upstream tests:
// gatekeeper pkg/mutation/match/match_test.go (TestMatch, Test_namesMatch) and
// pkg/wildcard/wildcard_test.go (TestMatches, TestWildcard_MatchesGenerateName).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matches, wildcardMatches, wildcardMatchesGenerateName, type Match, type Matchable } from '../../../src/engines/gatekeeper/match.ts';
import type { JsonObject } from '../../../src/engines/gatekeeper/values.ts';

const EMPTY_MATCH: Match = {
  source: '', kinds: [], scope: '', namespaces: [], excludedNamespaces: [], labelSelector: undefined, namespaceSelector: undefined, name: '',
};

function makeObject(group: string, kind: string, namespace: string, name: string, labels?: Record<string, string>, generateName = false): JsonObject {
  // unstructured.SetGroupVersionKind with an empty version writes "group/".
  const metadata: JsonObject = {};
  if (namespace) metadata['namespace'] = namespace;
  if (name) metadata[generateName ? 'generateName' : 'name'] = name;
  if (labels) metadata['labels'] = labels;
  return { apiVersion: group ? `${group}/` : '', kind, metadata };
}

function makeNamespace(name: string, labels?: Record<string, string>): JsonObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

const ns = (name: string, labels?: Record<string, string>): JsonObject => ({ metadata: { name, ...(labels ? { labels } : {}) } });
const obj = (namespace: string, name = 'name', labels?: Record<string, string>) => makeObject('group', 'kind', namespace, name, labels);
const selector = (matchLabels: Record<string, string>) => ({ matchLabels, matchExpressions: [] });
const invalidSelector = { matchLabels: {}, matchExpressions: [{ key: '', operator: 'Invalid', values: [] }] };

type Row = [name: string, object: JsonObject, match: Partial<Match>, namespace: JsonObject | undefined, source: Matchable['source'], want: boolean | 'error'];

const rows: Row[] = [
  ['match empty group kinds', obj(''), { kinds: [{ kinds: [], apiGroups: [] }] }, undefined, 'Original', true],
  ['match empty kinds', obj(''), { kinds: [{ kinds: [], apiGroups: ['*'] }] }, undefined, 'Original', true],
  ["don't match empty kinds in other group", obj(''), { kinds: [{ kinds: [], apiGroups: ['rbac'] }] }, undefined, 'Original', false],
  ['match kind with wildcard', obj(''), { kinds: [{ kinds: ['*'], apiGroups: ['*'] }] }, undefined, 'Original', true],
  ['match group and no kinds specified should match', obj(''), { kinds: [{ kinds: ['notmatching', 'neithermatching'], apiGroups: ['*'] }, { kinds: [], apiGroups: ['*'] }] }, undefined, 'Original', true],
  ['match kind and no group specified should match', obj(''), { kinds: [{ kinds: ['kind', 'neithermatching'], apiGroups: [] }] }, undefined, 'Original', true],
  ['match kind and group explicit', obj(''), { kinds: [{ kinds: ['notmatching', 'neithermatching'], apiGroups: ['*'] }, { kinds: ['notmatching', 'kind'], apiGroups: ['*'] }] }, undefined, 'Original', true],
  ["kind group don't match", obj(''), { kinds: [{ kinds: ['notmatching', 'neithermatching'], apiGroups: ['*'] }, { kinds: ['notmatching', 'kind'], apiGroups: ['notmatchinggroup'] }] }, undefined, 'Original', false],
  ['namespace matches', obj('namespace'), { namespaces: ['nonmatching', 'namespace'] }, ns('namespace'), 'Original', true],
  ['is a matching Namespace', makeNamespace('matching'), { namespaces: ['matching'] }, undefined, 'Original', true],
  ['is not a matching Namespace', makeNamespace('non-matching'), { namespaces: ['matching'] }, undefined, 'Original', false],
  ['namespaces configured, but cluster scoped', obj(''), { namespaces: ['nonmatching', 'namespace'] }, undefined, 'Original', true],
  ['namespace prefix matches', obj('kube-system'), { namespaces: ['nonmatching', 'kube-*'] }, ns('kube-system'), 'Original', true],
  ['namespace is not in the matches list', obj('namespace2'), { namespaces: ['nonmatching', 'notmatchingeither'] }, undefined, 'Original', false],
  ['has namespace fails if cluster scoped', obj('namespace'), { scope: 'Cluster' }, undefined, 'Original', false],
  ['has namespace succeeds if namespace scoped', obj('namespace'), { scope: 'Namespaced' }, undefined, 'Original', true],
  ['has namespace succeeds if scope is typo', obj('namespace'), { scope: 'cluster' }, undefined, 'Original', true],
  ['without namespace succeeds if cluster scoped', obj(''), { scope: 'Cluster' }, undefined, 'Original', true],
  ['without namespace fails if namespace scoped', obj(''), { scope: 'Namespaced' }, undefined, 'Original', false],
  ['is namespace succeeds if cluster scoped', makeNamespace('foo'), { scope: 'Cluster' }, undefined, 'Original', true],
  ['is namespace fails if namespace scoped', makeNamespace('foo'), { scope: 'Namespaced' }, undefined, 'Original', false],
  ["object's namespace is excluded", obj('namespace'), { excludedNamespaces: ['namespace'] }, undefined, 'Original', false],
  ['object is an excluded Namespace', makeNamespace('excluded'), { excludedNamespaces: ['excluded'] }, undefined, 'Original', false],
  ['object is not an excluded Namespace', makeNamespace('not-excluded'), { excludedNamespaces: ['excluded'] }, undefined, 'Original', true],
  ['a namespace is excluded, but object is cluster scoped', obj(''), { excludedNamespaces: ['namespace'] }, undefined, 'Original', true],
  ['namespace is excluded by wildcard match', obj('kube-system'), { excludedNamespaces: ['kube-*'] }, ns('kube-system'), 'Original', false],
  ['label selector', obj('', 'name', { labelname: 'labelvalue' }), { labelSelector: selector({ labelname: 'labelvalue' }) }, undefined, 'Original', true],
  ['invalid label selector', obj('', 'name', { labelname: 'labelvalue' }), { labelSelector: invalidSelector }, undefined, 'Original', 'error'],
  ['label selector not matching', obj('', 'name', { labelname: 'labelvalue' }), { labelSelector: selector({ labelname: 'labelvalue', labelnotmatching: 'foo' }) }, undefined, 'Original', false],
  ['namespace selector', obj(''), { namespaceSelector: selector({ labelname: 'labelvalue' }) }, ns('foo', { labelname: 'labelvalue' }), 'Original', true],
  ['invalid namespace selector', obj(''), { namespaceSelector: invalidSelector }, ns('foo', { labelname: 'labelvalue' }), 'Original', 'error'],
  ['namespace selector not matching', obj('foo'), { namespaceSelector: selector({ labelname: 'labelvalue', foo: 'bar' }) }, ns('foo', { labelname: 'labelvalue' }), 'Original', false],
  ['namespace selector not matching, but cluster scoped', obj(''), { namespaceSelector: selector({ labelname: 'labelvalue', foo: 'bar' }) }, undefined, 'Original', true],
  ['namespace selector is applied to the object, if the object is a namespace', makeNamespace('namespace', { labelname: 'labelvalue' }), { namespaceSelector: selector({ labelname: 'labelvalue' }) }, undefined, 'Original', true],
  ['namespace selector is applied to the namespace, and does not match', makeNamespace('namespace', { labelname: 'labelvalue' }), { namespaceSelector: selector({ labelname: 'badvalue' }) }, undefined, 'Original', false],
  ['namespace selector error on missing Namespace', obj('foo'), { namespaceSelector: selector({ labelname: 'badvalue' }) }, undefined, 'Original', 'error'],
  ['match name', obj('', 'name-foo'), { name: 'name-foo' }, undefined, 'Original', true],
  ['match wildcard name', obj('', 'name-foo'), { name: 'name-*' }, undefined, 'Original', true],
  ['missing asterisk in name wildcard does not match', obj('', 'name-foo'), { name: 'name-' }, undefined, 'Original', false],
  ['wrong name does not match', obj('', 'name-foo'), { name: 'name-bar' }, undefined, 'Original', false],
  ['no match with correct name and wrong namespace', obj('namespace', 'name-foo'), { name: 'name-foo', namespaces: ['other-namespace'] }, undefined, 'Original', false],
  ['match with same sources', obj('namespace', 'name-foo'), { name: 'name-foo', namespaces: ['my-ns'], source: 'Generated' }, ns('my-ns'), 'Generated', true],
  ['match with empty source field on match obj', obj('namespace', 'name-foo'), { name: 'name-foo', namespaces: ['my-ns'] }, ns('my-ns'), 'Generated', true],
  ['different source fields do not match', obj('namespace', 'name-foo'), { name: 'name-foo', namespaces: ['my-ns'], source: 'Original' }, ns('my-ns'), 'Generated', false],
  ['empty source field on Matchable produces error', obj('namespace', 'name-foo'), { name: 'name-foo', namespaces: ['my-ns'], source: 'Original' }, ns('my-ns'), '', 'error'],
  // Test_namesMatch
  ['match name with wild card', makeObject('*', 'Pod', 'my-ns', 'foo-bar'), { name: 'foo*', kinds: [{ kinds: ['Pod'], apiGroups: ['*'] }] }, ns('my-ns'), 'Original', true],
  ['match generate name with wild card', makeObject('*', 'Pod', 'my-ns', 'foo-bar-', undefined, true), { name: 'foo*', kinds: [{ kinds: ['Pod'], apiGroups: ['*'] }] }, ns('my-ns'), 'Original', true],
  ['match different name with wild card', makeObject('*', 'Pod', 'my-ns', 'fob'), { name: 'foo*', kinds: [{ kinds: ['Pod'], apiGroups: ['*'] }] }, ns('my-ns'), 'Original', false],
  ['match different generate name with wild card', makeObject('*', 'Pod', 'my-ns', 'fob-bar-', undefined, true), { name: 'foo*', kinds: [{ kinds: ['Pod'], apiGroups: ['*'] }] }, ns('my-ns'), 'Original', false],
];

for (const [name, object, partial, namespace, source, want] of rows) {
  test(`match: ${name}`, () => {
    const match: Match = { ...EMPTY_MATCH, ...partial };
    if (want === 'error') {
      assert.throws(() => matches(match, { object, namespace, source }), /failed to run Match criteria/);
    } else {
      assert.is(matches(match, { object, namespace, source }), want);
    }
  });
}

const wildcardRows: [pattern: string, candidate: string, matches: boolean, generateName: boolean][] = [
  ['kube-system', 'kube-system', true, false],
  ['kube-system', 'gatekeeper-system', false, false],
  ['kube-*', 'kube-system', true, true],
  ['kube-*', 'gatekeeper-system', false, false],
  ['*-system', 'kube-system', true, false],
  ['*-system', 'kube-public', false, false],
  ['kube-', 'kube-system', false, false],
  ['*-kube-*', 'test-kube-test', true, true],
  ['*-kube-*', 'my-kub-controller', false, false],
  ['-kube-', 'test-kube-test', false, false],
  ['*--*', 'my--namespace', true, true],
  ['**', 'my:namespace', true, true],
];

for (const [pattern, candidate, want, wantGenerate] of wildcardRows) {
  test(`wildcard ${pattern} vs ${candidate}`, () => {
    assert.is(wildcardMatches(pattern, candidate), want);
    assert.is(wildcardMatchesGenerateName(pattern, candidate), wantGenerate);
  });
}

test.run();
