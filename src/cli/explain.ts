import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NamespaceLevel } from '../controls/config.ts';
import { Auditor } from '../audit/evaluate.ts';
import { ManifestFile } from '../explain/document.ts';
import { explainWorkload } from '../explain/explain.ts';
import { fixFile } from '../explain/fix.ts';
import { renderExplanation, renderFixSummary } from '../explain/render.ts';
import { KpcError } from '../util/errors.ts';
import { displayPath } from '../util/files.ts';
import { readTextFile } from '../util/yaml.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';

export const help = `Usage: kpc explain <file> [--control ID] [--level LEVEL] [--namespace NS] [--root DIR] [--json] [--verbose]
       kpc explain --fix <file> [--out FILE] [--control ID] [--level LEVEL] [--namespace NS] [--root DIR]

For each workload (Pod or pod controller) of a manifests file and each control of the project that
applies in its namespace: the verdict of every engine, and for a failing control the offending
fields — their paths and YAML lines — with the change that fixes each, e.g.
  → set spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: false
Fixes are derived from the control's own checks: each failing rule is asked what minimal edit
makes it hold. Some changes need a person (pin an image to a tag, choose a different volume type):
those are described, not made.

With --fix, writes a corrected copy of the file — comments, key order and formatting kept — that
passes every enforced control in every engine wherever kpc can derive the change: edits are applied,
the result judged again, until nothing fixable fails. Values kpc has to choose (resource requests
and limits) are marked with a comment to review. The copy goes to --out FILE, else to standard
output (the list of changes then goes to standard error).

The level of a workload is its namespace's level in the project config; a namespace the config does
not manage gets no control unless --level gives it one (as \`kpc audit\`).

Options:
  --control ID     only this control
  --level L        level for namespaces the config does not manage: privileged, baseline, restricted
  --namespace NS   namespace of objects that name none (default: default)
  --root DIR       project root holding policies/ (default: the current directory)
  --json           print {"workloads": [{file, line, kind, namespace, name, level, controls: [{control,
                   pssCheck, title, mode, verdict, verdicts, enforced, rules: [{rule, message,
                   findings: [{path, line, actual, fixes, edits}]}]}]}]}
  --verbose        list the passing and skipped controls one per line, with the reason of a skip
  --fix            write the corrected copy
  --out FILE       where --fix writes it

Exit codes: 0 when no enforced control fails (after the fix with --fix), 1 otherwise or when the
file cannot be read, 2 usage error.
`;

const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    control: { type: 'string' },
    level: { type: 'string' },
    namespace: { type: 'string' },
    root: { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    fix: { type: 'boolean' },
    out: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the manifests file to explain' : 'give one file');
  if (values.level !== undefined && !LEVELS.includes(values.level)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}, not "${values.level}"`);
  if (values.out !== undefined && !values.fix) throw new UsageError('--out goes with --fix');
  if (values.fix && values.json) throw new UsageError('--json and --fix cannot be combined');
  const path = positionals[0]!;
  const file = displayPath(path);
  const text = readTextFile(path);
  const auditor = await Auditor.create({ root: resolve(values.root ?? '.'), ...(values.level ? { level: values.level as NamespaceLevel } : {}) });
  if (values.control !== undefined && !auditor.model.controls.some((c) => c.id === values.control)) {
    throw new UsageError(`no control "${values.control}" (controls: ${auditor.model.controls.map((c) => c.id).join(', ')})`);
  }
  const options = { ...(values.control ? { control: values.control } : {}), ...(values.namespace ? { namespace: values.namespace } : {}) };

  if (values.fix) {
    const result = guarded(file, () => fixFile(auditor, text, file, options));
    const summary = renderFixSummary(result.applied, result.after);
    if (values.out !== undefined) {
      try {
        writeFileSync(values.out, result.text);
      } catch (error) {
        throw new KpcError(`cannot write: ${error instanceof Error ? error.message : String(error)}`, { file: values.out });
      }
      process.stdout.write(summary);
    } else {
      process.stdout.write(result.text);
      process.stderr.write(summary);
    }
    return result.after.some((w) => w.controls.some((c) => c.enforced)) ? 1 : 0;
  }

  const workloads = guarded(file, () => {
    const manifest = new ManifestFile(text, file);
    return manifest.workloads().map((w) => explainWorkload(auditor, manifest, w, options));
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ workloads }, null, 2)}\n`);
  else process.stdout.write(renderExplanation(workloads, { verbose: values.verbose ?? false }));
  return workloads.some((w) => w.controls.some((c) => c.enforced)) ? 1 : 0;
}

/** Bad input (deep nesting, a value no engine can take) is an error naming the file, never a crash. */
function guarded<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof KpcError) throw error;
    throw new KpcError(error instanceof RangeError ? 'input nested too deeply to explain' : error instanceof Error ? error.message : String(error), { file });
  }
}
