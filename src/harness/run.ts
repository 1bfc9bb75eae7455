import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPolicies, type LoadedPolicies } from '../build/1-load.ts';
import { resolveModel } from '../build/2-resolve.ts';
import { emit, type OutputFiles } from '../build/3-emit.ts';
import type { BuildModel } from '../build/model.ts';
import { ArtifactCache, isLoadFailure, type CompiledBuild } from './artifacts.ts';
import { Tally, type Divergence } from './compare.ts';
import { runCorpusVersion, type ConjunctionMismatch } from './corpus.ts';
import { expectationProblem } from './expectations.ts';
import { loadControlFixtures, loadPsaCorpus, type FixtureProblem } from './fixtures.ts';
import { namespacePlan } from './namespaces.ts';
import { exemptionProbes, type ProbeGap } from './exemption-probes.ts';
import { checkNonVacuity, type ControlCoverage, type VacuityProblem } from './nonvacuity.ts';
import { evaluateCase, VerdictCache } from './replay.ts';
import { VARIANT_KINDS, type ReplayCase } from './types.ts';
import { KpcError } from '../util/errors.ts';
import { admittedVariant } from './variants.ts';

/**
 * `kpc test`: build the controls in memory, replay every fixture (as a Pod and as every pod
 * controller, in a namespace at every level) through every engine, replay the PSA corpus at every
 * version, and check non-vacuity. The result is plain data; report.ts prints it.
 */

export interface HarnessOptions {
  /** Project root (holds policies/). */
  readonly root: string;
  /** Project fixtures; default `<root>/test/fixtures/controls`; null skips them (and non-vacuity). */
  readonly fixturesDir?: string | null;
  /** The PSA corpus; default `../shared/conformance/psa` when present; null skips it. */
  readonly corpusDir?: string | null;
  /** Alters the generated files of each in-memory build before the engines load them (tests). */
  readonly mutate?: (files: Map<string, string>, pssVersion: string) => void;
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
  readonly corpus: { readonly present: boolean; readonly dir: string | null; readonly versions: number; readonly pods: number; readonly conjunctions: number; readonly mismatches: readonly ConjunctionMismatch[] };
  readonly build: CompiledBuild;
  readonly loadErrors: readonly { readonly control: string; readonly engine: string; readonly error: string }[];
  readonly variants: readonly string[];
  readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly variants: readonly string[] }[];
  readonly cache: { readonly hits: number; readonly misses: number };
  readonly seconds: number;
}

export function defaultCorpusDir(root: string): string | null {
  const dir = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance'), 'psa');
  return existsSync(dir) ? dir : null;
}

/**
 * Builds for any PSS version, as `build()` composes them (1-load once, then 2-resolve and 3-emit per
 * version), with the mutate hook applied and the artifacts loaded into the engines. Emitting is a
 * pure function of the resolved controls: versions whose controls resolve identically share one
 * emit (their artifacts differ only in the header comment naming the version).
 */
export class BuildCache {
  readonly #root: string;
  readonly #mutate: HarnessOptions['mutate'];
  readonly #artifacts = new ArtifactCache();
  #loaded: Promise<LoadedPolicies> | undefined;
  readonly #emitted = new Map<string, { files: OutputFiles; compiled: CompiledBuild }>();

  constructor(root: string, mutate?: HarnessOptions['mutate']) {
    this.#root = root;
    this.#mutate = mutate;
  }

