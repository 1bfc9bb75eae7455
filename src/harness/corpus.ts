import type { CompiledBuild } from './artifacts.ts';
import type { Tally } from './compare.ts';
import type { CorpusVersion } from './fixtures.ts';
import { levelNamespace } from './namespaces.ts';
import { evaluateCase, type VerdictCache } from './replay.ts';
import { ENGINES, type EngineName, type ReplayCase } from './types.ts';
import { admittedVariant } from './variants.ts';

/**
 * The PSA corpus at one level and version: each pod admitted into a namespace at that level and
 * version, judged by every control of the build for that version in every engine. Per control,
 * every engine is compared with the reference (divergences); per engine, the conjunction — the pod
 * passes when no control fails (whatever its rollout mode does with the failure) — must equal the
 * folder's verdict. PSA's conjunction is its own enforce decision over every active check, so a
 * check no control mirrors would show.
 */
export interface ConjunctionMismatch {
  readonly id: string;
  readonly engine: EngineName;
  readonly expected: 'pass' | 'fail';
  readonly actual: 'pass' | 'fail' | 'error';
  readonly detail: string;
}

export function runCorpusVersion(
  corpus: CorpusVersion,
  build: CompiledBuild,
  tally: Tally,
  cache: VerdictCache,
  options: { countCoverage: boolean },
): { conjunctions: number; mismatches: ConjunctionMismatch[] } {
  const namespace = levelNamespace(corpus.level, corpus.version);
  const mismatches: ConjunctionMismatch[] = [];
  let conjunctions = 0;
  for (const fixture of corpus.fixtures) {
    const admitted = admittedVariant(fixture.pod, 'Pod', namespace.name);
    const replay: ReplayCase = { origin: { fixture: fixture.id, file: fixture.file, line: fixture.line }, variant: 'Pod', namespace, ...admitted };
    const result = evaluateCase(build, replay, cache);
    for (const { artifacts, verdicts } of result.controls) tally.record(replay, artifacts, build, verdicts, options);

    for (const engine of ENGINES) {
      conjunctions++;
      let actual: 'pass' | 'fail' | 'error';
      let detail: string;
      if (engine === 'psa') {
        actual = result.psa.error ? 'error' : result.psa.enforceAllowed ? 'pass' : 'fail';
        detail = result.psa.error ?? [...result.psa.checks].filter(([, c]) => !c.allowed && c.action === 'deny').map(([id]) => id).join(', ');
      } else {
        const verdicts = result.controls.map((c) => ({ id: c.artifacts.control.id, verdict: c.verdicts[engine]! }));
        const errors = verdicts.filter((v) => v.verdict.outcome === 'error');
        const failing = verdicts.filter((v) => v.verdict.outcome === 'fail');
        actual = errors.length > 0 ? 'error' : failing.length > 0 ? 'fail' : 'pass';
        detail = errors.length > 0 ? errors.map((v) => `${v.id}: ${v.verdict.message}`).join('; ') : failing.map((v) => v.id).join(', ');
      }
      if (actual !== fixture.expect) {
        mismatches.push({ id: `${fixture.id}:${engine}`, engine, expected: fixture.expect, actual, detail: detail === '' ? 'no control failed' : `failing: ${detail}` });
      }
    }
  }
  return { conjunctions, mismatches };
}
