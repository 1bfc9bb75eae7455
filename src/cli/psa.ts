// `kpc psa …`: argument parsing and printing only; the logic is in src/engines/psa.
import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';
import { printReport } from '../util/report.ts';
import { runPsaConformance } from '../engines/psa/conformance.ts';
import { PSA_UPSTREAM } from '../engines/psa/upstream.ts';

export const help = `Usage: kpc psa conformance <dir> [--json]

Run a Pod Security Admission fixture tree laid out like kubernetes/pod-security-admission
test/testdata: <dir>/<level>/<version>/<pass|fail>/<checkid><n>.yaml, one Pod per file.

Each file is one case, named by its path under <dir> (e.g. restricted/v1.37/fail/runasnonroot0.yaml),
evaluated at the level and version of its folders (after the API defaulting PSA sees):
  pass/  the pod must be allowed;
  fail/  the pod must be forbidden, and PSA's message must contain the substring the upstream
         generator expects for the check named by the file name (e.g. "runAsNonRoot").
A file that is not valid YAML, not a single Pod, or outside a known <level>/<version>/<pass|fail>
folder is a failed case with the reason; the run goes on.

Checks follow ${PSA_UPSTREAM.repository} at commit ${PSA_UPSTREAM.commit}.

Options:
  --json   print one JSON object {total, passed, failed, skipped, failures, skips, upstream}
  -h, --help

Exit code: 0 when no case failed, 1 otherwise, 2 on a usage error.
Progress goes to stderr when it is a terminal.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
  const [subcommand, ...rest] = positionals;
  if (subcommand !== 'conformance') {
    throw new UsageError(subcommand === undefined ? 'missing subcommand "conformance"' : `unknown subcommand "${subcommand}"`);
  }
  if (rest.length !== 1) throw new UsageError('conformance takes exactly one <dir>');
  const showProgress = process.stderr.isTTY === true;
  const report = runPsaConformance(rest[0]!, {
    onProgress: showProgress
      ? (done, total) => {
          if (done % 100 === 0 || done === total) process.stderr.write(`\rpsa conformance: ${done}/${total}${done === total ? '\n' : ''}`);
        }
      : undefined,
  });
  return printReport(report, values.json === true);
}