  /** The build at a version (undefined: the project's pin). */
  async get(pssVersion?: string): Promise<{ model: BuildModel; files: OutputFiles; compiled: CompiledBuild }> {
    this.#loaded ??= loadPolicies(resolve(this.#root, 'policies'), { typecheck: false });
    const model = resolveModel(await this.#loaded, { projectRoot: this.#root, ...(pssVersion ? { pssVersion } : {}) });
    const key = JSON.stringify(model.controls);
    let entry = this.#emitted.get(key);
    if (!entry) {
      const files = emit(model);
      if (this.#mutate) this.#mutate(files, model.pssVersion);
      entry = { files, compiled: this.#artifacts.compile(model, files) };
      this.#emitted.set(key, entry);
    }
    return { model, files: entry.files, compiled: { ...entry.compiled, pssVersion: model.pssVersion } };
  }
}

export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const builds = new BuildCache(options.root, options.mutate);
  const built = await builds.get();
  const { model } = built;
  for (const id of options.controls ?? []) {
    if (!model.controls.some((c) => c.id === id)) throw new KpcError(`unknown control "${id}"`, { field: 'controls' });
  }
  const selected = (id: string) => options.controls === undefined || options.controls.includes(id);
  const pinned = { ...built, compiled: { ...built.compiled, controls: built.compiled.controls.filter((a) => selected(a.control.id)) } };
  const tally = new Tally();
  const cache = new VerdictCache();

  // 1. Project fixtures, their declarations, and a fixture folder for every control.
  const withFixtures = options.fixturesDir !== null;
  const loaded = withFixtures ? loadControlFixtures(options.fixturesDir ?? resolve(options.root, 'test/fixtures/controls')) : { fixtures: [], problems: [] };
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

  // 2. Every fixture as every pod controller in every namespace of the plan, at the pinned version:
  //    these cases also judge non-vacuity.
  const plan = namespacePlan(model);
  let done = 0;
  for (const fixture of fixtures) {
    for (const { namespace, variants } of plan) {
      for (const kind of variants) {
        const replay: ReplayCase = { origin: { fixture: fixture.id, file: fixture.file, line: fixture.line }, variant: kind, namespace, ...admittedVariant(fixture.pod, kind, namespace.name) };
        for (const { artifacts, verdicts } of evaluateCase(pinned.compiled, replay, cache).controls) {
          tally.record(replay, artifacts, pinned.compiled, verdicts, { countCoverage: true });
        }
      }
    }
    progress('fixtures', ++done, fixtures.length);
  }

  // Exemption probes: fixtures turned into the objects the config exempts.
  const probes = exemptionProbes(model, fixtures, plan);
  for (const probe of probes.cases) {
    const replay: ReplayCase = {
      origin: { fixture: probe.id, file: probe.fixture.file, line: probe.fixture.line },
      variant: probe.kind,
      namespace: probe.namespace,
      ...admittedVariant(probe.pod, probe.kind, probe.namespace.name),
    };
    for (const { artifacts, verdicts } of evaluateCase(pinned.compiled, replay, cache).controls) {
      tally.record(replay, artifacts, pinned.compiled, verdicts, { countCoverage: true });
    }
  }

  // 3. The PSA corpus.
  const corpusDir = options.controls !== undefined ? null : options.corpusDir === undefined ? defaultCorpusDir(options.root) : options.corpusDir;
  const corpus = corpusDir ? loadPsaCorpus(corpusDir) : { versions: [], problems: [] };
  fixtureProblems.push(...corpus.problems);

  // The corpus at every version, each against the build for that version.
  const mismatches: ConjunctionMismatch[] = [];
  let conjunctions = 0;
  done = 0;
  for (const version of corpus.versions) {
    const { compiled } = await builds.get(version.version);
    const result = runCorpusVersion(version, compiled, tally, cache, { countCoverage: false });
    conjunctions += result.conjunctions;
    mismatches.push(...result.mismatches);
    progress('corpus', ++done, corpus.versions.length);
  }

  // 4. Non-vacuity over the fixture cases.
  const vacuity = withFixtures ? checkNonVacuity(pinned.compiled.controls, tally) : { coverage: [], problems: [], checks: 0 };

  const loadErrors = pinned.compiled.controls.flatMap((a) =>
    (['kyverno', 'rego', 'cel'] as const).flatMap((engine) => {
      const artifact = a[engine];
      return isLoadFailure(artifact) ? [{ control: a.control.id, engine: engine === 'kyverno' ? 'kyverno' : `gatekeeper-${engine}`, error: artifact.error }] : [];
    }),
  );

  return {
    pssVersion: model.pssVersion,
    fixtures: fixtures.map((f) => ({ id: f.id, control: f.control ?? null, expect: f.expect })),
    fixtureProblems,
    expectationProblems,
    tally,
    coverage: vacuity.coverage,
    vacuity: vacuity.problems,
    vacuityChecks: vacuity.checks,
    probes: { cases: probes.cases.length, gaps: probes.gaps },
    corpus: {
      present: corpusDir !== null,
      dir: corpusDir,
      versions: new Set(corpus.versions.map((v) => v.version)).size,
      pods: corpus.versions.reduce((n, v) => n + v.fixtures.length, 0),
      conjunctions,
      mismatches,
    },
    build: pinned.compiled,
    loadErrors,
    variants: [...VARIANT_KINDS],
    namespaces: plan.map((p) => ({ name: p.namespace.name, labels: p.namespace.labels, variants: p.variants })),
    cache: { hits: cache.hits, misses: cache.misses },
    seconds: (performance.now() - started) / 1000,
  };
}

export type { Divergence };
