import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadPolicies } from '../../src/build/1-load.ts';
import { resolveModel } from '../../src/build/2-resolve.ts';
import { evaluatePred } from '../../src/ir/evaluate.ts';
import { evaluateCheck } from '../../src/engines/psa/index.ts';
import { normalizeForAdmission } from '../../src/harness/normalize.ts';
import { readYamlObjects } from '../../src/util/yaml.ts';
import { conformancePath } from '../skip.ts';

// Every PSS control, at every version of the upstream corpus, says exactly what the PSA check it
// mirrors says, on every fixture pod (each control alone, not just the level's conjunction).
const corpus = conformancePath('psa');
const test = suite('IR reference evaluator vs PSA, per check, whole corpus');
const root = resolve(import.meta.dirname, '../..');

if (corpus) {
  test('each PSS control agrees with its PSA check on every corpus pod at every version', async () => {
    const loaded = await loadPolicies(join(root, 'policies'), { typecheck: false });
    const disagreements: string[] = [];
    let comparisons = 0;
    for (const level of ['baseline', 'restricted']) {
      for (const version of readdirSync(join(corpus, level)).sort()) {
        const model = resolveModel(loaded, { projectRoot: root, pssVersion: version });
        const controls = model.controls.filter((c) => c.pssCheck);
        for (const verdict of ['pass', 'fail']) {
          const dir = join(corpus, level, version, verdict);
          for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
            const [doc] = readYamlObjects(join(dir, file));
            const pod = normalizeForAdmission(doc!.value) as { metadata?: unknown; spec?: unknown };
            for (const control of controls) {
              const psa = evaluateCheck(control.pssCheck!, version, pod);
              assert.ok(psa, `${control.pssCheck} exists at ${version}`);
              const ours = control.rules.every((rule) => evaluatePred(rule.check, pod));
              comparisons++;
              if (ours !== psa.allowed) disagreements.push(`${level}/${version}/${verdict}/${file}: ${control.id} ours=${ours} psa=${psa.allowed}`);
            }
          }
        }
      }
    }
    assert.ok(comparisons > 50_000, `compared ${comparisons}`);
    assert.equal(disagreements.slice(0, 20), []);
  });
}

test.run();
