// `kpc explain`: offending fields and fixes derived from the IR (src/explain/repair.ts), and
// `--fix`, which must turn every fixture of test/fixtures/audit that fails an enforced control into
// one that passes every enforced control in every engine (the harness engines, via the audit).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Auditor } from '../../src/audit/evaluate.ts';
import { ManifestFile } from '../../src/explain/document.ts';
import { explainWorkload, type ExplainedWorkload } from '../../src/explain/explain.ts';
import { fixFile } from '../../src/explain/fix.ts';
import { applyEdit, repairCheck } from '../../src/explain/repair.ts';
import { pod as podArbitrary } from '../../src/harness/fuzz/arbitraries.ts';
import { evaluatePred } from '../../src/ir/evaluate.ts';
import { collectFiles } from '../../src/util/files.ts';
import { runCli } from '../cli-capture.ts';

const test = suite('kpc explain');
const root = resolve(import.meta.dirname, '../..');
const FIXTURES = resolve(root, 'test/fixtures/audit');
let auditor: Auditor;

test.before(async () => {
  auditor = await Auditor.create({ root });
});

const capture = (argv: string[]) => runCli(argv, { cwd: root });

function explainFile(path: string): ExplainedWorkload[] {
  const manifest = new ManifestFile(readFileSync(path, 'utf8'), path);
  return manifest.workloads().map((w) => explainWorkload(auditor, manifest, w));
}

test('random pods: a rule has findings exactly when it fails, and applying their edits makes it hold', () => {
  let repaired = 0;
  fc.assert(
    fc.property(podArbitrary, (pod) => {
      for (const control of auditor.model.controls) {
        for (const rule of control.rules) {
          const holds = evaluatePred(rule.check, pod);
          const findings = repairCheck(rule.check, pod);
          if (holds !== (findings.length === 0)) throw new Error(`${control.id}/${rule.name}: holds ${holds}, ${findings.length} findings`);
          if (findings.length === 0 || findings.some((f) => f.edits.length === 0)) continue; // manual changes: nothing to apply
          let edited: unknown = structuredClone(pod);
          for (const edit of findings.flatMap((f) => f.edits)) edited = applyEdit(edited, edit);
          if (!evaluatePred(rule.check, edited)) throw new Error(`${control.id}/${rule.name}: the edits ${JSON.stringify(findings.flatMap((f) => f.edits))} do not make it hold on ${JSON.stringify(pod)}`);
          repaired++;
        }
      }
    }),
    { seed: 11, numRuns: 300 },
  );
  assert.ok(repaired > 300, `edits were checked (${repaired})`);
});

test('offending fields: document paths, YAML lines and the change in words', () => {
  const [reconcile] = explainFile(join(FIXTURES, 'payments/reconcile-cronjob.yaml'));
  const escalation = reconcile!.controls.find((c) => c.control === 'allowPrivilegeEscalation')!;
  assert.is(escalation.verdict, 'fail');
  assert.ok(escalation.enforced);
  const [finding] = escalation.rules[0]!.findings;
  assert.is(finding!.path, 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation');
  assert.is(finding!.line, 24); // not set: the line of its securityContext
  assert.equal(finding!.fixes, ['set spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: false']);

  const [search] = explainFile(join(FIXTURES, 'storefront/search-probes.yaml'));
  const probes = search!.controls.find((c) => c.control === 'hostProbesAndHostLifecycle')!.rules[0]!.findings[0]!;
  assert.equal([probes.path, probes.line, probes.fixes], ['spec.template.spec.containers[0].livenessProbe.httpGet.host', 27, ['remove spec.template.spec.containers[0].livenessProbe.httpGet.host (now "10.0.0.12")']]);

  const [tuning] = explainFile(join(FIXTURES, 'storefront/tuning-pod.yaml'));
  const sysctl = tuning!.controls.find((c) => c.control === 'sysctls')!.rules[0]!.findings[0]!;
  assert.equal([sysctl.line, sysctl.fixes], [13, ['remove spec.securityContext.sysctls[0] ({name: net.core.somaxconn, value: "1024"}) from the list']]);
  const apparmor = tuning!.controls.find((c) => c.control === 'appArmorProfile')!.rules.flatMap((r) => r.findings)[0]!;
  assert.equal([apparmor.line, apparmor.fixes], [7, ['set metadata.annotations["container.apparmor.security.beta.kubernetes.io/tuner"]: runtime/default']]);

  const [ledger] = explainFile(join(FIXTURES, 'payments/ledger.yaml'));
  const nonRoot = ledger!.controls.find((c) => c.control === 'runAsNonRoot')!.rules[0]!.findings;
  // A pod-level field covers every container: preferred to one per container.
  assert.equal(nonRoot.map((f) => f.fixes).flat(), ['set spec.template.spec.securityContext.runAsNonRoot: true']);
});

test('capabilities: a forbidden entry is removed from its list, ALL is added to drop', () => {
  const file = join(tmpdir(), `kpc-explain-${process.pid}.yaml`);
  const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: payments}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext:\n      capabilities:\n        add: [NET_RAW, NET_BIND_SERVICE]\n        drop: [all]\n';
  const manifest = new ManifestFile(text, file);
  const [w] = manifest.workloads().map((x) => explainWorkload(auditor, manifest, x));
  const fixes = w!.controls.find((c) => c.control === 'capabilities_restricted')!.rules.flatMap((r) => r.findings.flatMap((f) => f.fixes));
  assert.equal(fixes, ['add ALL to spec.containers[0].securityContext.capabilities.drop', 'remove spec.containers[0].securityContext.capabilities.add[0] (NET_RAW) from the list']);
});

