import type { CompiledBuild, ControlArtifacts } from './artifacts.ts';
import type { ControlVerdicts } from './evaluate.ts';
import { EXPECTED_DIFFERENCES } from './expected-differences.ts';
import { KNOWN_BUGS, type KnownBug } from './known-bugs.ts';
import { exemptionFor } from './policy-reference.ts';
import { ENGINES, type EngineName, type EngineVerdict, type Outcome, type ReplayCase } from './types.ts';

/**
 * Comparing every engine with the reference, and the tallies the report is made of: the
 * controls × engines matrix, the rules each engine was seen failing (non-vacuity), divergences.
 */

export interface Divergence {
  /** `<fixture>#<variant>@<namespace>:<control>` */
  readonly id: string;
  readonly fixture: string;
  readonly file: string;
  readonly line: number;
  readonly variant: string;
  readonly namespace: string;
  readonly pssVersion: string;
  readonly control: string;
  /** The engines whose verdict differs from the reference (beyond the expected differences). */
  readonly engines: readonly EngineName[];
  readonly verdicts: Partial<Record<EngineName, EngineVerdict>>;
  /** Diverging engines a known compiler/engine bug explains: engine → `<kind> bug <id>: <description>`. */
  readonly knownBugs?: Partial<Record<EngineName, string>>;
  /** Set when a known bug explains every diverging engine. */
  readonly knownBug?: string;
}

export interface Counts {
  pass: number;
  fail: number;
  'not-applied': number;
  error: number;
  /** Verdicts that differ from the reference as an expected difference explains. */
  expected: number;
}

const emptyCounts = (): Counts => ({ pass: 0, fail: 0, 'not-applied': 0, error: 0, expected: 0 });

/**
 * How an engine treated objects an exemption covers (the reference left the control out): not
 * applied (honoured), held to the control as the build's lossy note says (lossy), or otherwise
 * (a divergence, or an expected difference of another kind).
 */
export interface ExemptionCounts {
  honoured: number;
  lossy: number;
  other: number;
}

