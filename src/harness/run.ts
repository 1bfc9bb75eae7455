import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { defaultCorpusDir, runSettings } from './defaults.ts';
import { isLoadFailure, type CompiledBuild } from './artifacts.ts';
import { type MutateFiles } from './builds.ts';
import { Tally, type Divergence } from './compare.ts';
import type { ConjunctionMismatch } from './corpus.ts';
import type { FixtureProblem } from './fixtures.ts';
import type { ProbeGap } from './exemption-probes.ts';
import { checkNonVacuity, type ControlCoverage, type VacuityProblem } from './nonvacuity.ts';
import { VerdictCache } from './replay.ts';
import { prepareRun, runTask, type CorpusOutcome, type RunContext, type Task } from './tasks.ts';
import { VARIANT_KINDS } from './types.ts';
import { CLAIMED_BY_HELPER, CLAIMED_HERE, startWorker, UNCLAIMED, type FromWorker, type ToWorker } from './worker-pool.ts';

/**
 * `kpc test`: build the controls in memory, replay every fixture (as a Pod and as every pod
 * controller, in the namespaces of the plan) through every engine, probe the exemptions, replay the
 * PSA corpus at every version, and check non-vacuity. The tasks run on this thread and, when the
 * machine has a second core, on a worker thread too (each claims tasks from its end of one list). The
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
  /**
   * A worker already started with `startWorker({ mode: 'harness', ...runSettings(options) })`, so
   * its startup overlaps the caller's loading of the harness (kpc test does this); the run owns it.
   */
  readonly worker?: Worker;
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

export { defaultCorpusDir };

export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const settings = runSettings(options);
  const tally = new Tally();
  const cache = new VerdictCache();
  const corpusOutcomes: CorpusOutcome[] = [];
  let total = 0;
  let done = 0;
  const finished = (outcome: CorpusOutcome | undefined) => {
    if (outcome) corpusOutcomes.push(outcome);
    progress('tasks', ++done, total);
  };

  // The helper starts first: its startup (loading the modules, preparing the same run) overlaps this thread's.
  const parallel = options.parallel ?? (options.mutate === undefined && availableParallelism() > 1);
  if (!parallel) void options.worker?.terminate();
  const helper = parallel ? startHelper(options.worker ?? startWorker({ mode: 'harness', ...settings }), tally, () => progress('tasks', ++done, total)) : undefined;
  let context: RunContext;
  try {
    context = await prepareRun(settings, options.mutate);
  } catch (error) {
    helper?.cancel();
    throw error;
  }
  const tasks = context.tasks;
  total = tasks.length;
  // Both threads prepare the same task list; each task is claimed by exactly one of them, this
  // thread from the back (fixtures), the helper from the front (the corpus), without waiting on
  // each other.
  const claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, tasks.length)));
  helper?.open(tasks, claims);
  const runHere = async (index: number) => finished(await runTask(context, tasks[index]!, tally, cache));
  for (let index = tasks.length - 1; index >= 0 && Atomics.compareExchange(claims, index, UNCLAIMED, CLAIMED_HERE) === UNCLAIMED; index--) {
    await runHere(index);
    // the helper's progress messages come in only when this thread yields
    if (options.onProgress && helper) await new Promise((resolveTurn) => setImmediate(resolveTurn));
  }
  const helped = helper ? await helper.finished(runHere) : { cache: { hits: 0, misses: 0 }, corpus: [] };
  corpusOutcomes.push(...helped.corpus);
  const helperCache = helped.cache;

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
  /** The run is prepared: the helper may claim tasks (if its own task list is the same). */
  open(tasks: readonly Task[], claims: Int32Array): void;
  /** Stop the worker (the run failed before it began). */
  cancel(): void;
  /** Whether the worker ran at least one task. */
  used(): boolean;
  /**
   * Wait for the worker's tally (merged into the main tally) and corpus outcomes. If the worker
   * failed, everything it counted is lost with it: the tasks it claimed are run here with `runHere`.
   */
  finished(runHere: (index: number) => Promise<void>): Promise<{ cache: { hits: number; misses: number }; corpus: CorpusOutcome[] }>;
}

/** A worker thread claiming tasks from the front of the task list; if it fails, this thread runs them. */
function startHelper(worker: Worker, tally: Tally, onDone: () => void): Helper {
  const corpus: CorpusOutcome[] = [];
  let ran = 0;
  let claims: Int32Array | undefined;
  let failed = false;
  let settle: (stats: { hits: number; misses: number } | undefined) => void = () => {};
  const result = new Promise<{ hits: number; misses: number } | undefined>((resolveResult) => (settle = resolveResult));
  const fail = () => {
    if (failed) return;
    failed = true;
    void worker.terminate();
    settle(undefined);
  };
  worker.on('message', (message: FromWorker) => {
    if (failed) return;
    if (message.type === 'done') {
      ran++;
      if (message.corpus) corpus.push(message.corpus);
      onDone();
    } else if (message.type === 'result') {
      tally.merge(message.tally);
      settle(message.cache);
    } else if (message.type !== 'ready') fail();
  });
  worker.on('error', fail);
  worker.on('exit', () => fail());
  return {
    open(tasks, shared) {
      claims = shared;
      if (!failed) worker.postMessage({ type: 'open', tasks: JSON.stringify(tasks), claims: shared.buffer as SharedArrayBuffer } satisfies ToWorker);
    },
    cancel: fail,
    used: () => ran > 0 && !failed,
    async finished(runHere) {
      const stats = await result;
      if (stats) return { cache: stats, corpus };
      // The worker's counts died with it: every task it claimed is run here.
      for (let index = 0; claims && index < claims.length; index++) {
        if (Atomics.load(claims, index) === CLAIMED_BY_HELPER) await runHere(index);
      }
      return { cache: { hits: 0, misses: 0 }, corpus: [] };
    },
  };
}

export type { Divergence };
export { BuildCache } from './builds.ts';
