// `kpc kyverno test` result checking (cmd/cli/kubectl-kyverno/commands/test/output.go): resources
// by name or namespace/name, every resource when none of the listed ones exists, autogen rules
// found by the base rule name, "Excluded" counted as met unless --strict, unknown policies fail,
// and a test that cannot be loaded fails its cases instead of crashing the run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { runKyvernoTests } from '../../../src/engines/kyverno/index.ts';
import { describeError, KpcError } from '../../../src/util/errors.ts';

const fixture = (name: string) => resolve(import.meta.dirname, '../../fixtures/kyverno', name);

test('name, namespace/name, autogen lookup, Excluded, Not found', () => {
  const report = runKyvernoTests([fixture('cli-basic')], { strict: false });
  // good-pod, bad-pod ×2 (a bare name matches both namespaces), other/bad-pod, sys-pod, bad-deploy, good-cron, missing-policy
  assert.is(report.total, 8);
  assert.is(report.passed, 6);
  assert.is(report.failed, 2);
  const [wrong, notFound] = report.failures;
  assert.match(wrong!.id, 'require-team-label/check-team v1/Pod/other/bad-pod');
  assert.is(wrong!.expected, 'pass');
  assert.is(wrong!.actual, 'fail');
  assert.match(wrong!.detail, "label 'team' is required");
  assert.match(notFound!.id, 'missing-policy/check-team');
  assert.is(notFound!.actual, 'not found');
});

test('--strict fails an Excluded row whose expectation is not skip', () => {
  const report = runKyvernoTests([fixture('cli-basic')], { strict: true });
  assert.is(report.total, 8);
  assert.is(report.passed, 5);
  assert.is(report.failed, 3);
  const excluded = report.failures.find((f) => f.id.endsWith('kube-system/sys-pod'));
  assert.ok(excluded);
  assert.is(excluded!.actual, 'no response');
});

test('a result naming no existing resource applies to all resources', () => {
  const report = runKyvernoTests([fixture('cli-fallback')], { strict: false });
  assert.is(report.total, 6);
  assert.is(report.passed, 4);
  assert.equal(report.failures.map((f) => f.id.split(' ').pop()).sort(), ['batch/v1/CronJob/default/good-cron', 'v1/Pod/default/good-pod']);
  const cron = report.failures.find((f) => f.id.includes('good-cron'))!;
  assert.match(cron.detail, 'autogen-cronjob-check-team');
});

test('a test whose files are missing fails its cases with the reason', () => {
  const report = runKyvernoTests([fixture('cli-broken')], { strict: false });
  assert.is(report.total, 1);
  assert.is(report.failed, 1);
  assert.is(report.failures[0]!.actual, 'error');
  assert.match(report.failures[0]!.detail, 'does-not-exist.yaml');
});

test('a missing path is an input error naming it', () => {
  assert.throws(
    () => runKyvernoTests([fixture('no-such-dir')], { strict: false }),
    (e: unknown) => e instanceof KpcError && describeError(e).includes('no-such-dir') && describeError(e).includes('no such file or directory'),
  );
});

test.run();
