// The whole harness over the project's fixtures (no corpus): every fixture declares what the
// reference says, every engine agrees with it (divergences only where a listed bug explains them),
// and every control is seen passing and failing in every engine, every rule failing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { unexplainedEngines } from '../../src/harness/compare.ts';
import { EXPECTED_DIFFERENCES } from '../../src/harness/expected-differences.ts';
import { KNOWN_BUGS } from '../../src/harness/known-bugs.ts';
import { buildReport, junitXml } from '../../src/harness/report.ts';
import { BuildCache, runHarness, type HarnessResult } from '../../src/harness/run.ts';
import { isLoadFailure, type CompiledBuild } from '../../src/harness/artifacts.ts';
import { VARIANT_KINDS } from '../../src/harness/types.ts';

const root = resolve(import.meta.dirname, '../..');
const test = suite('kpc test over the project fixtures');
let result: HarnessResult;

test.before(async () => {
  result = await runHarness({ root, corpusDir: null });
});

test('fixtures load, one pass and one fail per control at least, each as declared by the reference', () => {
  assert.equal(result.fixtureProblems, []);
  assert.equal(result.expectationProblems, []);
  for (const artifacts of result.build.controls) {
    const own = result.fixtures.filter((f) => f.control === artifacts.control.id);
    assert.ok(own.some((f) => f.expect === 'pass') && own.some((f) => f.expect === 'fail'), artifacts.control.id);
  }
});

test('every artifact loads in its engine', () => {
  assert.equal(result.loadErrors, []);
});

test('no divergence beyond the listed bugs, and every listed bug still reproduces', () => {
  const unexplained = result.tally.divergences.filter((d) => unexplainedEngines(d).length > 0).map((d) => `${d.id} ${d.engines.join(',')}`);
  assert.equal(unexplained.slice(0, 10), []);
  for (const bug of KNOWN_BUGS) assert.ok(result.tally.knownBugsSeen.has(bug.id), `${bug.id} is still seen`);
});

test('every control is non-vacuous in every engine', () => {
  assert.equal(result.vacuity, []);
  assert.ok(result.coverage.length === result.build.controls.length && result.coverage.every((c) => c.nonVacuous));
});

test('each fixture is replayed as every pod controller, and the exemption probes run', () => {
  assert.ok(result.namespaces.some((n) => n.variants.length === VARIANT_KINDS.length && n.labels['kube-policy-compiler/level'] === 'baseline'));
  assert.ok(result.namespaces.some((n) => n.name === 'kpc-unmanaged'));
  const kinds = new Set(result.tally.divergences.map((d) => d.variant));
  for (const kind of kinds) assert.ok((VARIANT_KINDS as readonly string[]).includes(kind));
  assert.ok(result.probes.cases > 0);
  assert.equal(result.probes.gaps, []);
  assert.is(result.tally.comparisons, result.tally.agreements + result.tally.divergences.length);
});

test('the expected differences in use are the documented ones', () => {
  const ids = new Set(EXPECTED_DIFFERENCES.map((d) => d.id));
  for (const id of result.tally.expectedUsed.keys()) assert.ok(ids.has(id), id);
  // PSA never enforces on workloads: the fixtures' workload variants must show it.
  assert.ok((result.tally.expectedUsed.get('psa-workloads-warn-only') ?? 0) > 0);
  // Kyverno's CEL autogen has no ReplicationController target: every RC variant shows it.
  assert.ok((result.tally.expectedUsed.get('kyverno-vpol-no-replicationcontroller-autogen') ?? 0) > 0);
});

