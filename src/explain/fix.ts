import { isMap, isSeq, type Document } from 'yaml';
import type { Auditor } from '../audit/evaluate.ts';
import { VOLUME_SOURCE_FIELDS } from '../engines/psa/index.ts';
import { ManifestFile } from './document.ts';
import { explainWorkload, podPrefix, describeEdit, type ExplainOptions, type ExplainedWorkload } from './explain.ts';
import { formatPath, type Edit, type FieldPath } from './repair.ts';

/**
 * `kpc explain --fix`: apply the derived edits to the file's YAML Documents (comments, key order
 * and formatting kept), read the result back, judge it again, and repeat until no failing control
 * has an edit left to apply (a fix for one control can expose another: removing `runAsUser: 0`
 * leaves the UID range unset). Bounded passes; a text seen before ends the loop.
 */

export interface AppliedEdit {
  readonly workload: string;
  readonly control: string;
  readonly description: string;
}

export interface FixResult {
  /** The corrected file. */
  readonly text: string;
  readonly applied: readonly AppliedEdit[];
  /** The file re-judged after the fix. */
  readonly after: readonly ExplainedWorkload[];
}

/** Each pass fixes one control of one workload; a file of many broken workloads needs many. */
const MAX_PASSES = 200;
const PLACEHOLDER_COMMENT = ' set by kpc explain --fix: review';

export function fixFile(auditor: Auditor, text: string, file: string, options: ExplainOptions = {}): FixResult {
  const applied: AppliedEdit[] = [];
  const seen = new Set<string>([text]);
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const step = fixOneControl(auditor, current, file, options, seen);
    if (!step) break;
    applied.push(...step.applied);
    seen.add(step.text);
    current = step.text;
  }
  const final = new ManifestFile(current, file);
  return { text: current, applied, after: final.workloads().map((w) => explainWorkload(auditor, final, w, options)) };
}

/** The first failing control (enforced first) whose edits change the file into one not seen before. */
function fixOneControl(auditor: Auditor, text: string, file: string, options: ExplainOptions, seen: ReadonlySet<string>): { text: string; applied: AppliedEdit[] } | undefined {
  const manifest = new ManifestFile(text, file);
  for (const workload of manifest.workloads()) {
    const explained = explainWorkload(auditor, manifest, workload, options);
    const name = `${explained.kind} ${explained.namespace}/${explained.name}`;
    // Enforced controls first: their fixes decide where values go; a later control adapts to them.
    const failing = explained.controls.filter((c) => c.verdict === 'fail').sort((a, b) => Number(b.enforced) - Number(a.enforced));
    for (const control of failing) {
      const edits = control.rules.flatMap((r) => r.findings.flatMap((f) => f.edits.map((edit) => ({ edit, actual: f.actual }))));
      if (edits.length === 0) continue;
      const attempt = new ManifestFile(text, file); // fresh Documents: an attempt that goes nowhere leaves no trace
      const doc = attempt.documents[workload.document]!;
      const applied: AppliedEdit[] = [];
      for (const { edit, actual } of edits) {
        applyEdit(doc, edit);
        applied.push({ workload: name, control: control.control, description: describeEdit(edit, actual) });
      }
      defaultVolumeSources(doc, [...workload.prefix, ...podPrefix(workload.kind), 'spec', 'volumes'], applied, name, control.control);
      const next = attempt.toString();
      if (next !== text && !seen.has(next)) return { text: next, applied };
    }
  }
  return undefined;
}

function applyEdit(doc: Document, edit: Edit): void {
  switch (edit.op) {
    case 'set': {
      const node = doc.createNode(edit.value);
      if (edit.placeholder) (node as { comment?: string }).comment = PLACEHOLDER_COMMENT;
      setIn(doc, edit.path, node);
      return;
    }
    case 'remove':
      doc.deleteIn(edit.path);
      return;
    case 'append': {
      const list = doc.getIn(edit.path, true);
      if (isSeq(list)) list.add(doc.createNode(edit.value));
      else setIn(doc, edit.path, doc.createNode([edit.value]));
      return;
    }
  }
}

/**
 * Document.setIn, creating missing mappings as YAMLMaps (the `yaml` package builds them from JS
 * Maps, which the YAML 1.1 schema turns into !!omap).
 */
function setIn(doc: Document, path: FieldPath, value: unknown): void {
  if (path.length === 0) return;
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isMap(node) && !isSeq(node)) return;
    let next: unknown = node.get(path[i], true);
    if (!isMap(next) && !isSeq(next)) {
      next = doc.createNode(typeof path[i + 1] === 'number' ? [] : {});
      node.set(path[i], next);
    }
    node = next;
  }
  if (isMap(node) || isSeq(node)) node.set(path[path.length - 1], value);
}

/**
 * A volume left with no source after its source was removed becomes an emptyDir, as the API server
 * defaults it (SetDefaults_Volume); written out so the file says what the cluster will run.
 */
function defaultVolumeSources(doc: Document, volumesPath: FieldPath, applied: AppliedEdit[], workload: string, control: string): void {
  const volumes = doc.getIn(volumesPath, true);
  if (!isSeq(volumes)) return;
  volumes.items.forEach((volume, index) => {
    if (!isMap(volume)) return;
    const keys = volume.items.map((pair) => String((pair.key as { value?: unknown } | null)?.value ?? pair.key));
    if (VOLUME_SOURCE_FIELDS.some((field) => keys.includes(field))) return;
    const path = [...volumesPath, index, 'emptyDir'];
    setIn(doc, path, doc.createNode({}));
    applied.push({ workload, control, description: `set ${formatPath(path)}: {} (the volume has no other source left)` });
  });
}
