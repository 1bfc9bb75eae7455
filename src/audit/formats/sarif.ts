import { isAbsolute } from 'node:path';
import type { Auditor, ControlOutcome } from '../evaluate.ts';
import type { Output } from '../output.ts';
import type { AuditError, AuditSink, AuditSummary, WorkloadReport } from '../run.ts';

/**
 * `--format sarif`: SARIF 2.1.0 for code scanning. One rule per control; one result per workload
 * and control that fails (or errs) in some engine, located at the workload's file and line; inputs
 * that could not be read are tool execution notifications. Results are written as they come.
 */


export class SarifSink implements AuditSink {
  readonly #out: Output;
  readonly #version: string;
  readonly #errors: AuditError[] = [];
  #ruleIndex = new Map<string, number>();
  #count = 0;

  constructor(out: Output, version: string) {
    this.#out = out;
    this.#version = version;
  }

  begin(auditor: Auditor): void {
    const rules = auditor.model.controls.map((c, index) => {
      this.#ruleIndex.set(c.id, index);
      return {
        id: c.id,
        name: c.title,
        shortDescription: { text: c.title },
        fullDescription: { text: c.description },
        help: { text: c.remediation },
        properties: { pssCheck: c.pssCheck, level: c.level, severity: c.severity, category: c.category, source: c.source, tags: ['kubernetes', 'pod-security'] },
      };
    });
    const driver = { name: 'kpc', fullName: 'kube-policy-compiler audit', version: this.#version, semanticVersion: this.#version, rules };
    const head = JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0' });
    this.#out.write(`${head.slice(0, -1)},"runs":[{"tool":${JSON.stringify({ driver })},"results":[`);
  }

  file(): void {}

  workload(w: WorkloadReport): void {
    for (const outcome of w.verdicts.controls) {
      if (!outcome.failing) continue;
      this.#out.write(`${this.#count++ === 0 ? '\n' : ',\n'}${JSON.stringify(this.#result(w, outcome))}`);
    }
  }

  #result(w: WorkloadReport, outcome: ControlOutcome): Record<string, unknown> {
    const failing = outcome.rows.filter((r) => r.verdict === 'fail');
    const errors = outcome.rows.filter((r) => r.verdict === 'error');
    const message = (failing[0] ?? errors[0])?.message ?? '';
    const engines = [failing.length > 0 ? `fails in ${failing.map((r) => r.engine).join(', ')}` : '', errors.length > 0 ? `error in ${errors.map((r) => r.engine).join(', ')}` : ''].filter(Boolean).join('; ');
    return {
      ruleId: outcome.control.id,
      ruleIndex: this.#ruleIndex.get(outcome.control.id) ?? -1,
      level: outcome.enforcedFailure ? 'error' : outcome.mode === 'audit' ? 'note' : 'warning',
      message: { text: `${w.kind} ${w.namespace}/${w.name}: ${message} (${engines}; rollout ${outcome.mode})` },
      locations: [location(w.file, w.line)],
      partialFingerprints: { workloadControl: `${w.kind}/${w.namespace}/${w.name}/${outcome.control.id}` },
      properties: {
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        level: w.level,
        rollout: outcome.mode,
        engines: Object.fromEntries(outcome.rows.map((r) => [r.engine, r.verdict])),
      },
    };
  }

  error(error: AuditError): void {
    this.#errors.push(error);
  }

  end(summary: AuditSummary, exitCode: number): void {
    const notifications = this.#errors.map((e) => ({
      level: 'error',
      message: { text: e.message },
      locations: [location(e.file, e.line, e.column)],
      descriptor: { id: 'unreadable-input' },
    }));
    const invocation = { executionSuccessful: true, exitCode, toolExecutionNotifications: notifications };
    this.#out.write(`${this.#count > 0 ? '\n' : ''}],"invocations":[${JSON.stringify(invocation)}],"properties":{"summary":${JSON.stringify(summary)}}}]}\n`);
    this.#out.flush();
  }
}

function location(file: string, line: number | null, column?: number): Record<string, unknown> {
  const uri = isAbsolute(file) ? `file://${encodeURI(file)}` : encodeURI(file);
  const physicalLocation: Record<string, unknown> = { artifactLocation: { uri } };
  if (line !== null) physicalLocation['region'] = column !== undefined ? { startLine: line, startColumn: column } : { startLine: line };
  return { physicalLocation };
}
