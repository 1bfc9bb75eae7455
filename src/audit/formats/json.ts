import type { Auditor } from '../evaluate.ts';
import type { Output } from '../output.ts';
import type { AuditError, AuditSink, AuditSummary, WorkloadReport } from '../run.ts';

/**
 * `--format json`: one object, `{"workloads": [...], "errors": [...], "summary": {...}}`, written
 * as the workloads are judged (one workload per line). A contract other tooling reads.
 */
export class JsonSink implements AuditSink {
  readonly #out: Output;
  readonly #errors: AuditError[] = [];
  #count = 0;

  constructor(out: Output) {
    this.#out = out;
  }

  begin(_auditor: Auditor): void {
    this.#out.write('{"workloads": [');
  }

  file(): void {}

  workload(w: WorkloadReport): void {
    const head = JSON.stringify({ file: w.file, line: w.line, kind: w.kind, namespace: w.namespace, name: w.name, level: w.level });
    this.#out.write(`${this.#count++ === 0 ? '\n' : ',\n'}  ${head.slice(0, -1)},"results":${w.verdicts.rowsJson}}`);
  }

  error(error: AuditError): void {
    this.#errors.push(error); // errors are few (one per bad file or document)
  }

  end(summary: AuditSummary, exitCode: number): void {
    const errors = this.#errors.map((e) => `\n  ${JSON.stringify(e)}`).join(',');
    this.#out.write(`${this.#count > 0 ? '\n' : ''}],\n"errors": [${errors}${errors ? '\n' : ''}],\n"summary": ${JSON.stringify({ ...summary, exitCode })}\n}\n`);
    this.#out.flush();
  }
}
