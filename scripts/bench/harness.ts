// The equivalence harness (`kpc test`): the full run with the PSA corpus (every engine: reference,
// kyverno, kyverno-vpol, gatekeeper-rego, gatekeeper-cel, vap, psa), and a differential fuzz run
// (KPC_BENCH_FUZZ objects, default 10000; the figure is for 100000). Wall time depends on
// what else the machine runs; the CPU time (both threads) is the steadier figure.
import { resolve } from 'node:path';
import type { Bench } from './types.ts';
import { buildReport } from '../../src/harness/report.ts';
import { runHarness } from '../../src/harness/run.ts';
import { DEFAULT_FUZZ_SEED, runFuzz } from '../../src/harness/fuzz/run.ts';

/** CPU seconds (user + system, every thread of the process) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export const bench: Bench = async () => {
  const root = resolve(import.meta.dirname, '../..');
  const fuzzCount = Number(process.env.KPC_BENCH_FUZZ ?? 10_000);

  let start = performance.now();
  let cpu = process.cpuUsage();
  const result = await runHarness({ root });
  const fullSeconds = (performance.now() - start) / 1000;
  const fullCpu = cpuSeconds(cpu);
  const report = buildReport(result);

  start = performance.now();
  cpu = process.cpuUsage();
  const fuzz = await runFuzz({ root, count: fuzzCount, seed: DEFAULT_FUZZ_SEED });
  const fuzzSeconds = (performance.now() - start) / 1000;
  const fuzzCpu = cpuSeconds(cpu);

  const corpus = result.corpus.present ? `, corpus ${result.corpus.versions} versions × ${result.corpus.pods} pods` : ', no corpus';
  const engines = `${report.engines.length} engines`;
  return [
    { name: 'kpc test: wall time of the full run', value: fullSeconds * 1000, unit: 'ms', detail: `${report.fixtures.length} fixtures, ${report.exemptionProbes} exemption probes${corpus}; ${engines}; ${report.divergenceCount} divergences; target < 10 s` },
    { name: 'kpc test: CPU time of the full run', value: fullCpu * 1000, unit: 'ms', detail: `${result.threads} threads` },
    { name: 'kpc test: verdicts/s in the full run', value: report.verdictsEvaluated / fullSeconds, unit: 'verdicts/s', detail: `${report.verdictsEvaluated} verdicts; corpus: ${result.cache.misses} engine calls, ${result.cache.hits} verdicts from the cache` },
    { name: 'kpc test --fuzz: wall time', value: fuzzSeconds * 1000, unit: 'ms', detail: `${fuzz.report.runs} objects, seed ${fuzz.report.seed}; ${engines}; CPU ${fuzzCpu.toFixed(1)} s` },
    { name: 'kpc test --fuzz: verdicts/s', value: fuzz.report.verdictsEvaluated / fuzzSeconds, unit: 'verdicts/s', detail: `${fuzz.report.verdictsEvaluated} verdicts` },
    { name: 'kpc test --fuzz: objects/s', value: fuzz.report.runs / fuzzSeconds, unit: 'objects/s', detail: 'each judged by every control in every engine' },
  ];
};
