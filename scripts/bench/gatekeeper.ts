// Gatekeeper: reviews per second per engine over the gatekeeper-library suites in
// ../shared/conformance (each suite case's object reviewed against its constraint, as gator verify
// does, after the template and constraint are loaded once).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { prepareSuiteCases, reviewCaseObject, type GatorEngine } from '../../src/engines/gatekeeper/verify.ts';
import type { Bench, BenchFigure } from './types.ts';

const root = resolve(import.meta.dirname, '../..');
const library = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance'), 'gatekeeper-library/library');
const SECONDS = 2;

export const bench: Bench = async () => {
  if (!existsSync(library)) {
    process.stderr.write(`bench gatekeeper: ${library} is absent; skipped\n`);
    return [];
  }
  const figures: BenchFigure[] = [];
  for (const engine of ['rego', 'cel'] as GatorEngine[]) {
    const cases = prepareSuiteCases([library], engine);
    if (cases.length === 0) continue;
    // Warm-up: one pass (compiles queries, fills caches).
    for (const c of cases) reviewCaseObject(c.client, c.object, c.expansion);
    let reviews = 0;
    let rounds = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(SECONDS * 1e9);
    while (process.hrtime.bigint() < deadline) {
      for (const c of cases) reviewCaseObject(c.client, c.object, c.expansion);
      reviews += cases.length;
      rounds++;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    figures.push({
      name: `Gatekeeper ${engine === 'rego' ? 'Rego' : 'CEL (K8sNativeValidation)'}: reviews/s over the gatekeeper-library suites`,
      value: reviews / seconds,
      unit: 'reviews/s',
      detail: `${cases.length} cases × ${rounds} rounds`,
    });
  }
  return figures;
};
