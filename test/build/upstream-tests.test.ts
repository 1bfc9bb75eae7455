import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build, writeOutput } from '../../src/build/index.ts';
import { runKyvernoTests } from '../../src/engines/kyverno/index.ts';
import { verifySuites } from '../../src/engines/gatekeeper/verify.ts';
import { REPO } from './temp-project.ts';

// generated/tests/ holds tests in the engines' own formats for the real CLIs; our runners of those
// formats must pass them (kpc kyverno test --strict, kpc gator verify --engine all).
const test = suite('generated/tests: kyverno test and gator verify suites per control');
const { model, files } = await build({ root: REPO, typecheck: false });
const out = mkdtempSync(join(tmpdir(), 'kpc-upstream-tests-'));
writeOutput(join(out, 'generated'), files);

test('every control has a kyverno-test.yaml and a suite.yaml with at least two cases (a pass and a fail)', () => {
  for (const control of model.controls) {
    const stem = control.id.replace(/_/g, '-').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    const kyverno = parse(files.get(`tests/kyverno/${stem}/kyverno-test.yaml`)!);
    const results = new Set(kyverno.results.map((r: { result: string }) => r.result));
    assert.ok(results.has('pass') && results.has('fail'), `${control.id}: kyverno results ${[...results]}`);
    const gator = parse(files.get(`tests/gatekeeper/${stem}/suite.yaml`)!);
    const assertions = gator.tests[0].cases.map((c: { assertions: { violations: unknown }[] }) => c.assertions[0]!.violations);
    assert.ok(assertions.includes('no') && assertions.some((v: unknown) => typeof v === 'number'), `${control.id}: gator assertions`);
  }
});

test('kpc kyverno test --strict passes them all', () => {
  const report = runKyvernoTests([join(out, 'generated/tests/kyverno')], { strict: true });
  assert.equal(report.failures.slice(0, 5), []);
  assert.is(report.skipped, 0);
  assert.ok(report.passed >= 2 * 3 * model.controls.length, `passed ${report.passed}`);
});

test('kpc gator verify --engine all passes them all, with both engines', () => {
  const report = verifySuites([join(out, 'generated/tests/gatekeeper')], { engines: ['rego', 'cel'] });
  assert.equal(report.failures.slice(0, 5), []);
  assert.is(report.skipped, 0);
  assert.is(report.suites, model.controls.length);
  assert.ok(report.passed >= 2 * 2 * model.controls.length, `passed ${report.passed}`);
});

test.run();
