// The equivalence harness (`kpc test`): the full run with the PSA corpus, and a differential fuzz
// run (KPC_BENCH_FUZZ objects, default 10000; the figure is for 100000).
import { resolve } from 'node:path';
import type { Bench } from './types.ts';
import { buildReport } from '../../src/harness/report.ts';
import { runHarness } from '../../src/harness/run.ts';
import { DEFAULT_FUZZ_SEED, runFuzz } from '../../src/harness/fuzz/run.ts';

export const bench: Bench = async () => {
  const root = resolve(import.meta.dirname, '../..');
  const fuzzCount = Number(process.env.KPC_BENCH_FUZZ ?? 10_000);

  let start = performance.now();
  const result = await runHarness({ root });
  const fullSeconds = (performance.now() - start) / 1000;
  const report = buildReport(result);

  start = performance.now();
  const fuzz = await runFuzz({ root, count: fuzzCount, seed: DEFAULT_FUZZ_SEED });
  const fuzzSeconds = (performance.now() - start) / 1000;

  const corpus = result.corpus.present ? `, corpus ${result.corpus.versions} versions × ${result.corpus.pods} pods` : ', no corpus';
  return [
    { name: 'kpc test: wall time of the full run', value: fullSeconds * 1000, unit: 'ms', detail: `${report.fixtures.length} fixtures${corpus}; ${report.divergenceCount} divergences` },
    { name: 'kpc test: verdicts/s in the full run', value: report.verdictsEvaluated / fullSeconds, unit: 'verdicts/s', detail: `${report.verdictsEvaluated} verdicts; corpus: ${result.cache.misses} engine calls, ${result.cache.hits} verdicts from the cache; ${result.threads} threads` },
    { name: 'kpc test --fuzz: wall time', value: fuzzSeconds * 1000, unit: 'ms', detail: `${fuzz.report.runs} objects, seed ${fuzz.report.seed}` },
    { name: 'kpc test --fuzz: verdicts/s', value: fuzz.report.verdictsEvaluated / fuzzSeconds, unit: 'verdicts/s', detail: `${fuzz.report.verdictsEvaluated} verdicts` },
    { name: 'kpc test --fuzz: objects/s', value: fuzz.report.runs / fuzzSeconds, unit: 'objects/s', detail: 'each judged by every control in every engine' },
  ];
};
