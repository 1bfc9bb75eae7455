// PSA evaluator throughput over the upstream fixture corpus (../shared/conformance/psa).
import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Bench } from './types.ts';
import { collectFiles } from '../../src/util/files.ts';
import { readYamlObjects } from '../../src/util/yaml.ts';
import { evaluatePod, runPsaConformance } from '../../src/engines/psa/index.ts';

const ROUNDS = 5;

export const bench: Bench = async () => {
  const dir = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(import.meta.dirname, '../../../shared/conformance'), 'psa');
  if (!existsSync(dir)) {
    process.stderr.write(`bench psa: ${dir} is absent; skipped\n`);
    return [];
  }
  const cases = collectFiles([dir], { extensions: ['.yaml'] }).map((file) => {
    const [level, version] = relative(dir, file).split(sep) as [string, string];
    return { level, version, pod: readYamlObjects(file)[0]!.value };
  });

  // Decode + defaulting + every active check, on pods already parsed.
  for (const c of cases) evaluatePod(c.level, c.version, c.pod); // warm-up
  let start = performance.now();
  for (let round = 0; round < ROUNDS; round++) for (const c of cases) evaluatePod(c.level, c.version, c.pod);
  const evaluateSeconds = (performance.now() - start) / 1000;

  // The whole `kpc psa conformance` run: read, parse, evaluate, compare.
  start = performance.now();
  const report = runPsaConformance(dir);
  const endToEndSeconds = (performance.now() - start) / 1000;

  return [
    { name: 'PSA: pods/s evaluated (decode + checks) over the upstream corpus', value: (cases.length * ROUNDS) / evaluateSeconds, unit: 'pods/s', detail: `${cases.length} pods × ${ROUNDS} rounds` },
    { name: 'PSA: pods/s for a full conformance run (read + parse + evaluate)', value: report.total / endToEndSeconds, unit: 'pods/s', detail: `${report.total} files, ${report.failed} failed` },
  ];
};
