import type { ConformanceReport, CaseFailure } from '../util/report.ts';
import { describeExemption } from '../build/lossy.ts';
import type { Counts, Divergence, ExemptionCounts } from './compare.ts';
import { ENGINE_SEMANTICS, type EngineSemantics } from './engine-semantics.ts';
import { EXPECTED_DIFFERENCES, lossyTarget } from './expected-differences.ts';
import { KNOWN_BUGS } from './known-bugs.ts';
import type { HarnessResult } from './run.ts';
import { ENGINES, type EngineName, type EngineVerdict } from './types.ts';

/**
 * The harness result as the conformance report every `--json` command prints (total, passed,
 * failed, skipped, failures, skips) plus the harness's own fields: fixtures, controls, engines,
 * verdicts (the controls × engines matrix), divergences, expected differences, corpus, timing.
 */

export const NORMALIZATION_NOTE =
  'Every engine and the reference judge the object as the API server admits it: null fields dropped and the defaults that change verdicts applied (src/harness/normalize.ts).';

/** At most this many divergences are listed in full (the counts are always exact). */
export const MAX_LISTED = 200;

export interface HarnessReport extends ConformanceReport {
  pssVersion: string;
  normalization: string;
  engines: EngineName[];
  /** How each engine's answer is read: the effect of a failure, and what "no match" means. */
  engineSemantics: Readonly<Record<string, EngineSemantics>>;
  controls: Record<string, unknown>[];
  fixtures: { id: string; control: string | null; expect: string }[];
  variants: string[];
  namespaces: { name: string; labels: Readonly<Record<string, string>>; variants: readonly string[] }[];
  verdicts: Record<string, Partial<Record<EngineName, Counts>>>;
  divergenceCount: number;
  divergences: Divergence[];
  expectedDifferences: Record<string, unknown>[];
  knownBugs: Record<string, unknown>[];
  corpus: Record<string, unknown>;
  /** Cases generated to exercise the config's exemptions. */
  exemptionProbes: number;
  /** Per exemption of the config, how each engine treated the objects it covers. */
  exemptions: ExemptionReport[];
  comparisons: number;
  seconds: number;
  /** Engine verdicts judged (reference included); engine calls skipped by the verdict cache count too. */
  verdictsEvaluated: number;
  verdictsPerSecond: number;
  cache: { hits: number; misses: number };
  threads: number;
}

/**
 * An exemption's treatment by one engine: honoured (the control left out, as the reference does),
 * lossy (held to the control, as the build's lossy note for that target says), diverged (anything
 * else: listed among the divergences), or not judged (no covered object reached a control this
 * engine judges, e.g. PSA and a hardening control).
 */
export type ExemptionStatus = 'honoured' | 'lossy' | 'honoured and lossy' | 'diverged' | 'not judged';

export interface ExemptionReport {
  index: number;
  name: string;
  description: string;
  reason: string;
  controls: readonly string[];
  engines: Partial<Record<EngineName, { status: ExemptionStatus; honoured: number; lossy: number; other: number; lossyNote?: string }>>;
}

function exemptionReports(result: HarnessResult): ExemptionReport[] {
  const model = result.build.model;
  return model.exemptions.map((exemption) => {
    const engines: ExemptionReport['engines'] = {};
    for (const engine of ENGINES) {
      if (engine === 'reference') continue;
      const counts: ExemptionCounts = result.tally.exemptions.get(exemption.index)?.get(engine) ?? { honoured: 0, lossy: 0, other: 0 };
      const target = lossyTarget(engine);
      const note = model.lossy.find((n) => n.target === target && n.subject === `exemptions[${exemption.index}]`);
      const status: ExemptionStatus =
        counts.other > 0 ? 'diverged' : counts.honoured > 0 && counts.lossy > 0 ? 'honoured and lossy' : counts.lossy > 0 ? 'lossy' : counts.honoured > 0 ? 'honoured' : 'not judged';
      engines[engine] = { status, ...counts, ...(note ? { lossyNote: note.message } : {}) };
    }
    return { index: exemption.index, name: exemption.name, description: describeExemption(exemption), reason: exemption.reason, controls: exemption.controls, engines };
  });
}

