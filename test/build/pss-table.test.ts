import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from '../../src/build/index.ts';
import { LATEST_PSS_VERSION, PSS_CHECK_IDS } from '../../src/controls/pss.ts';
import { activeChecks, CHECK_IDS, LATEST_VERSION, parseVersion } from '../../src/engines/psa/index.ts';
import { REPO } from './temp-project.ts';

// The compiler declares the PSS table (ids, levels, overrides, latest) on its own, independently
// of the PSA engine it is checked against; here the two declarations must agree exactly, at every
// version: which controls exist, and at which levels each is active.
const test = suite('the compiler\'s PSS table agrees with the PSA engine\'s registry');

test('check ids and latest version', () => {
  assert.equal([...PSS_CHECK_IDS].sort(), [...CHECK_IDS].sort());
  assert.is(LATEST_PSS_VERSION, LATEST_VERSION.text);
});

test('at every version: the emitted PSS controls and their active levels are PSA\'s active sets', async () => {
  for (let minor = 0; minor <= 37; minor++) {
    const version = `v1.${minor}`;
    const { model } = await build({ root: REPO, typecheck: false, upstreamTests: false, pssVersion: version });
    for (const level of ['baseline', 'restricted'] as const) {
      const psa = activeChecks(level, parseVersion(version)).map((c) => c.id).sort();
      const ours = model.controls.filter((c) => c.pssCheck && c.activeLevels.includes(level)).map((c) => c.pssCheck!).sort();
      assert.equal(ours, psa, `${level} at ${version}`);
    }
  }
});

test.run();
