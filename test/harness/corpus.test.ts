// The upstream PSA corpus at every version: for each pod, every control built for that version,
// in every engine, agrees with the reference, and the conjunction equals the folder's verdict.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { unexplainedEngines } from '../../src/harness/compare.ts';
import { runHarness } from '../../src/harness/run.ts';
import { conformancePath } from '../skip.ts';

const corpus = conformancePath('psa');
const test = suite('kpc test over the PSA corpus');
const root = resolve(import.meta.dirname, '../..');

if (corpus) {
  test('38 versions, every pod: conjunctions equal the folder verdicts in every engine, no divergence', async () => {
    const result = await runHarness({ root, fixturesDir: null, corpusDir: corpus });
    assert.is(result.corpus.versions, 38);
    assert.is(result.corpus.pods, 4537);
    assert.is(result.corpus.conjunctions, 4537 * 7, 'reference, kyverno, kyverno-vpol, gatekeeper-rego, gatekeeper-cel, vap, psa');
    assert.equal(result.corpus.mismatches.slice(0, 10), []);
    assert.equal(result.fixtureProblems, []);
    assert.equal(result.tally.divergences.filter((d) => unexplainedEngines(d).length > 0).slice(0, 10).map((d) => d.id), []);
    assert.ok(result.cache.hits > result.cache.misses, 'repeated pods and artifacts are evaluated once');
  });
}

test.run();
