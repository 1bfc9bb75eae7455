// Differential fuzzing: a fixed-seed run over random pods and workloads finds no divergence beyond
// the listed bugs; a broken artifact is found, shrunk to a minimal pod and reported with its seed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { pod } from '../../src/harness/fuzz/arbitraries.ts';
import { runFuzz } from '../../src/harness/fuzz/run.ts';

const root = resolve(import.meta.dirname, '../..');
const test = suite('kpc test --fuzz');

test('random pods are API-shaped: named containers with images, unique names, no ports or probes on ephemeral containers', () => {
  for (const value of fc.sample(pod, { numRuns: 300, seed: 5 })) {
    const spec = value.spec as Record<string, unknown>;
    const all = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) => (Array.isArray(spec[key]) ? (spec[key] as Record<string, unknown>[]) : []));
    assert.ok((spec['containers'] as unknown[]).length >= 1);
    for (const c of all) assert.ok(typeof c['name'] === 'string' && typeof c['image'] === 'string');
    assert.is(new Set(all.map((c) => c['name'])).size, all.length);
    for (const c of (spec['ephemeralContainers'] as Record<string, unknown>[] | undefined) ?? []) {
      for (const key of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources']) assert.not.ok(key in c, key);
    }
  }
});

test('a fixed-seed run of 3000 objects: every engine agrees with the reference', async () => {
  const { report } = await runFuzz({ root, count: 3000, seed: 20240917 });
  assert.is(report.runs, 3000);
  assert.is(report.counterexample, null, JSON.stringify(report.failures[0] ?? null));
  assert.ok(report.failures.every((f) => f.id === 'fuzz:known-bug'), 'only known bugs');
  assert.ok(report.verdictsEvaluated > 3000 * 23, 'every control judged by every engine');
});

test('a broken artifact is found and shrunk to a minimal pod, with the seed to replay it', async () => {
  const { report } = await runFuzz({
    root,
    count: 300,
    seed: 11,
    mutate: (files) => {
      const path = 'gatekeeper/templates/privileged.yaml';
      const template = parse(files.get(path)!) as { spec: { targets: { code: { engine: string; source: { validations: { expression: string }[] } }[] }[] } };
      for (const validation of template.spec.targets[0]!.code.find((c) => c.engine === 'K8sNativeValidation')!.source.validations) validation.expression = 'true';
      files.set(path, stringify(template));
    },
  });
  assert.ok(report.counterexample, 'a counterexample');
  const divergence = report.divergences.find((d) => d.control === 'privileged');
  assert.ok(divergence && divergence.engines.includes('gatekeeper-cel'));
  assert.not.ok(divergence!.engines.includes('kyverno') || divergence!.engines.includes('gatekeeper-rego'));
  // Shrunk towards a Pod whose privileged container's security context holds only privileged: true.
  const object = report.counterexample!.object as { kind: string; spec: { containers: { securityContext?: Record<string, unknown> }[]; initContainers?: unknown; volumes?: unknown } };
  assert.is(object.kind, 'Pod');
  assert.ok(object.spec.containers.length <= 2);
  assert.ok(object.spec.containers.some((c) => JSON.stringify(c.securityContext) === '{"privileged":true}'));
  assert.is(object.spec.initContainers, undefined);
  assert.is(object.spec.volumes, undefined);
  const failure = report.failures.find((f) => f.id.startsWith('fuzz:privileged'));
  assert.ok(failure);
  assert.match(failure!.detail, 'privileged: true');
  assert.match(failure!.detail, 'kpc test --fuzz 300 --seed 11');
});

test.run();
