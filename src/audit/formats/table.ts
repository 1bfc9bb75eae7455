import type { Auditor, ControlOutcome } from '../evaluate.ts';
import type { Output } from '../output.ts';
import type { AuditError, AuditSink, AuditSummary, WorkloadReport } from '../run.ts';

/**
 * The default, readable format: each workload that fails some control (FAIL when an enforced
 * control fails, WARN when only controls in warn or audit rollout do), with the engines that fail
 * it and why; each input that could not be read; then the totals.
 */
export class TableSink implements AuditSink {
  readonly #out: Output;

  constructor(out: Output) {
    this.#out = out;
  }

  begin(_auditor: Auditor): void {}
  file(): void {}

  workload(w: WorkloadReport): void {
    const failing = w.verdicts.controls.filter((c) => c.failing);
    if (failing.length === 0) return;
    const status = w.verdicts.enforcedFailure ? 'FAIL' : 'WARN';
    const lines = [`${status} ${w.kind} ${w.namespace}/${w.name}  (${w.file}:${w.line}, ${w.level ?? 'unmanaged'})`];
    const width = Math.max(...failing.map((c) => c.control.id.length));
    for (const outcome of failing) {
      lines.push(`  ${outcome.control.id.padEnd(width)}  ${outcome.mode.padEnd(7)}  ${describeEngines(outcome)}`);
      const message = outcome.rows.find((r) => r.verdict === 'fail' || r.verdict === 'error')?.message ?? '';
      if (message) lines.push(`  ${' '.repeat(width)}  ${message.split('\n')[0]}`);
    }
    this.#out.write(`${lines.join('\n')}\n`);
  }

  error(e: AuditError): void {
    const where = e.line === null ? e.file : `${e.file}:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
    this.#out.write(`ERROR ${where}: ${e.message}\n`);
  }

  end(s: AuditSummary, exitCode: number): void {
    const lines = [''];
    const ignoredKinds = Object.entries(s.ignoredKinds).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    lines.push(`files: ${s.files}, documents: ${s.documents}, workloads: ${s.workloads}${s.unmanaged > 0 ? ` (${s.unmanaged} in namespaces the config does not manage: no control applies; see --level)` : ''}`);
    if (s.ignored > 0) lines.push(`ignored: ${s.ignored} objects of other kinds (${ignoredKinds.map(([k, n]) => `${k} ${n}`).join(', ')})`);
    const controls = Object.entries(s.controls).sort((a, b) => b[1].failing - a[1].failing || (a[0] < b[0] ? -1 : 1));
    if (controls.length > 0) {
      lines.push('failing controls (workloads, of which enforced):');
      const width = Math.max(...controls.map(([id]) => id.length));
      for (const [id, c] of controls) lines.push(`  ${id.padEnd(width)}  ${String(c.failing).padStart(5)}  ${String(c.enforced).padStart(5)}`);
    }
    if (s.disagreements > 0) lines.push(`engines disagree on ${s.disagreements} workload × control pairs (some fail, some pass)`);
    lines.push(`${s.workloads} workloads: ${s.workloadsFailing} failing, ${s.workloadsFailingEnforced} failing an enforced control; ${s.errors} unreadable inputs (exit ${exitCode})`);
    this.#out.write(`${lines.join('\n')}\n`);
    this.#out.flush();
  }
}

/** "kyverno, gatekeeper-rego, psa (warn)", plus the engines that pass it when they disagree. */
function describeEngines(outcome: ControlOutcome): string {
  const failing = outcome.rows.filter((r) => r.verdict === 'fail').map((r) => (r.engine === 'psa' && r.action && r.action !== 'deny' ? `psa (${r.action})` : r.engine));
  const errors = outcome.rows.filter((r) => r.verdict === 'error').map((r) => r.engine);
  const passing = outcome.rows.filter((r) => r.verdict === 'pass').map((r) => r.engine);
  const skipping = outcome.rows.filter((r) => r.verdict === 'skip').map((r) => r.engine);
  const parts: string[] = [];
  if (failing.length > 0) parts.push(`fails in ${failing.join(', ')}`);
  if (errors.length > 0) parts.push(`error in ${errors.join(', ')}`);
  if (passing.length > 0) parts.push(`passes in ${passing.join(', ')}`);
  if (skipping.length > 0) parts.push(`not applied in ${skipping.join(', ')}`);
  return parts.join('; ');
}
