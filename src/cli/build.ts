import { resolve } from 'node:path';
import { build, checkOutput, writeOutput } from '../build/index.ts';
import { parseCommandArgs } from './args.ts';
import { renderPlan } from '../build/plan.ts';

export const help = `Usage: kpc build [--check] [--out DIR] [--pss-version VERSION] [--root DIR]

Compile the controls in policies/ into generated/: Kyverno ClusterPolicies, Gatekeeper
ConstraintTemplates (Rego and CEL) and Constraints, PSA namespace labels, NetworkPolicies and
index.json. policies/ is type-checked first; a type error stops the build with tsc's message.
The output is written to a temporary folder and swapped in, so on any error it is untouched.

Options:
  --check               build in memory and compare with the output folder; exit 1 and list
                        stale, missing and extra files when it differs (writes nothing)
  --out DIR             write to DIR instead of generated/
  --pss-version VER     PSS version to compile to: latest (v1.37) or v1.0 … v1.37; overrides
                        pssVersion in policies/config.ts
  --root DIR            project root holding policies/ (default: the current directory)
  -q, --quiet           do not print the rollout plan

After writing, the build prints the rollout plan (per namespace: level, PSA labels, and which
controls are enforced, warned or audited; the exemptions) and a warning for each exemption or
rollout setting a target cannot express.

Exit codes: 0 built (or up to date), 1 bad input, type errors or stale output, 2 usage error.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    check: { type: 'boolean' },
    out: { type: 'string' },
    'pss-version': { type: 'string' },
    root: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length > 0) throw new (await import('./main.ts')).UsageError(`unexpected argument "${positionals[0]}"`);
  const root = resolve(values.root ?? '.');
  const outDir = resolve(root, values.out ?? 'generated');
  const { model, files } = await build({ root, pssVersion: values['pss-version'] });

  if (values.check) {
    const { stale, missing, extra } = checkOutput(outDir, files);
    const problems = [...stale.map((f) => `stale:   ${f}`), ...missing.map((f) => `missing: ${f}`), ...extra.map((f) => `extra:   ${f}`)];
    if (problems.length > 0) {
      process.stderr.write(`${outDir} is out of date with policies/ (run npm run build):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write(`${outDir}: up to date (${files.size} files, ${model.controls.length} controls, PSS ${model.pssVersion})\n`);
    return 0;
  }
  writeOutput(outDir, files);
  if (!values.quiet) process.stdout.write(renderPlan(model));
  for (const note of model.lossy) process.stderr.write(`warning: ${note.target} cannot express ${note.subject}: ${note.message}\n`);
  process.stdout.write(`wrote ${files.size} files to ${outDir}: ${model.controls.length} controls at PSS ${model.pssVersion}, ${model.namespaces.length} namespaces\n`);
  return 0;
}
