// `kpc psa conformance` on a tree with good and bad cases: bad files are failed cases with a clear
// reason, the run never crashes, the JSON shape follows the command contract.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkOfFixture, runPsaConformance } from '../../../src/engines/psa/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kpc-psa-tree-'));
const put = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const podYaml = (name: string, spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const container = '  containers:\n  - name: c\n    image: x\n';

put('baseline/v1.37/pass/base.yaml', podYaml('base', container));
put('baseline/v1.37/fail/hostnamespaces0.yaml', podYaml('h', `  hostPID: true\n${container}`));
put('baseline/v1.37/fail/privileged0.yaml', podYaml('wrong-reason', `  hostPID: true\n${container}`));
put('baseline/v1.37/fail/sysctls0.yaml', podYaml('allowed', container));
put('baseline/v1.37/pass/broken.yaml', 'apiVersion: v1\nkind: Pod\nspec: [unclosed\n');
put('baseline/v1.37/pass/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n');
put('baseline/v1.37/pass/two.yaml', `${podYaml('a', container)}---\n${podYaml('b', container)}`);
put('baseline/v1.37/pass/badtype.yaml', podYaml('t', '  hostPID: "yes please"\n' + container));
put('strict/v1.37/pass/base.yaml', podYaml('base', container));
put('baseline/v1.025/pass/base.yaml', podYaml('base', container));
put('baseline/v1.37/maybe/base.yaml', podYaml('base', container));
put('baseline/v1.37/fail/mystery0.yaml', podYaml('m', `  hostPID: true\n${container}`));
put('stray.yaml', podYaml('stray', container));
put('README.md', 'not a case');

test('fixture names map to check ids', () => {
  assert.is(checkOfFixture('runasnonroot0.yaml'), 'runAsNonRoot');
  assert.is(checkOfFixture('seccompprofile_baseline12.yaml'), 'seccompProfile_baseline');
  assert.is(checkOfFixture('procmount_restricted1.yaml'), 'procMount_restricted');
  assert.is(checkOfFixture('base.yaml'), undefined);
});

test('good cases pass, each bad file is a failed case with its reason', () => {
  const report = runPsaConformance(root);
  assert.is(report.total, 13);
  assert.is(report.passed, 2);
  assert.is(report.failed, 11);
  assert.is((report['upstream'] as { commit: string }).commit, '8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8');
  const detail = (id: string) => report.failures.find((f) => f.id === id);
  assert.match(detail('baseline/v1.37/fail/privileged0.yaml')!.detail, /forbidden for another reason: the message lacks "privileged"/);
  assert.is(detail('baseline/v1.37/fail/privileged0.yaml')!.actual, 'forbidden: host namespaces (hostPID=true)');
  assert.is(detail('baseline/v1.37/fail/sysctls0.yaml')!.actual, 'allowed');
  assert.match(detail('baseline/v1.37/pass/broken.yaml')!.detail, /broken\.yaml:\d+:\d+: malformed YAML/);
  assert.match(detail('baseline/v1.37/pass/service.yaml')!.detail, /not a Pod/);
  assert.match(detail('baseline/v1.37/pass/two.yaml')!.detail, /expected exactly one Pod document/);
  assert.match(detail('baseline/v1.37/pass/badtype.yaml')!.detail, /spec\.hostPID: expected a boolean/);
  assert.match(detail('strict/v1.37/pass/base.yaml')!.detail, /unknown level folder "strict"/);
  assert.match(detail('baseline/v1.025/pass/base.yaml')!.detail, /unknown version folder "v1.025"/);
  assert.match(detail('baseline/v1.37/maybe/base.yaml')!.detail, /unknown expectation folder "maybe"/);
  assert.match(detail('baseline/v1.37/fail/mystery0.yaml')!.detail, /names no PSA check/);
  assert.match(detail('stray.yaml')!.detail, /not laid out as <level>\/<version>\/<pass\|fail>\/<file>/);
});

test('the CLI prints the contract JSON and exits 1 when a case failed, 2 on usage errors', () => {
  const kpc = resolve(import.meta.dirname, '../../../bin/kpc.mjs');
  const run = spawnSync(process.execPath, [kpc, 'psa', 'conformance', root, '--json'], { encoding: 'utf8' });
  assert.is(run.status, 1);
  const report = JSON.parse(run.stdout) as { total: number; passed: number; failed: number; skipped: number; failures: unknown[]; skips: unknown[] };
  assert.equal([report.total, report.passed, report.failed, report.skipped, report.skips.length], [13, 2, 11, 0, 0]);
  const text = spawnSync(process.execPath, [kpc, 'psa', 'conformance', join(root, 'baseline/v1.37/pass/base.yaml')], { encoding: 'utf8' });
  assert.is(text.status, 1, 'a single file is outside the layout');
  const good = mkdtempSync(join(tmpdir(), 'kpc-psa-good-'));
  mkdirSync(join(good, 'restricted/latest/fail'), { recursive: true });
  writeFileSync(join(good, 'restricted/latest/fail/runasnonroot0.yaml'), podYaml('r', container));
  const ok = spawnSync(process.execPath, [kpc, 'psa', 'conformance', good], { encoding: 'utf8' });
  assert.is(ok.status, 0);
  assert.match(ok.stdout, /1 passed, 0 failed\n$/);
  assert.is(spawnSync(process.execPath, [kpc, 'psa', 'conform', good], { encoding: 'utf8' }).status, 2);
  assert.is(spawnSync(process.execPath, [kpc, 'psa', 'conformance'], { encoding: 'utf8' }).status, 2);
  const missing = spawnSync(process.execPath, [kpc, 'psa', 'conformance', join(good, 'nope')], { encoding: 'utf8' });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /no such file or directory/);
});

test.run();
