// Kyverno: rule evaluations per second over the shared kyverno/policies suites (pod-security,
// pod-security-cel, pod-security-vpol): every test's resources evaluated against every policy of
// its test through the public API, after policies and resources are loaded once. Counted are the
// rule results that are verdicts (pass/fail/skip/error); "no response" rows are not counted.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluate, loadPolicy, type LoadedPolicy } from '../../src/engines/kyverno/index.ts';
import { findTestFiles, loadResourceFiles, loadTestFile, uniqueResources } from '../../src/engines/kyverno/cli-test/load.ts';
import type { JsonObject } from '../../src/engines/jmespath/index.ts';
import { readYamlObjects } from '../../src/util/yaml.ts';
import type { Bench, BenchFigure } from './types.ts';

const root = resolve(import.meta.dirname, '../..');
const suitesDir = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance'), 'kyverno-policies');
const SUITES = (process.env.KPC_BENCH_SUITES ?? 'pod-security,pod-security-cel,pod-security-vpol').split(',');
const SECONDS = 2;

interface Case {
  readonly policy: LoadedPolicy;
  readonly resource: JsonObject;
}

function prepare(suite: string): Case[] {
  const cases: Case[] = [];
  for (const file of findTestFiles([resolve(suitesDir, suite)])) {
    for (const test of loadTestFile(file)) {
      const policies: LoadedPolicy[] = [];
      for (const path of test.policies) {
        const file = resolve(test.dir, path);
        for (const doc of readYamlObjects(file)) {
          try {
            policies.push(loadPolicy({ file, line: doc.line, value: doc.value }));
          } catch {
            // not a policy this evaluator runs (the bench measures the ones it does)
          }
        }
      }
      const resources = uniqueResources(loadResourceFiles(test.dir, test.resources));
      for (const policy of policies) for (const { object } of resources) cases.push({ policy, resource: object });
    }
  }
  return cases;
}

function runOnce(cases: readonly Case[]): number {
  let rules = 0;
  for (const c of cases) {
    for (const r of evaluate(c.policy, { resource: c.resource }).rules) if (r.status !== 'no-response') rules++;
  }
  return rules;
}

export const bench: Bench = async () => {
  if (!existsSync(suitesDir)) {
    process.stderr.write(`bench kyverno: ${suitesDir} is absent; skipped\n`);
    return [];
  }
  const figures: BenchFigure[] = [];
  for (const suite of SUITES) {
    if (!existsSync(resolve(suitesDir, suite))) continue;
    const cases = prepare(suite);
    if (cases.length === 0) continue;
    const perRound = runOnce(cases); // warm-up: compiles queries and CEL programs, fills caches
    let rules = 0;
    let rounds = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(SECONDS * 1e9);
    while (process.hrtime.bigint() < deadline) {
      rules += runOnce(cases);
      rounds++;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    figures.push({
      name: `Kyverno ${suite}: rule evaluations/s`,
      value: rules / seconds,
      unit: 'rules/s',
      detail: `${cases.length} policy × resource pairs, ${perRound} rule verdicts × ${rounds} rounds`,
    });
  }
  return figures;
};
