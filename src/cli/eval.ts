import { describeError, KpcError } from '../util/errors.ts';
import { collectFiles, displayPath } from '../util/files.ts';
import { readYamlObjects } from '../util/yaml.ts';
import type { EvalRow, LoadedObject } from '../util/eval-row.ts';
import { jsonReplacer } from '../util/report.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';

export const help = `Usage: kpc eval --policy <file|dir>… --resource <file|dir>… [--psa LEVEL[:VERSION]]
                [--engine rego|cel|all] [--json]

Evaluate policies on resources and print one verdict per resource and policy rule (or Gatekeeper
constraint, or PSA check): pass, fail, skip or error, with the engine's message.

Policies are recognised by kind:
  Kyverno      kyverno.io ClusterPolicy, Policy, PolicyException; policies.kyverno.io ValidatingPolicy
  Gatekeeper   templates.gatekeeper.sh ConstraintTemplate with its constraints.gatekeeper.sh Constraints
               (and expansion.gatekeeper.sh ExpansionTemplates)
  Native       admissionregistration.k8s.io ValidatingAdmissionPolicy with its Bindings
  PSA          --psa baseline|restricted|privileged[:vX.Y|latest] (no policy file needed)

Resources: any objects (Pods, workloads, Namespaces — whose labels namespace selectors read).
Directories are searched for .yaml, .yml and .json files (kustomization.yaml files are skipped);
objects among the policies that are not a policy kind, and empty files, are ignored with a
warning. A file that cannot be read (malformed YAML, a document that is not an object, invalid
UTF-8, over 16 MiB, nested past 500 levels) is reported with its file:line:col and left out; the
rest is still evaluated and the exit code is 1. A missing path stops the command.

Options:
  --policy PATH      a policy file or directory (repeatable)
  --resource PATH    a resource file or directory (repeatable)
  --psa L[:V]        also evaluate Pod Security Admission at level L and version V (default latest)
  --engine E         Gatekeeper engine: rego, cel or all (default all)
  --json             print {"results": [{file, kind, namespace, name, engine, policy, rule,
                     control, pssCheck, verdict, message}], "errors": [{file, line, column,
                     message}], "ignored": [{file, line, reason}]}

Exit codes: 0 when nothing fails, 1 when a verdict is fail or error (or an input is bad), 2 usage.
`;