/** Same verdict as the reference: outcome, and for a failure the admission effect and the failing rules. */
export function agrees(reference: EngineVerdict, actual: EngineVerdict): boolean {
  if (reference.outcome !== actual.outcome) return false;
  if (reference.outcome !== 'fail') return true;
  if (reference.action !== actual.action) return false;
  if (reference.failedRules && actual.failedRules) {
    // reference.failedRules are in the control's rule order: the first is where such an engine stops
    if (actual.firstFailureOnly) return actual.failedRules.length === 1 && actual.failedRules[0] === reference.failedRules[0];
    return sameSet(reference.failedRules, actual.failedRules);
  }
  return true;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/**
 * The engines whose verdict differs from the reference, beyond the expected differences; `onVerdict`
 * sees each engine's verdict with the matrix bucket it counts in.
 */
export function divergingEngines(
  replay: ReplayCase,
  artifacts: ControlArtifacts,
  build: CompiledBuild,
  verdicts: ControlVerdicts,
  onVerdict?: (engine: EngineName, verdict: EngineVerdict, counted: keyof Counts, expected: string | undefined) => void,
): EngineName[] {
  const reference = verdicts.reference!;
  const diverging: EngineName[] = [];
  for (const engine of ENGINES) {
    const actual = verdicts[engine];
    if (!actual) continue;
    let counted: keyof Counts = actual.outcome;
    let expected: string | undefined;
    if (engine !== 'reference' && !agrees(reference, actual)) {
      const explained = EXPECTED_DIFFERENCES.find((d) => d.engines.includes(engine) && d.explains({ engine, replay, artifacts, build, reference, actual }));
      if (explained) {
        counted = 'expected';
        expected = explained.id;
      } else {
        diverging.push(engine);
      }
    }
    onVerdict?.(engine, actual, counted, expected);
  }
  return diverging;
}

export interface TallyData {
  readonly matrix: Map<string, Map<EngineName, Counts>>;
  readonly coverage: Map<string, Map<EngineName, Counts>>;
  readonly ruleFailures: Map<string, Map<EngineName, Map<string, number>>>;
  readonly divergences: Divergence[];
  readonly expectedUsed: Map<string, number>;
  readonly knownBugsSeen: Map<string, number>;
  readonly exemptions: Map<number, Map<EngineName, ExemptionCounts>>;
  readonly comparisons: number;
  readonly agreements: number;
  readonly verdicts: number;
}

export class Tally {
  /** control → engine → outcome counts */
  readonly matrix = new Map<string, Map<EngineName, Counts>>();
  /** control → engine → rule name (as the engine names it) → failures seen; only counted when `countRules`. */
  readonly ruleFailures = new Map<string, Map<EngineName, Map<string, number>>>();
  /** control → engine → outcome counts, restricted to the cases non-vacuity is judged on. */
  readonly coverage = new Map<string, Map<EngineName, Counts>>();
  readonly divergences: Divergence[] = [];
  /** Expected difference id → times it explained a verdict. */
  readonly expectedUsed = new Map<string, number>();
  /** Known bug id → divergences traced to it. */
  readonly knownBugsSeen = new Map<string, number>();
  /** Exemption index (in the config) → engine → how it treated the objects the exemption covers. */
  readonly exemptions = new Map<number, Map<EngineName, ExemptionCounts>>();
  comparisons = 0;
  agreements = 0;
  /** Engine verdicts recorded (reference included), cached or not. */
  verdicts = 0;

  /** Compare one control's verdicts on one case; returns the divergence, if any. */
  record(replay: ReplayCase, artifacts: ControlArtifacts, build: CompiledBuild, verdicts: ControlVerdicts, options: { countCoverage: boolean }): Divergence | undefined {
    const control = artifacts.control.id;
    const shown = exemptionShown(replay, artifacts, build, verdicts);
    const diverging = divergingEngines(replay, artifacts, build, verdicts, (engine, actual, counted, expected) => {
      this.verdicts++;
      const exemption = engine === 'reference' ? undefined : engine === 'psa' ? (shown ?? psaNamespaceExemption(replay, artifacts, verdicts)) : shown;
      if (exemption !== undefined) {
        const honoured = counted !== 'expected' && agrees(verdicts.reference!, actual);
        this.#countExemption(exemption, engine, honoured ? 'honoured' : expected === 'lossy-exemption' ? 'lossy' : 'other');
      }
      if (expected) this.expectedUsed.set(expected, (this.expectedUsed.get(expected) ?? 0) + 1);
      bump(this.matrix, control, engine, counted);
      if (options.countCoverage) {
        bump(this.coverage, control, engine, actual.outcome);
        this.#countRules(control, engine, actual);
      }
    });
    this.comparisons++;
    if (diverging.length === 0) {
      this.agreements++;
      return undefined;
    }
    const divergence = makeDivergence(replay, control, diverging, verdicts, build);
    for (const id of new Set(Object.values(knownBugsFor(replay, control, diverging, verdicts, build)).map((b) => b.id))) {
      this.knownBugsSeen.set(id, (this.knownBugsSeen.get(id) ?? 0) + 1);
    }
    this.divergences.push(divergence);
    return divergence;
  }

  /** Everything counted, as plain data a worker thread can post (Maps clone). */
  data(): TallyData {
    return {
      matrix: this.matrix,
      coverage: this.coverage,
      ruleFailures: this.ruleFailures,
      divergences: this.divergences,
      expectedUsed: this.expectedUsed,
      knownBugsSeen: this.knownBugsSeen,
      exemptions: this.exemptions,
      comparisons: this.comparisons,
      agreements: this.agreements,
      verdicts: this.verdicts,
    };
  }

  /** Add another tally's counts (from a worker thread). */
  merge(other: TallyData): void {
    for (const [target, source] of [[this.matrix, other.matrix], [this.coverage, other.coverage]] as const) {
      for (const [control, byEngine] of source) {
        for (const [engine, counts] of byEngine) {
          const mine = countsOf(target, control, engine);
          for (const key of Object.keys(counts) as (keyof Counts)[]) mine[key] += counts[key];
        }
      }
    }
    for (const [control, byEngine] of other.ruleFailures) {
      for (const [engine, byRule] of byEngine) {
        let mine = this.ruleFailures.get(control);
        if (!mine) this.ruleFailures.set(control, (mine = new Map()));
        let rules = mine.get(engine);
        if (!rules) mine.set(engine, (rules = new Map()));
        for (const [rule, n] of byRule) rules.set(rule, (rules.get(rule) ?? 0) + n);
      }
    }
    this.divergences.push(...other.divergences);
    for (const [id, n] of other.expectedUsed) this.expectedUsed.set(id, (this.expectedUsed.get(id) ?? 0) + n);
    for (const [id, n] of other.knownBugsSeen) this.knownBugsSeen.set(id, (this.knownBugsSeen.get(id) ?? 0) + n);
    for (const [index, byEngine] of other.exemptions) {
      for (const [engine, counts] of byEngine) for (const key of ['honoured', 'lossy', 'other'] as const) this.#countExemption(index, engine, key, counts[key]);
    }
    this.comparisons += other.comparisons;
    this.agreements += other.agreements;
    this.verdicts += other.verdicts;
  }

  #countExemption(index: number, engine: EngineName, key: keyof ExemptionCounts, n = 1): void {
    let byEngine = this.exemptions.get(index);
    if (!byEngine) this.exemptions.set(index, (byEngine = new Map()));
    let counts = byEngine.get(engine);
    if (!counts) byEngine.set(engine, (counts = { honoured: 0, lossy: 0, other: 0 }));
    counts[key] += n;
  }

  #countRules(control: string, engine: EngineName, verdict: EngineVerdict): void {
    let byEngine = this.ruleFailures.get(control);
    if (!byEngine) this.ruleFailures.set(control, (byEngine = new Map()));
    let byRule = byEngine.get(engine);
    if (!byRule) byEngine.set(engine, (byRule = new Map()));
    // Kyverno: count its own rule names (autogen rules included), so each generated rule must fire.
    const names = engine === 'kyverno' ? (verdict.ruleResponses ?? []).filter((r) => r.status === 'fail').map((r) => r.name) : (verdict.failedRules ?? []);
    for (const name of names) byRule.set(name, (byRule.get(name) ?? 0) + 1);
    if (engine === 'kyverno') for (const r of verdict.ruleResponses ?? []) if (!byRule.has(r.name)) byRule.set(r.name, 0);
  }
}

