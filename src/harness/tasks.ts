import { resolve } from 'node:path';
import type { BuildModel } from '../build/model.ts';
import { KpcError } from '../util/errors.ts';
import type { RunSettings } from './defaults.ts';
import type { CompiledBuild } from './artifacts.ts';
import { BuildCache, type MutateFiles } from './builds.ts';
import type { Tally } from './compare.ts';
import { runCorpusVersion, type ConjunctionMismatch } from './corpus.ts';
import { exemptionProbes, type ProbeCase, type ProbeGap } from './exemption-probes.ts';
import { expectationProblem } from './expectations.ts';
import { loadControlFixtures, loadPsaCorpusVersion, psaCorpusFolders, type CorpusLevel, type FixtureProblem, type ParsedPods, type PodFixture } from './fixtures.ts';
import { namespacePlan, type NamespacePlan } from './namespaces.ts';
import { evaluateCase, type VerdictCache } from './replay.ts';
import type { ReplayCase } from './types.ts';
import { admittedVariant } from './variants.ts';

/**
 * The work of a `kpc test` run, split into tasks any thread can run from the same options: one
 * task per fixture (every namespace of the plan, every variant), one for the exemption probes, one
 * per level and version of the PSA corpus. A thread prepares the same context from the same
 * options, so only task ids and counts travel between threads.
 */

export type { RunSettings } from './defaults.ts';

export type Task = { readonly kind: 'fixture'; readonly index: number } | { readonly kind: 'probes' } | { readonly kind: 'corpus'; readonly level: CorpusLevel; readonly version: string };

export interface RunContext {
  readonly builds: BuildCache;
  readonly model: BuildModel;
  /** The pinned build, restricted to the selected controls. */
  readonly pinned: CompiledBuild;
  readonly withFixtures: boolean;
  readonly fixtures: readonly PodFixture[];
  readonly fixtureProblems: readonly FixtureProblem[];
  readonly expectationProblems: readonly FixtureProblem[];
  readonly plan: readonly NamespacePlan[];
  readonly probes: readonly ProbeCase[];
  readonly probeGaps: readonly ProbeGap[];
  readonly corpusDir: string | null;
  /** Corpus files parsed by this thread, by text (most repeat from one version to the next). */
  readonly corpusFiles: ParsedPods;
  readonly tasks: readonly Task[];
}

export interface CorpusOutcome {
  readonly level: CorpusLevel;
  readonly versions: readonly string[];
  readonly pods: number;
  readonly conjunctions: number;
  readonly mismatches: readonly ConjunctionMismatch[];
  readonly problems: readonly FixtureProblem[];
}

export async function prepareRun(settings: RunSettings, mutate?: MutateFiles): Promise<RunContext> {
  const builds = new BuildCache(settings.root, mutate);
  const built = await builds.get();
  const { model } = built;
  for (const id of settings.controls ?? []) {
    if (!model.controls.some((c) => c.id === id)) throw new KpcError(`unknown control "${id}"`, { field: 'controls' });
  }
  const selected = (id: string) => settings.controls === undefined || settings.controls.includes(id);
  const pinned = { ...built.compiled, controls: built.compiled.controls.filter((a) => selected(a.control.id)) };

  // Project fixtures, their declarations, and a fixture folder for every control.
  const withFixtures = settings.fixturesDir !== null;
  const loaded = withFixtures ? loadControlFixtures(settings.fixturesDir ?? resolve(settings.root, 'test/fixtures/controls')) : { fixtures: [], problems: [] };
  const fixtureProblems: FixtureProblem[] = [...loaded.problems];
  const known = new Set(model.controls.map((c) => c.id));
  for (const control of new Set(loaded.fixtures.map((f) => f.control!))) {
    if (!known.has(control)) fixtureProblems.push({ id: `controls/${control}`, detail: `no control "${control}" at ${model.pssVersion}` });
  }
  for (const control of model.controls.filter((c) => withFixtures && selected(c.id))) {
    for (const expect of ['pass', 'fail'] as const) {
      if (!loaded.fixtures.some((f) => f.control === control.id && f.expect === expect)) {
        fixtureProblems.push({ id: `controls/${control.id}`, detail: `no ${expect}-*.yaml fixture for control ${control.id}` });
      }
    }
  }
  const fixtures = loaded.fixtures.filter((f) => known.has(f.control!) && selected(f.control!));
  const expectationProblems: FixtureProblem[] = [];
  for (const fixture of fixtures) {
    const problem = expectationProblem(fixture, model);
    if (problem) expectationProblems.push({ id: fixture.id, detail: problem });
  }

  const plan = namespacePlan(model);
  const probes = exemptionProbes(model, fixtures, plan);
  // The corpus conjunctions need every control.
  const corpusDir = settings.controls !== undefined ? null : settings.corpusDir;
  const corpus = corpusDir ? psaCorpusFolders(corpusDir, ['restricted', 'baseline']) : { folders: [], problems: [] };
  fixtureProblems.push(...corpus.problems);
  const tasks: Task[] = [
    ...corpus.folders.map(({ level, version }): Task => ({ kind: 'corpus', level, version })),
    ...(probes.cases.length > 0 ? [{ kind: 'probes' } as const] : []),
    ...fixtures.map((_, index): Task => ({ kind: 'fixture', index })),
  ];
  return { builds, model, pinned, withFixtures, fixtures, fixtureProblems, expectationProblems, plan, probes: probes.cases, probeGaps: probes.gaps, corpusDir, corpusFiles: new Map(), tasks };
}

/** Run one task, counting into the tally; corpus tasks also return their conjunction results. */
export async function runTask(context: RunContext, task: Task, tally: Tally, cache: VerdictCache): Promise<CorpusOutcome | undefined> {
  const judge = (replay: ReplayCase) => {
    for (const { artifacts, verdicts } of evaluateCase(context.pinned, replay).controls) {
      tally.record(replay, artifacts, context.pinned, verdicts, { countCoverage: true });
    }
  };
  switch (task.kind) {
    case 'fixture': {
      const fixture = context.fixtures[task.index]!;
      const origin = { fixture: fixture.id, file: fixture.file, line: fixture.line };
      for (const { namespace, variants } of context.plan) {
        for (const kind of variants) judge({ origin, variant: kind, namespace, ...admittedVariant(fixture.pod, kind, namespace.name) });
      }
      return undefined;
    }
    case 'probes':
      // Exemption probes: fixtures turned into the objects the config exempts.
      for (const probe of context.probes) {
        const origin = { fixture: probe.id, file: probe.fixture.file, line: probe.fixture.line };
        judge({ origin, variant: probe.kind, namespace: probe.namespace, ...admittedVariant(probe.pod, probe.kind, probe.namespace.name) });
      }
      return undefined;
    case 'corpus': {
      // The corpus at one level and version, against the build for that version.
      const { corpus, problems } = loadPsaCorpusVersion(context.corpusDir!, task.level, task.version, context.corpusFiles);
      const { compiled } = await context.builds.get(task.version);
      const result = runCorpusVersion(corpus, compiled, tally, cache, { countCoverage: false });
      return { level: task.level, versions: [task.version], pods: corpus.fixtures.length, conjunctions: result.conjunctions, mismatches: result.mismatches, problems };
    }
  }
}