const KYVERNO_GROUPS = new Set(['kyverno.io', 'policies.kyverno.io']);
const GATEKEEPER_GROUPS = new Set(['templates.gatekeeper.sh', 'constraints.gatekeeper.sh', 'expansion.gatekeeper.sh']);
const VAP_GROUP = 'admissionregistration.k8s.io';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    policy: { type: 'string', multiple: true },
    resource: { type: 'string', multiple: true },
    psa: { type: 'string' },
    engine: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (use --policy and --resource)`);
  const policyPaths = values.policy ?? [];
  const resourcePaths = values.resource ?? [];
  if (resourcePaths.length === 0) throw new UsageError('give at least one --resource');
  if (policyPaths.length === 0 && !values.psa) throw new UsageError('give at least one --policy, or --psa LEVEL');
  const engine = values.engine ?? 'all';
  if (!['rego', 'cel', 'all'].includes(engine)) throw new UsageError(`--engine must be rego, cel or all, not "${engine}"`);

  // A bad file is reported and left out; the others are still evaluated (exit code 1).
  const input: InputReport = { errors: [], ignored: [] };
  const policies = loadObjects(policyPaths, input);
  const resources = loadObjects(resourcePaths, input);
  const kyverno: LoadedObject[] = [];
  const gatekeeper: LoadedObject[] = [];
  const vap: LoadedObject[] = [];
  for (const policy of policies) {
    const group = String(policy.value['apiVersion'] ?? '').split('/')[0] ?? '';
    if (KYVERNO_GROUPS.has(group)) kyverno.push(policy);
    else if (GATEKEEPER_GROUPS.has(group)) gatekeeper.push(policy);
    else if (group === VAP_GROUP) vap.push(policy);
    else input.ignored.push({ file: policy.file, line: policy.line, reason: `${String(policy.value['apiVersion'])} ${String(policy.value['kind'])} is not a policy kind kpc evaluates` });
  }
  for (const e of input.errors) process.stderr.write(`kpc eval: ${e.file}${e.line === null ? '' : `:${e.line}`}${e.column === null ? '' : `:${e.column}`}: ${e.message}\n`);
  for (const i of input.ignored) process.stderr.write(`kpc eval: ignored ${i.file}${i.line === null ? '' : `:${i.line}`}: ${i.reason}\n`);
  if (input.errors.length === 0) {
    if (kyverno.length + gatekeeper.length + vap.length === 0 && !values.psa) throw new KpcError('none of the --policy files holds a Kyverno, Gatekeeper or ValidatingAdmissionPolicy policy');
    if (resources.length === 0) throw new KpcError('the --resource paths hold no objects');
  }

  const rows: EvalRow[] = [];
  if (kyverno.length > 0) {
    const { kyvernoEvalRows } = await import('../engines/kyverno/index.ts');
    rows.push(...kyvernoEvalRows(kyverno, resources));
  }
  if (gatekeeper.length > 0) {
    const { gatekeeperEvalRows } = await import('../engines/gatekeeper/eval.ts');
    for (const e of engine === 'all' ? (['rego', 'cel'] as const) : [engine as 'rego' | 'cel']) rows.push(...gatekeeperEvalRows(gatekeeper, resources, e));
  }
  if (vap.length > 0) {
    const { vapEvalRows } = await import('../engines/vap/eval.ts');
    rows.push(...vapEvalRows(vap, resources));
  }
  if (values.psa) {
    const { psaEvalRows } = await import('../engines/psa/eval.ts');
    rows.push(...psaEvalRows(values.psa, resources));
  }

  if (values.json) process.stdout.write(`${JSON.stringify({ results: rows, errors: input.errors, ignored: input.ignored }, jsonReplacer, 2)}\n`);
  else process.stdout.write(renderTable(rows));
  return input.errors.length > 0 || rows.some((row) => row.verdict === 'fail' || row.verdict === 'error') ? 1 : 0;
}

/** Input files that could not be read, and objects or files that were left out (with why). */
interface InputReport {
  readonly errors: { file: string; line: number | null; column: number | null; message: string }[];
  readonly ignored: { file: string; line: number | null; reason: string }[];
}

/**
 * Every object of the files under the paths. A missing path is a KpcError naming it; a file that
 * cannot be read (malformed, not objects, invalid UTF-8, too large or too deep) is recorded in
 * `input.errors` and left out; an empty file in `input.ignored`.
 */
function loadObjects(paths: readonly string[], input: InputReport): LoadedObject[] {
  const out: LoadedObject[] = [];
  const files = collectFiles(paths, { extensions: ['.yaml', '.yml', '.json'] }).filter((f) => !/(^|\/)kustomization\.ya?ml$/.test(f));
  for (const file of files) {
    const shown = displayPath(file);
    let docs;
    try {
      docs = readYamlObjects(file);
    } catch (error) {
      const where = error instanceof KpcError ? error : undefined;
      input.errors.push({ file: shown, line: where?.line ?? null, column: where?.column ?? null, message: where ? where.message : describeError(error) });
      continue;
    }
    if (docs.length === 0) input.ignored.push({ file: shown, line: null, reason: 'empty file (no objects)' });
    for (const doc of docs) out.push({ file: shown, line: doc.line, value: doc.value });
  }
  return out;
}

function renderTable(rows: readonly EvalRow[]): string {
  if (rows.length === 0) return 'no policy matched any resource\n';
  const lines = rows.map((r) => [
    r.verdict.toUpperCase(),
    `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`,
    r.engine,
    r.rule ? `${r.policy} ${r.rule}` : r.policy,
    r.message.split('\n')[0] ?? '',
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...lines.map((l) => l[i]!.length)));
  const counts = ['pass', 'fail', 'skip', 'error'].map((v) => `${rows.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  return `${lines.map((l) => l.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd()).join('\n')}\n${rows.length} results: ${counts}\n`;
}
