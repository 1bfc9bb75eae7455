/**
 * The result shape shared by the conformance-style commands (`psa conformance`, `kyverno test`,
 * `gator verify`, `test`): a contract other tooling reads (../shared/docs/design.md).
 */
export interface CaseFailure {
  /** Names the case: file, test, rule, resource. */
  readonly id: string;
  readonly expected: string;
  readonly actual: string;
  readonly detail: string;
}

export interface CaseSkip {
  readonly id: string;
  readonly reason: string;
}

export interface ConformanceReport {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: CaseFailure[];
  skips: CaseSkip[];
  /** Extra fields a command adds (e.g. per-engine counts, the upstream commit followed). */
  [extra: string]: unknown;
}

export function emptyReport(): ConformanceReport {
  return { total: 0, passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
}

export function recordPass(report: ConformanceReport): void {
  report.total++;
  report.passed++;
}

export function recordFailure(report: ConformanceReport, failure: CaseFailure): void {
  report.total++;
  report.failed++;
  report.failures.push(failure);
}

export function recordSkip(report: ConformanceReport, skip: CaseSkip): void {
  report.total++;
  report.skipped++;
  report.skips.push(skip);
}

/** Add b's counts and lists into a. */
export function mergeReport(a: ConformanceReport, b: ConformanceReport): void {
  a.total += b.total;
  a.passed += b.passed;
  a.failed += b.failed;
  a.skipped += b.skipped;
  a.failures.push(...b.failures);
  a.skips.push(...b.skips);
}

/**
 * Print the report: `--json` prints one object; otherwise failures, skips (grouped by reason),
 * then a plain last line `N passed, N failed`. Returns the exit code (0 only when nothing failed).
 */
export function printReport(report: ConformanceReport, json: boolean, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): number {
  if (json) {
    out(JSON.stringify(report, jsonReplacer, 2));
  } else {
    for (const failure of report.failures) {
      out(`FAIL ${failure.id}`);
      out(`  expected: ${failure.expected}`);
      out(`  actual:   ${failure.actual}`);
      if (failure.detail) out(`  ${failure.detail.split('\n').join('\n  ')}`);
    }
    if (report.skips.length > 0) {
      const byReason = new Map<string, number>();
      for (const skip of report.skips) byReason.set(skip.reason, (byReason.get(skip.reason) ?? 0) + 1);
      out(`skipped ${report.skipped}:`);
      for (const [reason, count] of [...byReason].sort((a, b) => b[1] - a[1])) out(`  ${count} × ${reason}`);
    }
    out(`total ${report.total}, skipped ${report.skipped}`);
    out(`${report.passed} passed, ${report.failed} failed`);
  }
  return report.failed === 0 ? 0 : 1;
}

/** JSON.stringify replacer that writes BigInts as numbers when safe, else as strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  return value;
}