export function buildReport(result: HarnessResult): HarnessReport {
  const failures: CaseFailure[] = [];
  for (const p of result.fixtureProblems) failures.push({ id: p.id, expected: 'a usable fixture', actual: 'unusable', detail: p.detail });
  for (const p of result.expectationProblems) failures.push({ id: p.id, expected: 'the declared reference verdict', actual: 'another verdict', detail: p.detail });
  for (const e of result.loadErrors) failures.push({ id: `${e.control}:${e.engine}`, expected: 'the generated artifact loads', actual: 'load error', detail: e.error });
  for (const d of result.tally.divergences) failures.push(divergenceFailure(d));
  for (const m of result.corpus.mismatches) failures.push({ id: m.id, expected: m.expected, actual: m.actual, detail: `conjunction of every control in ${m.engine}: ${m.detail}` });
  for (const v of result.vacuity) failures.push({ id: `non-vacuity:${v.control}:${v.engine}`, expected: 'both verdicts and every rule failing somewhere', actual: 'vacuous', detail: v.detail });
  const staleBugs = KNOWN_BUGS.filter((bug) => !result.tally.knownBugsSeen.has(bug.id));
  for (const bug of staleBugs) failures.push({ id: `known-bug:${bug.id}`, expected: 'the listed bug reproduces', actual: 'no longer seen', detail: 'remove it from src/harness/known-bugs.ts' });

  const skips = result.probes.gaps.map((g) => ({ id: `exemption probe ${g.id}`, reason: g.reason }));
  const total =
    skips.length +
    result.fixtureProblems.length + result.fixtures.filter((f) => f.control !== null).length + result.loadErrors.length +
    result.tally.comparisons + result.corpus.conjunctions + result.vacuityChecks + KNOWN_BUGS.length;
  const failed = failures.length;
  const verdictsEvaluated = result.tally.verdicts;
  const verdicts: HarnessReport['verdicts'] = {};
  for (const [control, byEngine] of result.tally.matrix) verdicts[control] = Object.fromEntries(byEngine);

  return {
    total,
    passed: total - failed - skips.length,
    failed,
    skipped: skips.length,
    failures,
    skips,
    pssVersion: result.pssVersion,
    normalization: NORMALIZATION_NOTE,
    engines: [...ENGINES],
    engineSemantics: ENGINE_SEMANTICS,
    controls: result.build.controls.map((a) => {
      const coverage = result.coverage.find((c) => c.id === a.control.id);
      return {
        id: a.control.id,
        level: a.control.level,
        pssCheck: a.control.pssCheck,
        activeLevels: a.control.activeLevels,
        scope: a.control.scope,
        rules: a.control.rules.map((r) => r.name),
        files: a.files,
        nonVacuous: coverage?.nonVacuous ?? false,
        problems: coverage?.problems ?? [],
      };
    }),
    fixtures: result.fixtures.map((f) => ({ ...f })),
    variants: [...result.variants],
    namespaces: result.namespaces.map((n) => ({ ...n })),
    verdicts,
    divergenceCount: result.tally.divergences.length,
    divergences: result.tally.divergences.slice(0, MAX_LISTED),
    expectedDifferences: EXPECTED_DIFFERENCES.map((d) => ({ id: d.id, engines: d.engines, behaviour: d.behaviour, upstream: d.upstream, occurrences: result.tally.expectedUsed.get(d.id) ?? 0 })),
    knownBugs: KNOWN_BUGS.map((b) => ({ id: b.id, kind: b.kind, description: b.description, occurrences: result.tally.knownBugsSeen.get(b.id) ?? 0 })),
    exemptionProbes: result.probes.cases,
    exemptions: exemptionReports(result),
    corpus: {
      present: result.corpus.present,
      dir: result.corpus.dir,
      versions: result.corpus.versions,
      pods: result.corpus.pods,
      conjunctions: result.corpus.conjunctions,
      mismatches: result.corpus.mismatches.length,
    },
    comparisons: result.tally.comparisons,
    seconds: round(result.seconds),
    verdictsEvaluated,
    verdictsPerSecond: Math.round(verdictsEvaluated / result.seconds),
    cache: { ...result.cache },
    threads: result.threads,
  };
}

export function describeVerdict(verdict: EngineVerdict | undefined): string {
  if (!verdict) return '—';
  let text: string = verdict.outcome;
  if (verdict.outcome === 'fail') {
    text += ` (${verdict.action ?? 'no effect'})`;
    if (verdict.failedRules && verdict.failedRules.length > 0) text += ` [${verdict.failedRules.join(', ')}]`;
  }
  return text;
}

