import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ir } from '../../src/ir/build.ts';
import { evaluatePred } from '../../src/ir/evaluate.ts';
import { expandCoalesce, foldConstants, negate, simplify, unrollConstantLists } from '../../src/ir/transform.ts';
import type { Pred } from '../../src/ir/nodes.ts';
import { and, allContainers, effective, entriesOf, equals, every, isNotTrue, isSet, lookup, matches, oneOf, some, atLeast, concat, startsWith } from '../../src/controls/index.ts';
import { refFor } from '../../src/controls/refs.ts';
import { resolveParam } from '../../src/controls/params.ts';
import type { PodModel } from '../../src/controls/pod-model.ts';
import type { Ref } from '../../src/controls/refs.ts';

const test = suite('IR: nodes built by the API, reference semantics, meaning-preserving rewrites');
const pod = refFor(ir.path('object', [])) as Ref<PodModel>;
const podWith = (spec: unknown, metadata: unknown = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

test('typed refs build immutable path nodes over the Pod model', () => {
  const check = isNotTrue(pod.spec.hostNetwork);
  assert.equal(check, { kind: 'not', item: { kind: 'equals', expr: { kind: 'path', root: 'object', path: ['spec', 'hostNetwork'] }, value: { kind: 'literal', value: true } } });
  assert.ok(Object.isFrozen(check));
  assert.throws(() => ((check as { kind: string }).kind = 'x'));
});

test('quantifiers bind unique variables along a nesting path; allContainers visits PSA order', () => {
  const check = every(allContainers(pod), (c) => every(c.ports, (p) => some(c.ports, (q) => and(equals(q.hostPort, 1), isSet(p.hostPort)))));
  assert.is(check.kind, 'all');
  if (check.kind !== 'all') return;
  assert.equal(check.collection.sources.map((s) => (s.expr.kind === 'path' ? s.expr.path.join('.') : '')), ['spec.initContainers', 'spec.containers', 'spec.ephemeralContainers']);
  assert.is(check.variable, 'container');
  const inner = check.body.kind === 'all' ? check.body : null;
  assert.is(inner?.variable, 'port');
  assert.is(inner?.body.kind === 'any' ? inner.body.variable : '', 'port2');
});

test('unset is absent or null; equality is strict; unset equals, matches and compares to nothing', () => {
  const hostNetwork = equals(pod.spec.hostNetwork, true);
  assert.is(evaluatePred(hostNetwork, podWith({ hostNetwork: true })), true);
  assert.is(evaluatePred(hostNetwork, podWith({ hostNetwork: 'true' })), false);
  assert.is(evaluatePred(isNotTrue(pod.spec.hostNetwork), podWith({ hostNetwork: null })), true);
  assert.is(evaluatePred(isSet(pod.spec.securityContext), podWith({ securityContext: null })), false);
  assert.is(evaluatePred(isSet(pod.spec.securityContext), podWith({ securityContext: {} })), true);
  assert.is(evaluatePred(atLeast(pod.spec.securityContext.runAsUser, 1000), podWith({ securityContext: { runAsUser: '2000' } })), false);
  assert.is(evaluatePred(oneOf(pod.spec.os.name, ['linux', 'windows']), podWith({})), false);
});

test('quantifiers over absent lists: every holds, some does not', () => {
  const anyHostPort = some(allContainers(pod), (c) => some(c.ports, (p) => isSet(p.hostPort)));
  const noPrivileged = every(allContainers(pod), (c) => isNotTrue(c.securityContext.privileged));
  assert.is(evaluatePred(anyHostPort, podWith({})), false);
  assert.is(evaluatePred(noPrivileged, podWith({})), true);
  assert.is(evaluatePred(noPrivileged, podWith({ ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }] })), false);
});

test('effective value falls back to the pod level; lookups and concatenation; map entries', () => {
  const uid = every(allContainers(pod), (c) => atLeast(effective(c.securityContext.runAsUser, pod.spec.securityContext.runAsUser), 1000));
  assert.is(evaluatePred(uid, podWith({ securityContext: { runAsUser: 1001 }, containers: [{ name: 'a' }] })), true);
  assert.is(evaluatePred(uid, podWith({ securityContext: { runAsUser: 1001 }, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }] })), false);
  assert.is(evaluatePred(uid, podWith({ containers: [{ name: 'a' }] })), false);
  const annotation = every(allContainers(pod), (c) => isSet(lookup(pod.metadata.annotations, concat('x/', c.name))));
  assert.is(evaluatePred(annotation, podWith({ containers: [{ name: 'a' }] }, { annotations: { 'x/a': 'v' } })), true);
  assert.is(evaluatePred(annotation, podWith({ containers: [{ name: 'b' }] }, { annotations: { 'x/a': 'v' } })), false);
  const entries = every(entriesOf(pod.metadata.annotations), (e) => startsWith(e.key, 'ok/'));
  assert.is(evaluatePred(entries, podWith({}, { annotations: { 'ok/1': '', 'ok/2': '' } })), true);
  assert.is(evaluatePred(entries, podWith({}, { annotations: { 'ok/1': '', bad: '' } })), false);
});

test('matches uses RE2 (unanchored, (?i) flags)', () => {
  const pinned = every(allContainers(pod), (c) => matches(c.image, '(?i):v[0-9]+$'));
  assert.is(evaluatePred(pinned, podWith({ containers: [{ name: 'a', image: 'app:V2' }] })), true);
  assert.is(evaluatePred(pinned, podWith({ containers: [{ name: 'a', image: 'app:latest' }] })), false);
});

// Rewrites must keep the meaning: check each on pods that exercise both branches.
const samples = [
  podWith({}),
  podWith({ securityContext: { runAsUser: 0, runAsNonRoot: true }, containers: [{ name: 'a', resources: { limits: { cpu: '1' } } }] }),
  podWith({ securityContext: { runAsUser: 2000 }, containers: [{ name: 'a', securityContext: { runAsUser: 5 } }, { name: 'b', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }),
  podWith({ hostNetwork: true, containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }] }),
];
const checks: Pred[] = [
  every(allContainers(pod), (c) => atLeast(effective(c.securityContext.runAsUser, pod.spec.securityContext.runAsUser), 1000)),
  every(allContainers(pod), (c) => every(resolveParam('resources', ['cpu', 'memory'] as const), (r) => isSet(lookup(c.resources.limits, r)))),
  some(allContainers(pod), (c) => equals(c.securityContext.runAsNonRoot, false)),
  isNotTrue(pod.spec.hostNetwork),
];

test('negate, simplify, expandCoalesce, unrollConstantLists and foldConstants preserve meaning', () => {
  for (const check of checks) {
    for (const sample of samples) {
      const expected = evaluatePred(check, sample);
      assert.is(evaluatePred(negate(check), sample), !expected);
      assert.is(evaluatePred(simplify(check), sample), expected);
      assert.is(evaluatePred(expandCoalesce(check), sample), expected);
      assert.is(evaluatePred(unrollConstantLists(check), sample), expected);
      assert.is(evaluatePred(foldConstants(check), sample), expected);
    }
  }
  assert.equal(foldConstants(ir.equals(ir.param('requireDigest', false), ir.literal(true))), ir.const(false));
});

test.run();
