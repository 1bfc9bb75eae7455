import type { NamespaceLevel } from '../controls/config.ts';
import type { Verdict } from '../util/eval-row.ts';
import { Auditor, workloadKind, type AuditorOptions, type Verdicts } from './evaluate.ts';
import { readInputs } from './read.ts';

/**
 * `kpc audit`: read a manifests tree document by document, judge every workload, and hand each
 * result to a sink as soon as it is known (nothing is kept but counters), so memory stays flat
 * however large the tree.
 */

export interface WorkloadReport {
  readonly file: string;
  readonly line: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly level: NamespaceLevel | null;
  readonly verdicts: Verdicts;
}

export interface AuditError {
  readonly file: string;
  readonly line: number | null;
  readonly column?: number;
  readonly message: string;
}

export interface AuditSummary {
  files: number;
  documents: number;
  objects: number;
  workloads: number;
  /** Objects of other kinds (ConfigMaps, Services, CRDs…): not audited, counted by kind. */
  ignored: number;
  ignoredKinds: Record<string, number>;
  errors: number;
  /** Workloads where some control fails (or errs) in some engine. */
  workloadsFailing: number;
  /** …where such a control is enforced (rollout mode enforce): these decide the exit code. */
  workloadsFailingEnforced: number;
  /** Per control: workloads failing it in some engine, and how many of those where it is enforced. */
  controls: Record<string, { failing: number; enforced: number }>;
  /** Result rows by verdict. */
  verdicts: Record<Verdict, number>;
  /** Workload × control pairs where some engines fail and others pass. */
  disagreements: number;
  /** Workloads in namespaces the config does not manage (and no --level given): no control applies. */
  unmanaged: number;
}

export interface AuditSink {
  begin(auditor: Auditor): void;
  file(file: string): void;
  workload(report: WorkloadReport): void;
  error(error: AuditError): void;
  end(summary: AuditSummary, exitCode: number): void;
}

export interface AuditOptions extends AuditorOptions {
  readonly paths: readonly string[];
  /** Namespace of objects that name none (as `kubectl apply -n`); default "default". */
  readonly namespace?: string;
  readonly stdin?: AsyncIterable<Uint8Array | string>;
  /** Called after each document with the running counts. */
  readonly onProgress?: (summary: Readonly<AuditSummary>) => void;
}

export function emptySummary(): AuditSummary {
  return {
    files: 0,
    documents: 0,
    objects: 0,
    workloads: 0,
    ignored: 0,
    ignoredKinds: {},
    errors: 0,
    workloadsFailing: 0,
    workloadsFailingEnforced: 0,
    controls: {},
    verdicts: { pass: 0, fail: 0, skip: 0, error: 0 },
    disagreements: 0,
    unmanaged: 0,
  };
}

/** Exit code: 1 when an enforced control fails or errs in some engine, or an input could not be read. */
export function exitCodeOf(summary: AuditSummary): number {
  return summary.workloadsFailingEnforced > 0 || summary.errors > 0 ? 1 : 0;
}

export async function runAudit(options: AuditOptions, sink: AuditSink, auditor?: Auditor): Promise<{ summary: AuditSummary; exitCode: number; auditor: Auditor }> {
  auditor ??= await Auditor.create(options);
  const summary = emptySummary();
  const defaultNamespace = options.namespace ?? 'default';
  const counts = new WeakMap<Verdicts, Record<Verdict, number>>();
  sink.begin(auditor);
  const error = (e: AuditError) => {
    summary.errors++;
    sink.error(e);
  };
  for await (const event of readInputs(options.paths, options.stdin)) {
    if (event.type === 'file') {
      summary.files++;
      sink.file(event.file);
      continue;
    }
    if (event.type === 'error') {
      error({ file: event.file, line: event.line ?? null, ...(event.column !== undefined ? { column: event.column } : {}), message: event.message });
      continue;
    }
    summary.documents++;
    const objects = event.objects;
    if (!objects.ok) {
      error({ file: event.file, line: objects.line, ...(objects.column !== undefined ? { column: objects.column } : {}), message: objects.message });
      continue;
    }
    for (const { line, value } of objects.objects) {
      summary.objects++;
      const kind = workloadKind(value);
      if (!kind) {
        const label = typeof value['kind'] === 'string' && value['kind'] !== '' ? `${String(value['apiVersion'] ?? '')}/${value['kind']}`.replace(/^\//, '') : '(no kind)';
        summary.ignored++;
        summary.ignoredKinds[label] = (summary.ignoredKinds[label] ?? 0) + 1;
        continue;
      }
      const metadata = isObject(value['metadata']) ? value['metadata'] : {};
      const name = typeof metadata['name'] === 'string' ? metadata['name'] : typeof metadata['generateName'] === 'string' ? metadata['generateName'] : '';
      const namespaceName = typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : defaultNamespace;
      const namespace = auditor.namespace(namespaceName);
      let verdicts: Verdicts;
      try {
        verdicts = auditor.evaluate(value, namespace);
      } catch (cause) {
        // The engines report their own errors as verdicts; anything thrown here is a bug, reported per workload.
        error({ file: event.file, line, message: `${kind} ${namespaceName}/${name}: ${cause instanceof Error ? cause.message : String(cause)}` });
        continue;
      }
      summary.workloads++;
      if (namespace.level === null) summary.unmanaged++;
      tally(summary, verdicts, counts);
      sink.workload({ file: event.file, line, kind, namespace: namespaceName, name, level: namespace.level, verdicts });
    }
    options.onProgress?.(summary);
  }
  const exitCode = exitCodeOf(summary);
  sink.end(summary, exitCode);
  return { summary, exitCode, auditor };
}

function tally(summary: AuditSummary, verdicts: Verdicts, counts: WeakMap<Verdicts, Record<Verdict, number>>): void {
  let byVerdict = counts.get(verdicts);
  if (!byVerdict) {
    byVerdict = { pass: 0, fail: 0, skip: 0, error: 0 };
    for (const row of verdicts.rows) byVerdict[row.verdict]++;
    counts.set(verdicts, byVerdict);
  }
  for (const verdict of ['pass', 'fail', 'skip', 'error'] as const) summary.verdicts[verdict] += byVerdict[verdict];
  let failing = false;
  for (const outcome of verdicts.controls) {
    if (outcome.disagreement) summary.disagreements++;
    if (!outcome.failing) continue;
    failing = true;
    const entry = (summary.controls[outcome.control.id] ??= { failing: 0, enforced: 0 });
    entry.failing++;
    if (outcome.enforcedFailure) entry.enforced++;
  }
  if (failing) summary.workloadsFailing++;
  if (verdicts.enforcedFailure) summary.workloadsFailingEnforced++;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
