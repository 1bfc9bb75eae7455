// Levels, versions and the check registry (api/helpers.go, policy/registry.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  activeChecks,
  CHECK_IDS,
  CHECKS,
  compareLevels,
  evaluateCheck,
  evaluatePod,
  LATEST_VERSION,
  majorMinor,
  parseLevelLenient,
  parseVersion,
  parseVersionLenient,
  PSA_UPSTREAM,
  validateChecks,
} from '../../../src/engines/psa/index.ts';
import { compareGoStrings, goQuote } from '../../../src/engines/psa/go-format.ts';

const ids = (level: 'baseline' | 'restricted', minor: number) => activeChecks(level, majorMinor(1, minor)).map((c) => c.id);

test('the snapshot: commit recorded, 19 checks, 31 versioned implementations, newest v1.37', () => {
  assert.is(PSA_UPSTREAM.commit, '8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8');
  assert.is(CHECKS.length, 19);
  assert.is(CHECKS.reduce((n, c) => n + c.versions.length, 0), 31);
  assert.is(LATEST_VERSION.text, 'v1.37');
  assert.equal(validateChecks(), []);
  assert.is(CHECKS.filter((c) => c.level === 'baseline').length, 12);
});

test('versions where the policy changes (psa.md §1.1)', () => {
  const minima = new Set(CHECKS.flatMap((c) => c.versions.map((v) => v.minimumVersion.minor)));
  assert.equal([...minima].sort((a, b) => a - b), [0, 8, 19, 22, 23, 25, 27, 29, 31, 32, 34, 35, 37]);
});

test('version parsing follows ParseVersion', () => {
  assert.is(parseVersionLenient('v1.25').error, null);
  assert.is(parseVersionLenient('v1.0').error, null);
  assert.is(parseVersionLenient('latest').version.latest, true);
  for (const bad of ['1.25', 'v1.025', 'v1.25.0', 'v2.0', 'V1.25', 'v1.', '', 'v1.99999999999999999999']) {
    const parsed = parseVersionLenient(bad);
    assert.is(parsed.error, 'must be "latest" or "v1.x"', bad);
    assert.is(parsed.version.latest, true, `${bad} falls back to latest`);
  }
  assert.throws(() => parseVersion('1.25'), /invalid PodSecurity version "1.25"/);
});

test('level parsing is case-sensitive and falls back to restricted', () => {
  assert.equal(parseLevelLenient('Baseline'), { level: 'restricted', error: 'must be one of privileged, baseline, restricted' });
  assert.equal(parseLevelLenient('baseline'), { level: 'baseline', error: null });
  assert.is(compareLevels('restricted', 'baseline'), 1);
  assert.is(compareLevels('privileged', 'baseline'), -1);
  assert.is(compareLevels('baseline', 'baseline'), 0);
  assert.is(compareLevels('baseline', 'restricted'), -1);
});

test('active check sets by level and version (psa.md §1.1 table)', () => {
  const baseline11 = ['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess'];
  assert.equal(ids('baseline', 0), baseline11);
  assert.equal(ids('baseline', 33), baseline11);
  assert.is(ids('baseline', 34).length, 12);
  assert.ok(ids('baseline', 34).includes('hostProbesAndHostLifecycle'));
  const counts: [number, number][] = [[0, 12], [7, 12], [8, 13], [18, 13], [19, 13], [21, 13], [22, 13], [23, 14], [33, 14], [34, 15], [35, 15], [37, 15]];
  for (const [minor, n] of counts) assert.is(ids('restricted', minor).length, n, `restricted v1.${minor}`);
  assert.not.ok(ids('restricted', 0).includes('hostPathVolumes'));
  assert.ok(ids('restricted', 19).includes('seccompProfile_restricted') && !ids('restricted', 19).includes('seccompProfile_baseline'));
  assert.ok(ids('restricted', 18).includes('seccompProfile_baseline'));
  assert.ok(ids('restricted', 22).includes('capabilities_restricted') && !ids('restricted', 22).includes('capabilities_baseline'));
  assert.ok(ids('restricted', 34).includes('procMount') && !ids('restricted', 35).includes('procMount'));
  assert.equal(activeChecks('privileged', LATEST_VERSION), []);
});

test('restricted@v1.37 order: baseline ids sorted, then restricted ids sorted (seLinuxOptions before seccomp)', () => {
  assert.equal(ids('restricted', 37), [
    'appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions', 'sysctls', 'windowsHostProcess',
    'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
  ]);
  assert.is(CHECK_IDS.length, 19);
});

test('latest and newer pins clamp to v1.37; an emulation version lowers the cap', () => {
  const pod = { spec: { containers: [{ name: 'c', image: 'x', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }] } };
  assert.ok(evaluatePod('baseline', 'latest', pod).allowed);
  assert.is(evaluatePod('baseline', 'v1.99', pod).effectiveVersion, 'v1.37');
  const emulated = evaluatePod('baseline', 'latest', pod, { emulationVersion: 'v1.30' });
  assert.not.ok(emulated.allowed);
  assert.is(emulated.effectiveVersion, 'v1.30');
  // An emulation version at or above the newest check version changes nothing; pins below it stay.
  assert.is(evaluatePod('baseline', 'latest', pod, { emulationVersion: 'v1.40' }).effectiveVersion, 'v1.37');
  assert.is(evaluatePod('baseline', 'v1.20', pod, { emulationVersion: 'v1.30' }).effectiveVersion, 'v1.20');
  assert.throws(() => evaluatePod('baseline', 'v1.025', pod), /invalid PodSecurity version/);
  assert.throws(() => evaluatePod('Restricted', 'latest', pod), /invalid PodSecurity level/);
});

test('privileged runs no checks', () => {
  const result = evaluatePod('privileged', 'latest', { spec: { hostPID: true } });
  assert.ok(result.allowed);
  assert.equal(result.results, []);
  assert.is(result.message, '');
});

test('evaluateCheck: one check at a version, null before it exists, overrides ignored', () => {
  const pod = { spec: { containers: [{ name: 'c', image: 'x', securityContext: { runAsUser: 0 } }] } };
  assert.is(evaluateCheck('runAsUser', 'v1.22', pod), null);
  const result = evaluateCheck('runAsUser', 'latest', pod)!;
  assert.is(result.implementation, 'v1.35');
  assert.is(result.forbiddenDetail, 'container "c" must not set runAsUser=0');
  assert.equal(result.containers, [{ kind: 'containers', index: 0, name: 'c', image: 'x' }]);
  assert.equal(result.fieldErrors, [{ type: 'Forbidden', field: 'spec.containers[0].securityContext.runAsUser', badValue: 0 }]);
  // hostPathVolumes is overridden at restricted, but runs on its own.
  assert.not.ok(evaluateCheck('hostPathVolumes', 'latest', { spec: { volumes: [{ name: 'v', hostPath: { path: '/' } }] } })!.allowed);
  assert.throws(() => evaluateCheck('noSuchCheck', 'latest', pod), /unknown PSA check id/);
});

test('Go formatting helpers: %q escaping and byte-wise order', () => {
  assert.is(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.is(goQuote('tab\there\n'), '"tab\\there\\n"');
  assert.is(goQuote('\u0001\u007f'), '"\\x01\\x7f"');
  assert.is(goQuote('é 日本'), '"é 日本"');
  assert.is(goQuote('\u00a0'), '"\\u00a0"');
  // U+FF21 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes) in Go; UTF-16 order says the opposite.
  assert.ok(compareGoStrings('\uff21', '\u{1f600}') < 0);
  assert.ok(compareGoStrings('10000', '9000') < 0);
});

test.run();
