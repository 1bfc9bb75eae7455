// `npm run conformance`: every engine against the real engines' published suites in
// ../shared/conformance, then one figure per suite. Skips a suite (with the reason) when absent.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(import.meta.dirname, '..');
const data = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance'));

const suites: { name: string; needs: string; args: string[] }[] = [
  { name: 'PSA fixtures', needs: 'psa', args: ['psa', 'conformance', resolve(data, 'psa')] },
  {
    name: 'Kyverno pod-security suites (strict)',
    needs: 'kyverno-policies',
    args: ['kyverno', 'test', ...['pod-security', 'pod-security-cel', 'pod-security-vpol'].map((d) => resolve(data, 'kyverno-policies', d)), '--strict'],
  },
  { name: 'Kyverno psa suites', needs: 'kyverno-policies/psa', args: ['kyverno', 'test', resolve(data, 'kyverno-policies/psa')] },
  { name: 'Gatekeeper library (rego + cel)', needs: 'gatekeeper-library', args: ['gator', 'verify', resolve(data, 'gatekeeper-library/library'), '--engine', 'all'] },
];

let failed = false;
const summary: string[] = [];
for (const suite of suites) {
  if (!existsSync(resolve(data, suite.needs))) {
    summary.push(`${suite.name}: SKIPPED (${resolve(data, suite.needs)} is absent)`);
    continue;
  }
  const run = spawnSync(process.execPath, [resolve(root, 'bin/kpc.mjs'), ...suite.args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  try {
    const report = JSON.parse(run.stdout) as { total: number; passed: number; failed: number; skipped: number };
    summary.push(`${suite.name}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped (of ${report.total})`);
    if (report.failed > 0 || run.status !== 0) failed = true;
  } catch {
    summary.push(`${suite.name}: ERROR (exit ${run.status}) ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    failed = true;
  }
}
console.log(summary.join('\n'));
process.exitCode = failed ? 1 : 0;
