import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isLoadFailure, type CompiledBuild } from './artifacts.ts';
import { type MutateFiles } from './builds.ts';
import { Tally, type Divergence } from './compare.ts';
import type { ConjunctionMismatch } from './corpus.ts';
import type { FixtureProblem } from './fixtures.ts';
import type { ProbeGap } from './exemption-probes.ts';
import { checkNonVacuity, type ControlCoverage, type VacuityProblem } from './nonvacuity.ts';
import { VerdictCache } from './replay.ts';
import { prepareRun, runTask, type CorpusOutcome, type RunSettings, type Task } from './tasks.ts';
import { VARIANT_KINDS } from './types.ts';
import { startWorker, type FromWorker, type ToWorker } from './worker-pool.ts';

/**
 * `kpc test`: build the controls in memory, replay every fixture (as a Pod and as every pod
 * controller, in the namespaces of the plan) through every engine, probe the exemptions, replay the
 * PSA corpus at every version, and check non-vacuity. The tasks run on this thread and, when the
 * machine has a second core, on a worker thread too (work taken from both ends of one queue). The
 * result is plain data; report.ts prints it.
 */

export interface HarnessOptions {
  /** Project root (holds policies/). */
  readonly root: string;
  /** Project fixtures; default `<root>/test/fixtures/controls`; null skips them (and non-vacuity). */
  readonly fixturesDir?: string | null;
  /** The PSA corpus; default `../shared/conformance/psa` when present; null skips it. */
  readonly corpusDir?: string | null;
  /** Alters the generated files of each in-memory build before the engines load them (tests; runs on one thread). */
  readonly mutate?: MutateFiles;
  /** Use a worker thread as well (default: when there is a second core and no mutate hook). */
  readonly parallel?: boolean;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  /** Only these controls: their fixtures, verdicts and non-vacuity (the corpus needs every control: pass corpusDir null). */
  readonly controls?: readonly string[];
}

export interface FixtureSummary {
  readonly id: string;
  readonly control: string | null;
  readonly expect: 'pass' | 'fail';
}

export interface HarnessResult {
  readonly pssVersion: string;
  readonly fixtures: readonly FixtureSummary[];
  readonly fixtureProblems: readonly FixtureProblem[];
  readonly expectationProblems: readonly FixtureProblem[];
  readonly tally: Tally;
  readonly coverage: readonly ControlCoverage[];
  readonly vacuity: readonly VacuityProblem[];
  readonly vacuityChecks: number;
  /** Exemption probes run, and exemptions no probe could be made for (reported as skips). */
  readonly probes: { readonly cases: number; readonly gaps: readonly ProbeGap[] };
  readonly corpus: { readonly present: boolean; readonly dir: string | null; readonly versions: number; readonly folders: readonly string[]; readonly pods: number; readonly conjunctions: number; readonly mismatches: readonly ConjunctionMismatch[] };
  readonly build: CompiledBuild;
  readonly loadErrors: readonly { readonly control: string; readonly engine: string; readonly error: string }[];
  readonly variants: readonly string[];
  readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly variants: readonly string[] }[];
  readonly cache: { readonly hits: number; readonly misses: number };
  /** Threads that ran tasks. */
  readonly threads: number;
  readonly seconds: number;
}

export function defaultCorpusDir(root: string): string | null {
  const dir = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance'), 'psa');
  return existsSync(dir) ? dir : null;
}

