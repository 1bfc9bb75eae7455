import type { Auditor, ControlOutcome } from '../evaluate.ts';
import type { Output } from '../output.ts';
import type { AuditError, AuditSink, AuditSummary, WorkloadReport } from '../run.ts';

/**
 * `--format junit`: JUnit XML for CI. One testsuite per file, one testcase per workload and control
 * that applies to it: a failure when some engine fails it, an error when some engine could not
 * judge it, skipped when every engine left it out (an exemption). A file that could not be read is
 * a testsuite with one erroring testcase. Each file's suite is written when the file is done.
 */
interface Suite {
  readonly file: string;
  readonly cases: string[];
  failures: number;
  errors: number;
  skipped: number;
}

export class JunitSink implements AuditSink {
  readonly #out: Output;
  #suite: Suite | undefined;

  constructor(out: Output) {
    this.#out = out;
  }

  begin(_auditor: Auditor): void {
    this.#out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kpc audit">\n');
  }

  file(file: string): void {
    this.#close();
    this.#suite = { file, cases: [], failures: 0, errors: 0, skipped: 0 };
  }

  workload(w: WorkloadReport): void {
    const suite = this.#open(w.file);
    for (const outcome of w.verdicts.controls) suite.cases.push(this.#testcase(w, outcome, suite));
  }

  #testcase(w: WorkloadReport, outcome: ControlOutcome, suite: Suite): string {
    const name = `${outcome.control.id}: ${w.kind} ${w.namespace}/${w.name} (line ${w.line})`;
    const open = `    <testcase classname="${xml(w.file)}" name="${xml(name)}">`;
    const detail = (rows: typeof outcome.rows) => rows.map((r) => `${r.engine}: ${r.verdict}${r.message ? ` — ${r.message}` : ''}`).join('\n');
    const failing = outcome.rows.filter((r) => r.verdict === 'fail');
    const errors = outcome.rows.filter((r) => r.verdict === 'error');
    if (failing.length > 0) {
      suite.failures++;
      const message = `${outcome.control.id} fails in ${failing.map((r) => r.engine).join(', ')} (rollout ${outcome.mode})`;
      return `${open}<failure message="${xml(message)}" type="${outcome.mode}">${xml(detail(outcome.rows))}</failure></testcase>`;
    }
    if (errors.length > 0) {
      suite.errors++;
      return `${open}<error message="${xml(`${outcome.control.id}: error in ${errors.map((r) => r.engine).join(', ')}`)}">${xml(detail(outcome.rows))}</error></testcase>`;
    }
    if (outcome.rows.every((r) => r.verdict === 'skip')) {
      suite.skipped++;
      const reason = outcome.rows.find((r) => r.message)?.message ?? 'not applied';
      return `${open}<skipped message="${xml(reason)}"/></testcase>`;
    }
    return `${open}</testcase>`;
  }

  error(e: AuditError): void {
    const suite = this.#open(e.file);
    suite.errors++;
    const where = e.line === null ? e.file : `${e.file}:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
    suite.cases.push(`    <testcase classname="${xml(e.file)}" name="${xml(`read ${where}`)}"><error message="${xml(e.message)}">${xml(`${where}: ${e.message}`)}</error></testcase>`);
  }

  end(summary: AuditSummary, exitCode: number): void {
    this.#close();
    this.#out.write(`  <!-- ${xml(`${summary.workloads} workloads, ${summary.workloadsFailing} failing, ${summary.workloadsFailingEnforced} failing an enforced control, ${summary.errors} unreadable inputs; exit ${exitCode}`).replace(/--/g, '- -')} -->\n</testsuites>\n`);
    this.#out.flush();
  }

  #open(file: string): Suite {
    if (!this.#suite || this.#suite.file !== file) this.file(file);
    return this.#suite!;
  }

  #close(): void {
    const suite = this.#suite;
    this.#suite = undefined;
    if (!suite || suite.cases.length === 0) return;
    const attributes = `name="${xml(suite.file)}" tests="${suite.cases.length}" failures="${suite.failures}" errors="${suite.errors}" skipped="${suite.skipped}"`;
    this.#out.write(`  <testsuite ${attributes}>\n${suite.cases.join('\n')}\n  </testsuite>\n`);
  }
}

/** XML text/attribute escaping; characters XML 1.0 cannot carry are dropped. */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
