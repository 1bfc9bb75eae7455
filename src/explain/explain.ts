import type { NamespaceLevel, RolloutMode } from '../controls/config.ts';
import type { Auditor } from '../audit/evaluate.ts';
import { normalizeForAdmission } from '../harness/normalize.ts';
import type { EngineName, VariantKind } from '../harness/types.ts';
import { podOf } from '../harness/variants.ts';
import { evaluatePred } from '../ir/evaluate.ts';
import type { Verdict } from '../util/eval-row.ts';
import type { ManifestFile, SourceWorkload } from './document.ts';
import { formatPath, repairCheck, type Edit, type FieldPath, type Finding } from './repair.ts';

/**
 * `kpc explain`: per workload of a file and per control, each engine's verdict and, for a failing
 * control, the offending fields (document paths and lines) with the change that fixes each, in
 * words. Verdicts come from the audit's evaluation (every engine); offending fields and fixes from
 * the IR of each failing rule (src/explain/repair.ts).
 */

export interface ExplainedFinding {
  /** Path in the document, e.g. spec.template.spec.containers[0].securityContext.privileged. */
  readonly path: string;
  readonly line: number;
  readonly actual: unknown;
  /** What to do, in words (one per edit, or the manual change). */
  readonly fixes: readonly string[];
  /** The edits, with paths in the document (none when a person has to decide). */
  readonly edits: readonly Edit[];
}

export interface ExplainedRule {
  readonly rule: string;
  readonly message: string;
  readonly findings: readonly ExplainedFinding[];
}

export interface ExplainedControl {
  readonly control: string;
  readonly pssCheck: string | null;
  readonly title: string;
  readonly mode: RolloutMode;
  /** fail when some engine fails it (or errs), pass when every engine passes, skip when none applies it. */
  readonly verdict: Verdict;
  readonly verdicts: Partial<Record<EngineName, { readonly verdict: Verdict; readonly message: string }>>;
  /** Its failure blocks the workload (or its pods) at admission. */
  readonly enforced: boolean;
  /** The rules the reference evaluator fails, with offending fields and fixes. */
  readonly rules: readonly ExplainedRule[];
  /** Set when engines fail a control the reference passes: the artifacts disagree, no fix is derived. */
  readonly note?: string;
}

export interface ExplainedWorkload {
  readonly file: string;
  readonly line: number;
  readonly kind: VariantKind;
  readonly namespace: string;
  readonly name: string;
  readonly level: NamespaceLevel | null;
  readonly controls: readonly ExplainedControl[];
}

export interface ExplainOptions {
  /** Only this control (else every control that applies). */
  readonly control?: string;
  /** Namespace of objects that name none (default "default"). */
  readonly namespace?: string;
}

/** The path from the object to the pod the checks read. */
export function podPrefix(kind: VariantKind): FieldPath {
  if (kind === 'Pod') return [];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template'];
  return ['spec', 'template'];
}

export function namespaceOf(object: Record<string, unknown>, fallback: string): string {
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  return typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : fallback;
}

/** The pod the checks read, as admission sees it (the audit's view). */
export function admittedPod(object: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  return podOf(normalizeForAdmission({ ...object, metadata: { ...metadata, namespace } }) as Record<string, unknown>);
}

export function explainWorkload(auditor: Auditor, file: ManifestFile, workload: SourceWorkload, options: ExplainOptions = {}): ExplainedWorkload {
  const object = workload.value;
  const namespaceName = namespaceOf(object, options.namespace ?? 'default');
  const namespace = auditor.namespace(namespaceName);
  const verdicts = auditor.evaluate(object, namespace);
  const pod = admittedPod(object, namespaceName);
  const prefix = [...workload.prefix, ...podPrefix(workload.kind)];
  const controls: ExplainedControl[] = [];
  for (const outcome of verdicts.controls) {
    const control = outcome.control;
    if (options.control !== undefined && control.id !== options.control) continue;
    const byEngine: ExplainedControl['verdicts'] = {};
    for (const row of outcome.rows) byEngine[row.engine] = { verdict: row.verdict, message: row.message };
    const verdict: Verdict = outcome.failing ? 'fail' : outcome.rows.some((r) => r.verdict === 'pass') ? 'pass' : 'skip';
    const rules: ExplainedRule[] = [];
    let note: string | undefined;
    if (outcome.failing) {
      for (const rule of control.rules) {
        if (evaluatePred(rule.check, pod)) continue;
        const findings = repairCheck(rule.check, pod).map((f) => locateFinding(file, workload.document, prefix, f));
        rules.push({ rule: rule.name, message: rule.message, findings });
      }
      const reference = outcome.rows.find((r) => r.engine === 'reference');
      const failingEngines = outcome.rows.filter((r) => r.verdict === 'fail' || r.verdict === 'error').map((r) => r.engine);
      if (reference?.verdict === 'skip' && reference.message) {
        // An exemption some target cannot express (the build's lossy notes): there it still fails.
        note = `${reference.message}; ${failingEngines.join(', ')} cannot express that exemption and fail it — the fixes below satisfy every engine`;
      } else if (rules.length === 0) {
        note = `the control's checks hold on this workload, yet ${failingEngines.join(', ')} fail it: the generated artifacts disagree (run \`kpc test\`); no fix is derived`;
      }
    }
    controls.push({
      control: control.id,
      pssCheck: control.pssCheck,
      title: control.title,
      mode: outcome.mode,
      verdict,
      verdicts: byEngine,
      enforced: outcome.enforcedFailure,
      rules,
      ...(note ? { note } : {}),
    });
  }
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  return {
    file: file.file,
    line: workload.line,
    kind: workload.kind,
    namespace: namespaceName,
    name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    level: namespace.level,
    controls,
  };
}

function locateFinding(file: ManifestFile, document: number, prefix: FieldPath, finding: Finding): ExplainedFinding {
  const path = [...prefix, ...finding.path];
  const edits = finding.edits.map((e): Edit => ({ ...e, path: [...prefix, ...e.path] }));
  const fixes = edits.length > 0 ? edits.map((e) => describeEdit(e, finding.actual)) : [`change ${formatPath(path)}${describeActual(finding.actual)}: ${finding.manual ?? 'see the control'}`];
  return { path: formatPath(path), line: file.line(document, path), actual: finding.actual, fixes, edits };
}

/** An edit in words a developer understands. */
export function describeEdit(edit: Edit, actual: unknown): string {
  const path = formatPath(edit.path);
  switch (edit.op) {
    case 'set':
      return `set ${path}: ${inline(edit.value)}${edit.placeholder ? ' (a default: choose the value your application needs)' : ''}`;
    case 'append':
      return `add ${inline(edit.value)} to ${path}`;
    case 'remove': {
      const last = edit.path[edit.path.length - 1];
      if (typeof last === 'number') return `remove ${path} (${inline(actual)}) from the list`;
      return `remove ${path}${describeActual(actual)}`;
    }
  }
}

function describeActual(actual: unknown): string {
  return actual === undefined ? ' (not set)' : ` (now ${inline(actual)})`;
}

/** A value as it would be written in YAML flow style. */
export function inline(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return /^[A-Za-z0-9_./-][\w./:-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|[-+.\d].*)$/i.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}: ${inline(v)}`).join(', ')}}`;
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