export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const settings: RunSettings = {
    root: options.root,
    ...(options.fixturesDir !== undefined ? { fixturesDir: options.fixturesDir } : {}),
    corpusDir: options.corpusDir === undefined ? defaultCorpusDir(options.root) : options.corpusDir,
    ...(options.controls ? { controls: options.controls } : {}),
  };
  const context = await prepareRun(settings, options.mutate);
  const tally = new Tally();
  const cache = new VerdictCache();
  const queue: Task[] = [...context.tasks];
  const corpusOutcomes: CorpusOutcome[] = [];
  const total = queue.length;
  let done = 0;
  const finished = (outcome: CorpusOutcome | undefined) => {
    if (outcome) corpusOutcomes.push(outcome);
    progress('tasks', ++done, total);
  };

  const parallel = options.parallel ?? (options.mutate === undefined && availableParallelism() > 1 && queue.length > 1);
  const helper = parallel ? startHelper(settings, queue, tally, finished) : undefined;
  // This thread takes tasks from the back (fixtures), the helper from the front (the corpus).
  while (queue.length > 0) {
    const task = queue.pop()!;
    finished(await runTask(context, task, tally, cache));
    await new Promise((resolveTurn) => setImmediate(resolveTurn)); // let the helper's messages in
  }
  const helperCache = helper ? await helper.finished(async (task) => finished(await runTask(context, task, tally, cache))) : { hits: 0, misses: 0 };

  // Non-vacuity over the fixture cases.
  const vacuity = context.withFixtures ? checkNonVacuity(context.pinned.controls, tally) : { coverage: [], problems: [], checks: 0 };
  const engineOf = { kyverno: 'kyverno', vpol: 'kyverno-vpol', rego: 'gatekeeper-rego', cel: 'gatekeeper-cel', vap: 'vap' } as const;
  const loadErrors = context.pinned.controls.flatMap((a) =>
    (Object.keys(engineOf) as (keyof typeof engineOf)[]).flatMap((key) => {
      const artifact = a[key];
      return isLoadFailure(artifact) ? [{ control: a.control.id, engine: engineOf[key], error: artifact.error }] : [];
    }),
  );
  // Threads finish in any order: sort what they found.
  tally.divergences.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mismatches = corpusOutcomes.flatMap((o) => o.mismatches).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    pssVersion: context.model.pssVersion,
    fixtures: context.fixtures.map((f) => ({ id: f.id, control: f.control ?? null, expect: f.expect })),
    fixtureProblems: [...context.fixtureProblems, ...corpusOutcomes.flatMap((o) => o.problems)],
    expectationProblems: context.expectationProblems,
    tally,
    coverage: vacuity.coverage,
    vacuity: vacuity.problems,
    vacuityChecks: vacuity.checks,
    probes: { cases: context.probes.length, gaps: context.probeGaps },
    corpus: {
      present: context.corpusDir !== null,
      dir: context.corpusDir,
      versions: new Set(corpusOutcomes.flatMap((o) => o.versions)).size,
      folders: corpusOutcomes.flatMap((o) => o.versions.map((v) => `${o.level}/${v}`)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      pods: corpusOutcomes.reduce((n, o) => n + o.pods, 0),
      conjunctions: corpusOutcomes.reduce((n, o) => n + o.conjunctions, 0),
      mismatches,
    },
    build: context.pinned,
    loadErrors,
    variants: [...VARIANT_KINDS],
    namespaces: context.plan.map((p) => ({ name: p.namespace.name, labels: p.namespace.labels, variants: p.variants })),
    cache: { hits: cache.hits + helperCache.hits, misses: cache.misses + helperCache.misses },
    threads: helper?.used() ? 2 : 1,
    seconds: (performance.now() - started) / 1000,
  };
}

interface Helper {
  /** Whether the worker ran at least one task. */
  used(): boolean;
  /**
   * Wait for the worker's last task and its tally (merged into the main tally). If the worker
   * failed, the task it held is run here with `runHere`.
   */
  finished(runHere: (task: Task) => Promise<void>): Promise<{ hits: number; misses: number }>;
}

/** A worker thread taking tasks from the front of the queue; on any failure, its task goes back to the queue. */
function startHelper(settings: RunSettings, queue: Task[], tally: Tally, finished: (outcome: CorpusOutcome | undefined) => void): Helper {
  const worker = startWorker({ mode: 'harness', ...settings });
  let held: Task | undefined;
  let ran = 0;
  let failed = false;
  let settle: (stats: { hits: number; misses: number } | undefined) => void = () => {};
  const result = new Promise<{ hits: number; misses: number } | undefined>((resolveResult) => (settle = resolveResult));
  const fail = () => {
    if (failed) return;
    failed = true;
    if (held) queue.push(held); // taken back by this thread
    held = undefined;
    void worker.terminate();
    settle(undefined);
  };
  const next = () => {
    held = queue.shift();
    worker.postMessage((held ? { type: 'task', task: held } : { type: 'finish' }) satisfies ToWorker);
  };
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'ready') next();
    else if (message.type === 'done') {
      ran++;
      held = undefined;
      finished(message.corpus);
      next();
    } else if (message.type === 'result') {
      tally.merge(message.tally);
      settle(message.cache);
    } else fail();
  });
  worker.on('error', fail);
  worker.on('exit', () => fail());
  return {
    used: () => ran > 0,
    async finished(runHere) {
      if (!failed && held === undefined && queue.length === 0 && ran === 0) {
        // Not ready yet and nothing left to do: no need to wait for its startup.
        failed = true;
        void worker.terminate();
        return { hits: 0, misses: 0 };
      }
      const stats = await result;
      for (let task = queue.pop(); task; task = queue.pop()) await runHere(task);
      return stats ?? { hits: 0, misses: 0 };
    },
  };
}

export type { Divergence };
export { BuildCache } from './builds.ts';