/**
 * The exemption (index in the config) whose effect the reference verdict shows: one that took the
 * object out of the control, or, on an exemption probe, an image exemption that made the control
 * pass (images are exempted inside the check).
 */
function exemptionShown(replay: ReplayCase, artifacts: ControlArtifacts, build: CompiledBuild, verdicts: ControlVerdicts): number | undefined {
  const reference = verdicts.reference!;
  if (reference.exemption !== undefined) return reference.exemption;
  if (reference.outcome !== 'pass' || !replay.origin.fixture.startsWith('exemptions[')) return undefined;
  const probe = /^exemptions\[(\d+)\]\//.exec(replay.origin.fixture);
  if (!probe) return undefined;
  const exemption = build.model.exemptions.find((e) => e.index === Number(probe[1]));
  return exemption?.target.kind === 'images' && exemption.controls.includes(artifacts.control.id) ? exemption.index : undefined;
}

/**
 * A namespace exemption where the control does not apply at all (e.g. a privileged namespace)
 * still matters to PSA, whose warn/audit levels may judge it: PSA honours it when its admission
 * configuration exempts the namespace.
 */
function psaNamespaceExemption(replay: ReplayCase, artifacts: ControlArtifacts, verdicts: ControlVerdicts): number | undefined {
  const psa = verdicts.psa;
  if (!psa || psa.outcome !== 'not-applied' || !psa.message.startsWith('exempt')) return undefined;
  const exemption = exemptionFor(artifacts.control, replay.object, replay.namespace);
  return exemption?.target.kind === 'namespaces' ? exemption.index : undefined;
}

export function makeDivergence(replay: ReplayCase, control: string, engines: readonly EngineName[], verdicts: ControlVerdicts, build: CompiledBuild): Divergence {
  const bugs = knownBugsFor(replay, control, engines, verdicts, build);
  const describe = (bug: KnownBug) => `${bug.kind} bug ${bug.id}: ${bug.description}`;
  const explained = Object.fromEntries(Object.entries(bugs).map(([engine, bug]) => [engine, describe(bug)]));
  const all = engines.every((e) => bugs[e]) ? bugs[engines[0]!] : undefined;
  return {
    id: `${replay.origin.fixture}#${replay.variant}@${replay.namespace.name}:${control}`,
    fixture: replay.origin.fixture,
    file: replay.origin.file,
    line: replay.origin.line,
    variant: replay.variant,
    namespace: replay.namespace.name,
    pssVersion: build.pssVersion,
    control,
    engines,
    verdicts,
    ...(Object.keys(explained).length > 0 ? { knownBugs: explained } : {}),
    ...(all ? { knownBug: describe(all) } : {}),
  };
}

function countsOf(map: Map<string, Map<EngineName, Counts>>, control: string, engine: EngineName): Counts {
  let byEngine = map.get(control);
  if (!byEngine) map.set(control, (byEngine = new Map()));
  let counts = byEngine.get(engine);
  if (!counts) byEngine.set(engine, (counts = emptyCounts()));
  return counts;
}

function bump(map: Map<string, Map<EngineName, Counts>>, control: string, engine: EngineName, key: keyof Counts | Outcome): void {
  countsOf(map, control, engine)[key]++;
}

/** The known bug explaining each diverging engine, for those a known bug explains. */
export function knownBugsFor(
  replay: ReplayCase,
  control: string,
  engines: readonly EngineName[],
  verdicts: ControlVerdicts,
  build: CompiledBuild,
  bugs: readonly KnownBug[] = KNOWN_BUGS,
): Partial<Record<EngineName, KnownBug>> {
  const reference = verdicts.reference!;
  const out: Partial<Record<EngineName, KnownBug>> = {};
  for (const engine of engines) {
    const bug = bugs.find((b) => b.matches({ control, engine, reference, actual: verdicts[engine]!, replay, build }));
    if (bug) out[engine] = bug;
  }
  return out;
}

/** The diverging engines no known bug explains. */
export function unexplainedEngines(divergence: Divergence): EngineName[] {
  return divergence.engines.filter((e) => !divergence.knownBugs?.[e]);
}