test('an exemption Gatekeeper cannot express: explained, and fixed for every engine', () => {
  const [gateway] = explainFile(join(FIXTURES, 'payments/payment-gateway-legacy.yaml'));
  const control = gateway!.controls.find((c) => c.control === 'readOnlyRootFilesystem')!;
  assert.is(control.verdicts.reference!.verdict, 'skip');
  assert.is(control.verdicts['gatekeeper-rego']!.verdict, 'fail');
  assert.match(control.note!, /exemptions\[1\].*cannot express that exemption/);
  assert.equal(control.rules[0]!.findings[0]!.fixes, ['set spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: true']);
});

test('--fix turns every fixture failing an enforced control into one that passes every enforced control in every engine', () => {
  const files = collectFiles([FIXTURES], { extensions: ['.yaml', '.yml', '.json'] }).filter((f) => !f.includes('/broken/'));
  let fixed = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const before = explainFile(file);
    if (!before.some((w) => w.controls.some((c) => c.enforced))) continue;
    const result = fixFile(auditor, text, file);
    // Judged afresh by every engine (no memo), as the audit would.
    const manifest = new ManifestFile(result.text, file);
    for (const workload of manifest.workloads()) {
      const ns = auditor.namespace((workload.value['metadata'] as { namespace?: string }).namespace ?? 'default');
      const verdicts = auditor.evaluateUncached(workload.value, ns);
      const blocking = verdicts.controls.filter((c) => c.enforcedFailure && !onlyKnownErrors(c.rows)).map((c) => `${c.control.id}: ${c.rows.filter((r) => r.verdict !== 'pass').map((r) => `${r.engine} ${r.verdict}`).join(', ')}`);
      assert.equal(blocking, [], `${file}: ${JSON.stringify(workload.value['metadata'])}`);
    }
    // Comments and key order are kept.
    for (const comment of text.split('\n').filter((l) => /^\s*#/.test(l))) assert.ok(result.text.includes(comment.trim()), `${file}: comment "${comment.trim()}" kept`);
    const topKeys = (t: string) => t.split('\n').filter((l) => /^[A-Za-z]+:/.test(l)).map((l) => l.split(':')[0]);
    assert.equal(topKeys(result.text), topKeys(text), `${file}: key order`);
    assert.ok(result.applied.length > 0);
    fixed++;
  }
  assert.ok(fixed >= 10, `fixtures fixed: ${fixed}`);
});

/**
 * A known error of the kyverno-vpol target (see test/audit/audit.test.ts KNOWN_ERRORS): its CEL
 * for a selector exemption errs on a CronJob whose pod template has no metadata. No edit of the
 * workload's security settings can fix that; every other engine must pass.
 */
function onlyKnownErrors(rows: readonly { engine: string; verdict: string; message: string }[]): boolean {
  const bad = rows.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
  return bad.length > 0 && bad.every((r) => r.engine === 'kyverno-vpol' && r.verdict === 'error' && /No such key: metadata/.test(r.message));
}

test('--fix leaves a passing file unchanged', () => {
  const file = join(FIXTURES, 'payments/checkout.yaml');
  const text = readFileSync(file, 'utf8');
  const result = fixFile(auditor, text, file);
  assert.is(result.text, text);
  assert.equal(result.applied, []);
});

test('kpc explain: text, --json, --control, exit codes', async () => {
  const ledger = 'test/fixtures/audit/payments/ledger.yaml';
  const text = await capture(['explain', ledger]);
  assert.is(text.code, 1);
  assert.match(text.stdout, 'FAIL runAsNonRoot');
  assert.match(text.stdout, '→ set spec.template.spec.securityContext.runAsNonRoot: true');
  const json = await capture(['explain', ledger, '--json', '--control', 'seccompProfile_restricted']);
  const parsed = JSON.parse(json.stdout) as { workloads: { controls: { control: string; rules: { findings: { path: string; line: number; edits: unknown[] }[] }[] }[] }[] };
  assert.equal(parsed.workloads[0]!.controls.map((c) => c.control), ['seccompProfile_restricted']);
  assert.is(parsed.workloads[0]!.controls[0]!.rules[0]!.findings[0]!.path, 'spec.template.spec.securityContext.seccompProfile');
  assert.is((await capture(['explain', 'test/fixtures/audit/payments/checkout.yaml'])).code, 0);
  assert.is((await capture(['explain', 'test/fixtures/audit/broken/malformed.yaml'])).code, 1);
  assert.is((await capture(['explain', 'no/such.yaml'])).code, 1);
  for (const argv of [['explain'], ['explain', 'a', 'b'], ['explain', ledger, '--out', 'x'], ['explain', ledger, '--control', 'nope'], ['explain', ledger, '--level', 'x']]) {
    assert.is((await capture(argv)).code, 2, argv.join(' '));
  }
  const help = await capture(['explain', '--help']);
  for (const option of ['--fix', '--out FILE', '--control ID', '--level', '--json']) assert.match(help.stdout, option);
});

test('kpc explain --fix --out writes the corrected copy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpc-fix-'));
  try {
    const out = join(dir, 'ledger.yaml');
    const { code, stdout } = await capture(['explain', '--fix', 'test/fixtures/audit/payments/ledger.yaml', '--out', out]);
    assert.is(code, 0);
    assert.match(stdout, 'fixed runAsNonRoot in StatefulSet payments/ledger: set spec.template.spec.securityContext.runAsNonRoot: true');
    assert.is((await capture(['explain', out])).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
