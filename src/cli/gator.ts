// `kpc gator verify`: argument parsing and printing only; the runner is src/engines/gatekeeper/verify.ts.
import { printReport } from '../util/report.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';

export const help = `Usage: kpc gator verify <path>… [--engine rego|cel|all] [--json]

Runs every Gatekeeper Suite (a YAML file of kind Suite in group test.gatekeeper.sh) found under
the paths, recursively, as \`gator verify\` does: each test's ConstraintTemplate and Constraint are
loaded, each case's object (or AdmissionReview) is reviewed with its inventory and expansions, and
every assertion (violations: yes|no|<n>, message regex) is checked.

Options:
  --engine rego|cel|all  which Gatekeeper engine runs the templates (default: all)
                           rego  the Rego driver only (gator --enable-k8s-native-validation=false)
                           cel   the K8sNativeValidation (CEL) driver only; a template without CEL
                                 code counts its cases as skipped
                           all   every case once per engine, each run counted
  --json                 print the report as one JSON object:
                         {total, passed, failed, skipped, failures:[{id, expected, actual, detail}],
                          skips:[{id, reason}], suites, engines:{rego|cel: {total, passed, failed, skipped}}}

Case ids read <suite file>#<test>/<case> [<engine>].
Exit codes: 0 when no case failed, 1 when one did (or an input could not be read), 2 on bad arguments.`;

export async function run(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'verify') throw new UsageError(subcommand === undefined ? 'missing subcommand "verify"' : `unknown subcommand "${subcommand}"`);
  const { values, positionals } = parseCommandArgs(rest, {
    engine: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw new UsageError('at least one path is required');
  const engine = values.engine;
  if (engine !== 'rego' && engine !== 'cel' && engine !== 'all') throw new UsageError(`--engine must be rego, cel or all (got "${engine}")`);
  const { verifySuites } = await import('../engines/gatekeeper/verify.ts');
  const report = verifySuites(positionals, { engines: engine === 'all' ? ['rego', 'cel'] : [engine] });
  return printReport(report, values.json ?? false);
}