function divergenceFailure(d: Divergence): CaseFailure {
  const lines = ENGINES.filter((e) => d.verdicts[e]).map((e) => `${e.padEnd(16)} ${describeVerdict(d.verdicts[e])}${d.verdicts[e]!.message ? `: ${d.verdicts[e]!.message}` : ''}`);
  for (const [engine, bug] of Object.entries(d.knownBugs ?? {})) lines.push(`${engine}: known ${bug}`);
  const bugs = [...new Set(Object.values(d.knownBugs ?? {}).map((b) => b.slice(0, b.indexOf(':'))))];
  const actual = d.engines.map((e) => `${e}: ${describeVerdict(d.verdicts[e])}`).join('; ');
  return {
    id: d.id,
    expected: `reference: ${describeVerdict(d.verdicts.reference)}`,
    // A divergence a known bug fully explains is marked, so readers (and the summary) can group them.
    actual: d.knownBug ? `[known ${bugs.join(', ')}] ${actual}` : actual,
    detail: `${d.file}:${d.line} at ${d.pssVersion}\n${lines.join('\n')}`,
  };
}

const KNOWN_MARK = /^\[known ([^\]]+)\] /;

/** The readable summary: the matrix, then each divergence and every other failure; last line `N passed, N failed`. */
export function printSummary(report: HarnessReport, out: (line: string) => void): void {
  out(`kpc test: every control × engine on ${report.fixtures.length} fixtures at ${report.pssVersion}, admitted as`);
  for (const ns of report.namespaces) out(`  ${ns.variants.length === report.variants.length ? 'every pod controller' : ns.variants.join(', ')} in ${ns.name}`);
  out(`  ${report.normalization}`);
  out('');
  const header = ['control', ...report.engines];
  const rows = report.controls.map((c) => {
    const id = String(c['id']);
    return [id + (c['nonVacuous'] ? '' : ' (vacuous)'), ...report.engines.map((e) => cell(report.verdicts[id]?.[e]))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out('verdicts: pass/fail/not-applied/error (+ expected differences)');
  out(line(header));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out(line(row));
  out('');
  printExemptions(report, out);
  for (const d of report.expectedDifferences) {
    if ((d['occurrences'] as number) > 0) out(`expected difference ${String(d['id'])} × ${String(d['occurrences'])}: ${String(d['behaviour'])} [${String(d['upstream'])}]`);
  }
  const corpus = report.corpus;
  out(
    corpus['present']
      ? `PSA corpus: ${String(corpus['versions'])} versions, ${String(corpus['pods'])} pods, ${String(corpus['conjunctions'])} conjunctions checked, ${String(corpus['mismatches'])} mismatches`
      : 'PSA corpus: absent (skipped)',
  );
  out(`${report.comparisons} comparisons, ${report.divergenceCount} divergences; ${report.verdictsEvaluated} verdicts in ${report.seconds} s (${report.verdictsPerSecond}/s, ${report.threads} thread${report.threads === 1 ? '' : 's'})`);
  // Divergences a listed bug explains: one line per bug (the cases are in --json).
  const known = new Map<string, string[]>();
  for (const failure of report.failures) {
    const mark = KNOWN_MARK.exec(failure.actual);
    if (mark) known.set(mark[1]!, [...(known.get(mark[1]!) ?? []), failure.id]);
  }
  const unexplained = report.failures.filter((f) => !KNOWN_MARK.test(f.actual));
  if (report.failures.length > 0) out('');
  for (const [bug, ids] of known) {
    const entry = report.knownBugs.find((b) => bug.endsWith(` ${String(b['id'])}`));
    out(`KNOWN ${bug} × ${ids.length}: ${String(entry?.['description'] ?? '')}`);
    out(`  e.g. ${ids.slice(0, 3).join(', ')}`);
  }
  const listed = unexplained.slice(0, MAX_LISTED);
  for (const failure of listed) {
    out(`FAIL ${failure.id}`);
    out(`  expected: ${failure.expected}`);
    out(`  actual:   ${failure.actual}`);
    if (failure.detail) out(`  ${failure.detail.split('\n').join('\n  ')}`);
  }
  if (unexplained.length > listed.length) out(`… and ${unexplained.length - listed.length} more failures (see --json)`);
  out(`${report.passed} passed, ${report.failed} failed`);
}

/** Per exemption: how each engine treated the objects it covers. */
function printExemptions(report: HarnessReport, out: (line: string) => void): void {
  if (report.exemptions.length === 0) return;
  const engines = report.engines.filter((e) => e !== 'reference');
  const header = ['exemption', ...engines];
  const rows = report.exemptions.map((e) => [`exemptions[${e.index}] ${e.name}`, ...engines.map((engine) => e.engines[engine]?.status ?? '—')]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out(`exemptions: honoured, or lossy (held to the control, as kpc build declares) per engine (${report.exemptionProbes} probe cases)`);
  out(line(header));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out(line(row));
  out('');
}

function cell(counts: Counts | undefined): string {
  if (!counts) return '—';
  const base = `${counts.pass}/${counts.fail}/${counts['not-applied']}/${counts.error}`;
  return counts.expected > 0 ? `${base} +${counts.expected}` : base;
}

/** JUnit XML: one suite per section, one test case per control × engine, fixture, corpus folder and non-vacuity check. */
export function junitXml(report: HarnessReport, result: HarnessResult): string {
  const suites: { name: string; cases: { name: string; failure?: string }[] }[] = [];
  const byControlEngine = new Map<string, Divergence[]>();
  for (const d of result.tally.divergences) for (const e of d.engines) push(byControlEngine, `${d.control} / ${e}`, d);
  suites.push({
    name: 'equivalence',
    cases: report.controls.flatMap((c) =>
      report.engines
        .filter((e) => e !== 'reference' && report.verdicts[String(c['id'])]?.[e])
        .map((e) => {
          const name = `${String(c['id'])} / ${e}`;
          const found = byControlEngine.get(name) ?? [];
          return found.length === 0 ? { name } : { name, failure: `${found.length} divergences, e.g.\n${found.slice(0, 5).map((d) => divergenceFailure(d).detail).join('\n\n')}` };
        }),
    ),
  });
  const problems = new Map<string, string>();
  for (const p of [...result.fixtureProblems, ...result.expectationProblems]) problems.set(p.id, p.detail);
  suites.push({
    name: 'fixtures',
    cases: [...result.fixtures.filter((f) => f.control !== null).map((f) => f.id), ...result.fixtureProblems.map((p) => p.id)].map((id) => ({ name: id, ...(problems.has(id) ? { failure: problems.get(id)! } : {}) })),
  });
  // One case per corpus folder and engine: psa/<level>/<version> / <engine>.
  const mismatches = new Map<string, string[]>();
  for (const m of result.corpus.mismatches) push(mismatches, `${m.id.split('/').slice(0, 3).join('/')} / ${m.engine}`, `${m.id}: expected ${m.expected}, got ${m.actual} (${m.detail})`);
  const corpusCases = result.corpus.folders.flatMap((folder) => report.engines.map((engine) => `psa/${folder} / ${engine}`));
  suites.push({ name: 'psa-corpus', cases: corpusCases.map((name) => (mismatches.has(name) ? { name, failure: mismatches.get(name)!.join('\n') } : { name })) });
  suites.push({
    name: 'exemptions',
    cases: report.exemptions.flatMap((e) =>
      Object.entries(e.engines).map(([engine, r]) => ({
        name: `exemptions[${e.index}] ${e.name} / ${engine}`, // a stable name: honoured or lossy both pass (the status is in the summary and JSON)
        ...(r.status === 'diverged' ? { failure: `${r.other} verdicts on covered objects neither honour the exemption nor follow a lossy note (see the divergences)` } : {}),
      })),
    ),
  });
  const vacuous = new Map(result.vacuity.map((v) => [`${v.control} / ${v.engine}`, v.detail]));
  suites.push({
    name: 'non-vacuity',
    cases: report.controls.flatMap((c) => report.engines.filter((e) => e !== 'psa' || c['pssCheck']).map((e) => `${String(c['id'])} / ${e}`)).map((name) => ({ name, ...(vacuous.has(name) ? { failure: vacuous.get(name)! } : {}) })),
  });
  const xml: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const totalCases = suites.reduce((n, s) => n + s.cases.length, 0);
  const totalFailures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failure).length, 0);
  xml.push(`<testsuites name="kpc test" tests="${totalCases}" failures="${totalFailures}" time="${report.seconds}">`);
  for (const suite of suites) {
    xml.push(`  <testsuite name="${escape(suite.name)}" tests="${suite.cases.length}" failures="${suite.cases.filter((c) => c.failure).length}">`);
    for (const c of suite.cases) {
      if (!c.failure) xml.push(`    <testcase classname="kpc.${escape(suite.name)}" name="${escape(c.name)}"/>`);
      else {
        xml.push(`    <testcase classname="kpc.${escape(suite.name)}" name="${escape(c.name)}">`);
        xml.push(`      <failure message="${escape(c.failure.split('\n')[0]!)}">${escape(c.failure)}</failure>`);
        xml.push('    </testcase>');
      }
    }
    xml.push('  </testsuite>');
  }
  xml.push('</testsuites>');
  return xml.join('\n') + '\n';
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function escape(text: string): string {
  // XML 1.0 forbids most control characters even escaped.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