test('each exemption of the config is honoured by every engine that can express it, and lossy (as the build declares) where not', () => {
  const report = buildReport(result);
  const model = result.build.model;
  assert.is(report.exemptions.length, model.exemptions.length);
  const status = (index: number) => Object.fromEntries(Object.entries(report.exemptions.find((e) => e.index === index)!.engines).map(([engine, r]) => [engine, r.status]));
  const indexOf = (kind: string) => model.exemptions.find((e) => e.target.kind === kind)!.index;
  for (const exemption of report.exemptions) {
    for (const [engine, r] of Object.entries(exemption.engines)) {
      assert.ok(r.status !== 'diverged', `exemptions[${exemption.index}] in ${engine}`);
      if (r.lossy > 0) assert.ok(r.lossyNote, `exemptions[${exemption.index}] is lossy in ${engine} only where kpc build says so`);
    }
  }
  // A Deployment by name: a Kyverno PolicyException names it; a Constraint, a VAP binding and a
  // ValidatingPolicy cannot single out one object (upstream has no name exclusion for them).
  assert.equal(status(indexOf('workload-name')), { kyverno: 'honoured', 'kyverno-vpol': 'lossy', 'gatekeeper-rego': 'lossy', 'gatekeeper-cel': 'lossy', vap: 'lossy', psa: 'not judged' });
  // One label requirement: PolicyException, match condition, Constraint labelSelector and VAP objectSelector all express it.
  assert.equal(status(indexOf('workload-selector')), { kyverno: 'honoured', 'kyverno-vpol': 'honoured', 'gatekeeper-rego': 'honoured', 'gatekeeper-cel': 'honoured', vap: 'honoured', psa: 'not judged' });
  // Images are exempted inside every target's check.
  assert.equal(status(indexOf('images')), { kyverno: 'honoured', 'kyverno-vpol': 'honoured', 'gatekeeper-rego': 'honoured', 'gatekeeper-cel': 'honoured', vap: 'honoured', psa: 'not judged' });
  // A privileged namespace exempt from everything: only PSA (audit: baseline there) still judges it,
  // and its admission configuration exempts the namespace (pod-security.kubernetes.io/exempt).
  assert.is(status(indexOf('namespaces'))['psa'], 'honoured');
});

test('the report: conformance fields, the harness fields, a matrix cell per control and engine; JUnit', () => {
  const report = buildReport(result);
  for (const key of ['total', 'passed', 'failed', 'skipped', 'failures', 'skips', 'fixtures', 'controls', 'engines', 'verdicts', 'divergences']) assert.ok(key in report, key);
  assert.is(report.passed + report.failed + report.skipped, report.total);
  assert.is(report.failed, report.failures.length);
  assert.is(report.divergenceCount, result.tally.divergences.length);
  assert.equal(report.engines, ['reference', 'kyverno', 'kyverno-vpol', 'gatekeeper-rego', 'gatekeeper-cel', 'vap', 'psa']);
  for (const engine of report.engines.filter((e) => e !== 'reference')) assert.ok(report.engineSemantics[engine]?.noMatch, `${engine}: what no match means`);
  for (const control of report.controls) {
    const cells = report.verdicts[String(control['id'])]!;
    for (const engine of ['reference', 'kyverno', 'kyverno-vpol', 'gatekeeper-rego', 'gatekeeper-cel', 'vap'] as const) assert.ok(cells[engine], `${String(control['id'])} × ${engine}`);
    assert.is(Boolean(cells.psa), control['pssCheck'] !== null);
  }
  const xml = junitXml(report, result);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kpc test"/);
  for (const name of ['equivalence', 'fixtures', 'psa-corpus', 'exemptions', 'non-vacuity']) assert.match(xml, `<testsuite name="${name}"`);
  assert.match(xml, 'name="allowPrivilegeEscalation / vap"');
  assert.match(xml, 'name="allowPrivilegeEscalation / kyverno-vpol"');
  assert.is((xml.match(/<testsuite /g) ?? []).length, (xml.match(/<\/testsuite>/g) ?? []).length);
});

test('no engine writes into the artifacts it evaluated (patterns, templates, policies are shared across every case)', async () => {
  const fresh = (await new BuildCache(root).get()).compiled;
  const snapshot = (build: CompiledBuild) =>
    JSON.stringify(
      build.controls.map((a) => [
        isLoadFailure(a.kyverno) ? a.kyverno : [a.kyverno.policy.spec, a.kyverno.exceptions],
        isLoadFailure(a.vpol) ? a.vpol : a.vpol.policies.map((p) => p.spec),
        isLoadFailure(a.vap) ? a.vap : [a.vap.policies.map((p) => p.name), a.vap.bindings.map((b) => [b.name, b.validationActions, b.matchResources])],
      ]),
      (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value),
    );
  assert.is(snapshot(result.build), snapshot(fresh));
});

test('the worker thread changes nothing: the same comparisons and verdict counts with and without it', async () => {
  const controls = ['hostPorts', 'privileged', 'readOnlyRootFilesystem'];
  const alone = await runHarness({ root, corpusDir: null, controls, parallel: false });
  const shared = await runHarness({ root, corpusDir: null, controls, parallel: true });
  assert.is(alone.threads, 1);
  assert.is(shared.tally.comparisons, alone.tally.comparisons);
  assert.is(shared.tally.verdicts, alone.tally.verdicts);
  assert.equal(shared.tally.matrix, alone.tally.matrix);
  assert.equal(shared.tally.exemptions, alone.tally.exemptions);
  assert.equal(shared.coverage, alone.coverage);
});

test.run();
