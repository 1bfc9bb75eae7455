import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';
import { runKyvernoTests } from '../engines/kyverno/cli-test/index.ts';
import { printReport } from '../util/report.ts';

export const help = `kpc kyverno test <dir>… [--strict] [--json]

Run every kyverno-test.yaml found under the given directories (or files) the way
\`kyverno test\` does, with kpc's embedded Kyverno evaluator.

Each expected result × resource is one case. A case passes when the evaluated rule
status equals the expected result. As in \`kyverno test\`, a policy that produced no
rule response for the resource (rule not matched, foreach with nothing to check)
counts as met; with --strict such a case fails unless the expected result is skip.
Results that need what the evaluator does not reproduce (mutate, generate,
verifyImages, unmocked API calls, …) are reported as skipped, with the reason.

Options:
  --strict   count "no response" rows as failed unless the expected result is skip
  --json     print the report as one JSON object
                {total, passed, failed, skipped, failures: [{id, expected, actual, detail}], skips: [{id, reason}]}

Exit codes: 0 when nothing failed, 1 when a case failed, 2 on a usage error.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    strict: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const [sub, ...paths] = positionals;
  if (sub !== 'test') throw new UsageError(sub === undefined ? 'missing subcommand "test"' : `unknown subcommand "${sub}"`);
  if (paths.length === 0) throw new UsageError('at least one directory is required');
  const report = runKyvernoTests(paths, { strict: values.strict === true });
  return printReport(report, values.json === true);
}
