// The shared kyverno/policies suites (pod-security, pod-security-cel, pod-security-vpol, psa) run
// as `kpc kyverno test` runs them, when the conformance data is present.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { conformancePath } from '../../skip.ts';
import { runKyvernoTests } from '../../../src/engines/kyverno/index.ts';

const suites = conformancePath('kyverno-policies');

if (suites) {
  test('pod-security, pod-security-cel and pod-security-vpol pass under --strict', () => {
    const report = runKyvernoTests(['pod-security', 'pod-security-cel', 'pod-security-vpol'].map((s) => join(suites, s)), { strict: true });
    assert.equal(report.failures.slice(0, 5), []);
    assert.is(report.total, 2738);
    assert.is(report.passed, 2738);
    assert.is(report.skipped, 0);
  });

  test('psa: validate results pass, mutate results are skipped with the reason', () => {
    const report = runKyvernoTests([join(suites, 'psa')], { strict: false });
    assert.equal(report.failures, []);
    assert.is(report.passed, 4);
    assert.is(report.skipped, 2);
    for (const skip of report.skips) assert.match(skip.reason, 'mutate');
  });
}

test.run();
