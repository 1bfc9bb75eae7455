/** `kpc kyverno test`: find and run kyverno-test.yaml files into one conformance report. */
import { describeError } from '../../../util/errors.ts';
import { displayPath } from '../../../util/files.ts';
import { emptyReport, recordFailure, type ConformanceReport } from '../../../util/report.ts';
import { findTestFiles } from './load.ts';
import { runTestFile, type RunOptions } from './run.ts';

export function runKyvernoTests(paths: readonly string[], options: RunOptions): ConformanceReport {
  const report = emptyReport();
  for (const path of paths) {
    let files: string[];
    try {
      files = findTestFiles([path]);
    } catch (error) {
      // a missing or unreadable path fails as a case of its own; the other paths still run
      recordFailure(report, { id: displayPath(path), expected: 'a readable file or directory', actual: 'error', detail: describeError(error) });
      continue;
    }
    for (const file of files) runTestFile(file, report, options);
  }
  return report;
}

export type { RunOptions };
