/**
 * The equivalence harness behind `kpc test`: every generated artifact, read back by each embedded
 * engine, must give the reference evaluator's verdict on every fixture, corpus pod and random pod.
 *
 *   const result = await runHarness({ root });          // fixtures, exemption probes, PSA corpus
 *   const report = buildReport(result);                  // {total, passed, failed, …, verdicts, divergences}
 *   printSummary(report, console.log); junitXml(report, result);
 *   const fuzz = await runFuzz({ root, count: 1000, seed: 1 });
 *
 * Engines: reference, kyverno, kyverno-vpol, gatekeeper-rego, gatekeeper-cel, vap, psa; how each
 * answer is read (failure effect, "no match") is data in engine-semantics.ts. Expected differences
 * (documented upstream behaviour, lossy translations the build declares) are data in
 * expected-differences.ts; divergences traced to compiler or engine bugs in known-bugs.ts. The
 * report lists, per exemption of the config, whether each engine honoured it or (as the build
 * declares) could not express it.
 */
export { runHarness, defaultCorpusDir, type HarnessOptions, type HarnessResult } from './run.ts';
export { buildReport, printSummary, junitXml, type HarnessReport, type ExemptionReport, type ExemptionStatus } from './report.ts';
export { runFuzz, printFuzzSummary, fuzzJunitXml, DEFAULT_FUZZ_SEED, type FuzzOptions, type FuzzReport } from './fuzz/run.ts';
export { EXPECTED_DIFFERENCES, type ExpectedDifference } from './expected-differences.ts';
export { ENGINE_SEMANTICS, type EngineSemantics } from './engine-semantics.ts';
export { KNOWN_BUGS, type KnownBug } from './known-bugs.ts';
export { ENGINES, VARIANT_KINDS, type EngineName, type EngineVerdict, type Outcome, type Action } from './types.ts';
export type { Divergence } from './compare.ts';
export { normalizeForAdmission } from './normalize.ts';
