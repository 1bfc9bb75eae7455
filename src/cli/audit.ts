import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NamespaceLevel } from '../controls/config.ts';
import { ENGINES, type EngineName } from '../harness/types.ts';
import { JsonSink } from '../audit/formats/json.ts';
import { JunitSink } from '../audit/formats/junit.ts';
import { SarifSink } from '../audit/formats/sarif.ts';
import { TableSink } from '../audit/formats/table.ts';
import { Output } from '../audit/output.ts';
import { runAudit, type AuditSink, type AuditSummary } from '../audit/run.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './main.ts';

export const help = `Usage: kpc audit <dir|file|->… [--format table|json|sarif|junit] [--level LEVEL]
                 [--engines E,…] [--namespace NS] [--root DIR] [--stats]

Which workloads of a manifests tree each control and engine would reject. Reads every .yaml, .yml
and .json file under the paths (multi-document YAML, JSON, List objects), or standard input for
"-" (e.g. \`helm template … | kpc audit -\`, \`kustomize build … | kpc audit -\`). Every object with a
pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
ReplicationController) is judged by every control of the project, in every engine, as it would be
admitted into its namespace: the project's generated Kyverno policies, Gatekeeper templates (Rego
and CEL) and PSA labels, read back by kpc's embedded evaluators, and the reference meaning of the
controls. Objects of other kinds are ignored and counted; documents that cannot be read are
reported (file:line:col) and the run goes on.

The level of an object is its namespace's level in the project config (policies/config.ts). A
namespace the config does not manage gets no labels, as in the cluster: no control applies to its
objects (level "unmanaged", null in JSON) unless --level gives it one.

Options:
  --format F       table (default): the failing workloads and the totals;
                   json: {"workloads": [{file, line, kind, namespace, name, level,
                     results: [{control, pssCheck, engine, verdict, message}]}],
                     "errors": [{file, line, message}], "summary": {…}}
                     (verdict: pass, fail, skip or error; results list the controls that apply);
                   sarif: SARIF 2.1.0 for code scanning (one result per failing workload × control);
                   junit: JUnit XML for CI (a testsuite per file, a testcase per workload × control)
  --level L        level for namespaces the config does not manage: privileged, baseline or
                   restricted (PSA enforce/warn/audit at L and the pinned version, no hardening
                   controls, every control in its default rollout mode); managed namespaces keep
                   their configured level
  --engines E,…    engines to report, comma-separated (default all): ${ENGINES.join(', ')}
  --namespace NS   namespace of objects that name none, as \`kubectl apply -n NS\` (default: default)
  --root DIR       project root holding policies/ (default: the current directory)
  --stats          print run statistics as one JSON line on stderr (workloads, seconds, peak RSS)

A progress line is shown on stderr when it is a terminal.

Exit codes: 0 when no enforced control (rollout mode enforce in the object's namespace) fails or
errs in any engine and every input was read; 1 otherwise; 2 usage error.
`;

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
const LEVELS: readonly NamespaceLevel[] = ['privileged', 'baseline', 'restricted'];

export async function run(args: string[]): Promise<number> {
  const started = performance.now();
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string' },
    level: { type: 'string' },
    engines: { type: 'string' },
    namespace: { type: 'string' },
    root: { type: 'string' },
    stats: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('give at least one directory, file, or - for standard input');
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  if (values.level !== undefined && !(LEVELS as readonly string[]).includes(values.level)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}, not "${values.level}"`);
  let engines: EngineName[] | undefined;
  if (values.engines !== undefined) {
    engines = values.engines.split(',').map((e) => e.trim()).filter(Boolean) as EngineName[];
    const unknown = engines.find((e) => !(ENGINES as readonly string[]).includes(e));
    if (unknown !== undefined || engines.length === 0) throw new UsageError(`--engines takes a comma-separated list of ${ENGINES.join(', ')}${unknown !== undefined ? `, not "${unknown}"` : ''}`);
    engines = ENGINES.filter((e) => engines!.includes(e));
  }
  if (values.namespace === '') throw new UsageError('--namespace must not be empty');
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be read once');

  const out = new Output((text) => process.stdout.write(text));
  const sink: AuditSink =
    format === 'json' ? new JsonSink(out) : format === 'sarif' ? new SarifSink(out, packageVersion()) : format === 'junit' ? new JunitSink(out) : new TableSink(out);
  const progress = process.stderr.isTTY ? progressLine() : undefined;
  let ready = 0;
  const { summary, exitCode, auditor } = await runAudit(
    {
      paths: positionals,
      root: resolve(values.root ?? '.'),
      ...(values.level ? { level: values.level as NamespaceLevel } : {}),
      ...(engines ? { engines } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    },
    {
      // The build is loaded before the first workload: time it apart from the audit itself.
      begin: (a) => ((ready = performance.now()), sink.begin(a)),
      file: (f) => sink.file(f),
      workload: (w) => sink.workload(w),
      error: (e) => sink.error(e),
      end: (s, code) => (progress?.clear(), sink.end(s, code)),
    },
  );
  if (values.stats) {
    const now = performance.now();
    const stats = {
      workloads: summary.workloads,
      files: summary.files,
      startupSeconds: (ready - started) / 1000,
      auditSeconds: (now - ready) / 1000,
      workloadsPerSecond: summary.workloads / Math.max((now - ready) / 1000, 1e-9),
      memo: { hits: auditor.hits, misses: auditor.misses },
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    process.stderr.write(`${JSON.stringify(stats)}\n`);
  }
  return exitCode;
}

function progressLine(): { update: (s: Readonly<AuditSummary>) => void; clear: () => void } {
  let last = 0;
  let shown = false;
  return {
    update(s) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      process.stderr.write(`\r\u001b[2Kkpc audit: ${s.files} files, ${s.workloads} workloads, ${s.workloadsFailing} failing, ${s.errors} errors…`);
    },
    clear() {
      if (shown) process.stderr.write('\r\u001b[2K');
    },
  };
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
