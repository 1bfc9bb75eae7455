/** `kpc kyverno test`: find and run kyverno-test.yaml files into one conformance report. */
import { emptyReport, type ConformanceReport } from '../../../util/report.ts';
import { findTestFiles } from './load.ts';
import { runTestFile, type RunOptions } from './run.ts';

export function runKyvernoTests(paths: readonly string[], options: RunOptions): ConformanceReport {
  const report = emptyReport();
  // a missing path is an input error naming it (exit 1), before anything runs
  for (const file of findTestFiles(paths)) runTestFile(file, report, options);
  return report;
}

export type { RunOptions };
