// `kpc test`: argument parsing and printing only; the logic is in src/harness.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';
import { jsonReplacer } from '../util/report.ts';
import { availableParallelism } from 'node:os';
// Only the light modules here: the worker thread starts before the harness and its engines load.
import { DEFAULT_FUZZ_SEED, runSettings } from '../harness/defaults.ts';
import { startWorker } from '../harness/worker-pool.ts';

export const help = `Usage: kpc test [--json] [--junit FILE] [--fixtures DIR] [--corpus DIR | --no-corpus]
       kpc test --fuzz N [--seed S] [--json] [--junit FILE]

The equivalence harness: one control, every engine, the same verdict.

Builds policies/ in memory and reads the generated artifacts back through each embedded engine:
kyverno (the ClusterPolicy and PolicyExceptions, with autogen rules for pod controllers),
kyverno-vpol (the CEL ValidatingPolicies, with Kyverno's CEL autogen), gatekeeper-rego and
gatekeeper-cel (the ConstraintTemplate and Constraints, with each engine), vap (the native
ValidatingAdmissionPolicy and its bindings, as the apiserver's plugin runs them) and psa (the
check a PSS control mirrors, at the pinned version). Each is compared with the reference
evaluator of the control's check.

Replayed:
  - test/fixtures/controls/<control>/pass-*.yaml and fail-*.yaml: a pod passing every control, and
    pods failing one control only (checked with the reference first);
  - every fixture pod as a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and
    ReplicationController in a baseline namespace and a restricted one with every hardening control
    opted in, and as a Pod, Deployment and CronJob in every other namespace of the project (with
    the labels kpc build gives them: levels, hardening opt-ins, rollout modes, exemptions), in an
    unmanaged one, and in a namespace per level the project does not cover;
  - the project's exemptions, on fixtures changed so each exemption covers them: per exemption and
    engine, honoured, or lossy where kpc build declares that target cannot express it;
  - the PSA corpus (../shared/conformance/psa, or --corpus DIR) at every version: per pod, the
    conjunction of the controls in every engine must equal the folder's verdict (pass/fail), and
    every control in every engine must agree with the reference.
Every engine judges the object as the API server admits it (nulls dropped, verdict-changing
defaults applied). Differences that follow documented upstream behaviour (PSA only warns on
workloads, PSA's own warn/audit levels; Kyverno admits a resource no rule responded to; Kyverno's
CEL autogen has no ReplicationController target) or that the build declares lossy (an exemption or
rollout mode a target cannot express) are expected; anything else is a divergence. A failure's
effect is compared too (deny, warn or audit: failureAction, enforcementAction, validationActions,
PSA modes). Every control must pass and fail in every engine, and every rule must fail somewhere.
The work is shared with a worker thread when there is a second core.

With --fuzz N: N random pods and workloads (biased towards the security fields and their edge
values), each in a random managed namespace; every engine must agree with the reference. A
divergence is shrunk to a minimal object and printed with the seed that replays it.

Options:
  --json          print one JSON object: {total, passed, failed, skipped, failures, skips, fixtures,
                  controls, engines, verdicts, divergences, exemptions, …}
  --junit FILE    also write a JUnit XML report to FILE
  --fixtures DIR  project fixtures (default test/fixtures/controls)
  --corpus DIR    the PSA corpus (default ../shared/conformance/psa when present)
  --no-corpus     skip the PSA corpus
  --fuzz N        differential fuzzing with N random objects instead of the fixtures
  --seed S        the fuzzing seed (default ${DEFAULT_FUZZ_SEED}); a reported divergence names the seed to replay
  -h, --help

Exit code: 0 when every engine agrees everywhere, 1 on any divergence or failed check, 2 on a
usage error. Progress goes to stderr when it is a terminal.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    junit: { type: 'string' },
    fixtures: { type: 'string' },
    corpus: { type: 'string' },
    'no-corpus': { type: 'boolean', default: false },
    fuzz: { type: 'string' },
    seed: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.corpus !== undefined && values['no-corpus']) throw new UsageError('--corpus and --no-corpus exclude each other');
  const root = process.cwd();
  const out = (line: string) => process.stdout.write(line + '\n');
  const progress = process.stderr.isTTY
    ? (phase: string, done: number, total: number) => {
        if (done === total || done % 10 === 0) process.stderr.write(`\rkpc test: ${phase} ${done}/${total}${done === total ? '\n' : ''}`);
      }
    : undefined;

  if (values.fuzz !== undefined) {
    const count = positiveInteger(values.fuzz, '--fuzz');
    const seed = values.seed === undefined ? DEFAULT_FUZZ_SEED : integer(values.seed, '--seed');
    const { fuzzJunitXml, printFuzzSummary, runFuzz } = await import('../harness/index.ts');
    const result = await runFuzz({ root, count, seed, ...(progress ? { onProgress: progress } : {}) });
    if (values.junit) writeFileSync(resolve(values.junit), fuzzJunitXml(result));
    if (values.json) out(JSON.stringify(result.report, jsonReplacer, 2));
    else printFuzzSummary(result, out);
    return result.report.failed === 0 ? 0 : 1;
  }
  if (values.seed !== undefined) throw new UsageError('--seed needs --fuzz');

  const options = {
    root,
    ...(values.fixtures ? { fixturesDir: resolve(values.fixtures) } : {}),
    ...(values['no-corpus'] ? { corpusDir: null } : values.corpus ? { corpusDir: resolve(values.corpus) } : {}),
  };
  const worker = availableParallelism() > 1 ? startWorker({ mode: 'harness', ...runSettings(options) }) : undefined;
  let harness: typeof import('../harness/index.ts');
  try {
    harness = await import('../harness/index.ts');
  } catch (error) {
    void worker?.terminate(); // runHarness owns it only once called
    throw error;
  }
  const { buildReport, junitXml, printSummary, runHarness } = harness;
  const result = await runHarness({ ...options, ...(worker ? { worker } : {}), ...(progress ? { onProgress: progress } : {}) });
  const report = buildReport(result);
  if (values.junit) writeFileSync(resolve(values.junit), junitXml(report, result));
  if (values.json) out(JSON.stringify(report, jsonReplacer, 2));
  else printSummary(report, out);
  return report.failed === 0 ? 0 : 1;
}

function integer(text: string, option: string): number {
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${option} must be an integer, got "${text}"`);
  return Number(text);
}

function positiveInteger(text: string, option: string): number {
  const n = integer(text, option);
  if (n < 1) throw new UsageError(`${option} must be at least 1`);
  return n;
}
