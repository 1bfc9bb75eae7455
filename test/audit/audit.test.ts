// `kpc audit` over test/fixtures/audit: a GitOps-like tree (Helm and Kustomize output, multi-document
// files, a List, JSON, namespaces in and out of the project config, broken files). Expected verdicts
// follow from the Pod Security Standards and the project config (policies/config.ts), as each
// fixture's comment says: restricted + hardening in payments, restricted + two hardening controls in
// storefront, everything in audit mode in analytics, Baseline enforced (Restricted warned) in
// legacy-batch, node-agents exempt from every kpc control (PSA audits Baseline there).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import Ajv from 'ajv';
import { Auditor } from '../../src/audit/evaluate.ts';
import { runAudit, type AuditSink, type WorkloadReport, type AuditError } from '../../src/audit/run.ts';
import { collectFiles } from '../../src/util/files.ts';
import { runCli } from '../cli-capture.ts';

const test = suite('kpc audit');
const root = resolve(import.meta.dirname, '../..');
const FIXTURES = 'test/fixtures/audit';
// The engines issue 8 names; the harness has since added the ValidatingPolicy and VAP targets,
// checked apart below.
const ENGINES = 'reference,kyverno,gatekeeper-rego,gatekeeper-cel,psa';

const capture = (argv: string[]) => runCli(argv, { cwd: root });

interface JsonResult { control: string; pssCheck: string | null; engine: string; verdict: string; message: string; action?: string; enforced?: boolean }
interface JsonWorkload { file: string; line: number; kind: string; namespace: string; name: string; level: string | null; results: JsonResult[] }
interface JsonAudit { workloads: JsonWorkload[]; errors: { file: string; line: number | null; message: string; column?: number }[]; summary: Record<string, unknown> & { exitCode: number } }

/** Controls failing (or erring) in some engine whose failure blocks at admission, and the others. */
const EXPECTED: Record<string, { enforced: string[]; other?: string[] }> = {
  'payments/checkout': { enforced: [] },
  // Gatekeeper cannot express a workload-name exemption (the build's lossy notes): it still fails there.
  'payments/payment-gateway-legacy': { enforced: ['readOnlyRootFilesystem'] },
  'payments/ledger': { enforced: ['runAsNonRoot', 'seccompProfile_restricted'] },
  'payments/reconcile': { enforced: ['allowPrivilegeEscalation'] },
  'payments/migrate-2024-06': { enforced: [] },
  'payments/refunds': { enforced: [] },
  'payments/api-7d9f8': { enforced: ['hostNamespaces'] },
  'payments/perf-probe': { enforced: ['seccompProfile_restricted'] },
  'storefront/web': { enforced: [] },
  'storefront/frontend': { enforced: [] },
  'storefront/iis': { enforced: [] },
  'storefront/cache': { enforced: ['seccompProfile_restricted'], other: ['pinnedImages'] },
  'storefront/search': { enforced: ['hostProbesAndHostLifecycle'] },
  'storefront/tuning': { enforced: ['appArmorProfile', 'sysctls'] },
  'storefront/prod-recommendations': { enforced: ['resourceLimits'] },
  'analytics/spark-driver': { enforced: [], other: ['allowPrivilegeEscalation', 'capabilities_restricted', 'privileged', 'readOnlyRootFilesystem', 'resourceLimits', 'runAsNonRoot', 'runAsUserRange', 'seccompProfile_restricted'] },
  'analytics/jupyter': { enforced: [], other: ['readOnlyRootFilesystem', 'resourceLimits', 'runAsUserRange'] },
  'analytics/superset': { enforced: [], other: ['allowPrivilegeEscalation', 'capabilities_restricted', 'readOnlyRootFilesystem', 'runAsNonRoot', 'runAsUserRange', 'seccompProfile_restricted'] },
  'legacy-batch/nightly-report': { enforced: [], other: ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'] },
  'legacy-batch/import-archive': { enforced: ['hostPathVolumes', 'hostPorts'], other: ['allowPrivilegeEscalation', 'capabilities_restricted', 'restrictedVolumes', 'runAsNonRoot', 'seccompProfile_restricted'] },
  'legacy-batch/ticker': { enforced: [], other: ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'] },
  'legacy-batch/after-the-broken-one': { enforced: ['privileged'], other: ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'] },
  'legacy-batch/win-node-exporter': { enforced: ['hostNamespaces', 'windowsHostProcess'], other: ['runAsNonRoot'] },
  // node-agents is exempt in the PSA admission configuration too: not even PSA's audit mode records it.
  'node-agents/log-shipper': { enforced: [] },
  'tools/netshoot': { enforced: [] },
  'default/hello': { enforced: [] },
};

let json: JsonAudit;
let jsonCode: number;

test('--format json: every workload with its namespace, level and the verdicts of every engine', async () => {
  const { code, stdout } = await capture(['audit', FIXTURES, '--format', 'json', '--engines', ENGINES]);
  json = JSON.parse(stdout) as JsonAudit;
  jsonCode = code;
  assert.is(code, 1);
  const names = json.workloads.map((w) => `${w.namespace}/${w.name}`).sort();
  assert.equal(names, Object.keys(EXPECTED).sort());
  for (const w of json.workloads) {
    const id = `${w.namespace}/${w.name}`;
    const failing = [...new Set(w.results.filter((r) => r.verdict === 'fail' || r.verdict === 'error').map((r) => r.control))].sort();
    const blocking = [...new Set(w.results.filter((r) => r.verdict === 'fail' && (r.action === 'deny' || r.enforced === true)).map((r) => r.control))].sort();
    assert.equal(blocking, EXPECTED[id]!.enforced, `${id}: enforced failures`);
    assert.equal(failing, [...EXPECTED[id]!.enforced, ...(EXPECTED[id]!.other ?? [])].sort(), `${id}: failing controls`);
    for (const r of w.results) {
      assert.ok(['pass', 'fail', 'skip', 'error'].includes(r.verdict));
      assert.ok(ENGINES.split(',').includes(r.engine));
      assert.is(r.verdict === 'error', false, `${id}: ${r.control} ${r.engine}: ${r.message}`);
    }
  }
});

test('json: files, lines, kinds and levels', () => {
  const by = (name: string) => json.workloads.find((w) => w.name === name)!;
  assert.equal(by('checkout'), { ...by('checkout'), file: `${FIXTURES}/payments/checkout.yaml`, line: 3, kind: 'Deployment', level: 'restricted' });
  assert.equal([by('jupyter').line, by('superset').line], [7, 30]); // List items keep their own lines
  assert.is(by('web').line, 32); // the fifth document of a multi-document file (its apiVersion line)
  assert.is(by('frontend').file, `${FIXTURES}/storefront/frontend.json`);
  assert.is(by('reconcile').kind, 'CronJob');
  assert.is(by('ticker').kind, 'ReplicationController');
  assert.is(by('nightly-report').level, 'baseline');
  assert.is(by('log-shipper').level, 'privileged');
  assert.is(by('netshoot').level, null); // tools is not in the config: nothing applies
  assert.equal(by('netshoot').results, []);
  assert.equal([by('hello').namespace, by('hello').level], ['default', null]);
  // pssCheck is PSA's check id, null for hardening controls.
  const ledger = by('ledger').results;
  assert.is(ledger.find((r) => r.control === 'seccompProfile_restricted')!.pssCheck, 'seccompProfile_restricted');
  assert.is(ledger.find((r) => r.control === 'resourceLimits')!.pssCheck, null);
  // Exemptions: a skip with the exemption's reason in the reference.
  const migration = by('migrate-2024-06').results.find((r) => r.control === 'resourceLimits' && r.engine === 'reference')!;
  assert.is(migration.verdict, 'skip');
  assert.match(migration.message, /exemptions\[2\]/);
});

test('json: unreadable inputs are errors with file, line (and column); the run goes on', () => {
  const errors = json.errors.map((e) => `${e.file}:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`).sort();
  assert.equal(errors, [
    `${FIXTURES}/broken/invalid-utf8.yaml:null`,
    `${FIXTURES}/broken/list-with-scalar.yaml:1`,
    `${FIXTURES}/broken/malformed.yaml:11:9`,
    `${FIXTURES}/broken/not-an-object.yaml:1`,
  ]);
  assert.match(json.errors.find((e) => e.file.endsWith('malformed.yaml'))!.message, /malformed YAML/);
  assert.match(json.errors.find((e) => e.file.endsWith('invalid-utf8.yaml'))!.message, /invalid UTF-8/);
  // The document after the malformed one is still audited.
  assert.ok(json.workloads.some((w) => w.name === 'after-the-broken-one'));
});

test('json: summary counts; other kinds ignored and counted', () => {
  const s = json.summary as Record<string, unknown>;
  const files = collectFiles([resolve(root, FIXTURES)], { extensions: ['.yaml', '.yml', '.json'] }).length;
  assert.is(s['files'], files);
  assert.is(s['workloads'], Object.keys(EXPECTED).length);
  assert.is(s['errors'], 4);
  assert.is(s['unmanaged'], 2);
  assert.equal(s['ignoredKinds'], {
    'v1/ConfigMap': 2, 'v1/Service': 1, 'v1/ServiceAccount': 1, 'v1/Namespace': 1, 'autoscaling/v2/HorizontalPodAutoscaler': 1,
    'cert-manager.io/v1/Certificate': 1, 'argoproj.io/v1alpha1/Deployment': 1, 'extensions/v1beta1/Deployment': 1,
    'kustomize.config.k8s.io/v1beta1/Kustomization': 1,
  });
  assert.is(s['ignored'], 10);
  const enforced = Object.values(EXPECTED).filter((e) => e.enforced.length > 0).length;
  assert.is(s['workloadsFailingEnforced'], enforced);
  assert.is(s['workloadsFailing'], Object.values(EXPECTED).filter((e) => e.enforced.length + (e.other?.length ?? 0) > 0).length);
  assert.is(s['exitCode'], jsonCode);
});

test('--format table: failing workloads, errors, totals', async () => {
  const { code, stdout } = await capture(['audit', FIXTURES, '--engines', ENGINES]);
  assert.is(code, 1);
  assert.match(stdout, `FAIL StatefulSet payments/ledger  (${FIXTURES}/payments/ledger.yaml:2, restricted)`);
  assert.match(stdout, /WARN Pod analytics\/spark-driver/);
  assert.match(stdout, /readOnlyRootFilesystem\s+enforce\s+fails in gatekeeper-rego, gatekeeper-cel; not applied in reference, kyverno/);
  assert.match(stdout, `ERROR ${FIXTURES}/broken/malformed.yaml:11:9: malformed YAML`);
  assert.not.match(stdout, /payments\/checkout/); // passing workloads are only counted
  assert.match(stdout.trimEnd().split('\n').at(-1)!, /^26 workloads: 17 failing, 12 failing an enforced control; 4 unreadable inputs \(exit 1\)$/);
});

test('--format sarif: valid SARIF 2.1.0 (the OASIS schema, rtm.5), one result per failing workload × control', async () => {
  const { code, stdout } = await capture(['audit', FIXTURES, '--format', 'sarif', '--engines', ENGINES]);
  assert.is(code, 1);
  const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[]; invocations: { toolExecutionNotifications: unknown[] }[] }[] };
  // The schema as Microsoft's SARIF tooling ships it (draft-04: its root `id` is draft-07's `$id`;
  // one `pattern` is not valid under the u flag).
  const schema = JSON.parse(readFileSync(resolve(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile({ ...rest, $id: String(id) });
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
  const run = sarif.runs[0]!;
  assert.is(sarif.version, '2.1.0');
  const expectedResults = Object.values(EXPECTED).reduce((n, e) => n + e.enforced.length + (e.other?.length ?? 0), 0);
  assert.is(run.results.length, expectedResults);
  for (const r of run.results) assert.is(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
  const ledger = run.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === `${FIXTURES}/payments/ledger.yaml`);
  assert.equal(ledger.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region!.startLine]).sort(), [['runAsNonRoot', 'error', 2], ['seccompProfile_restricted', 'error', 2]]);
  assert.ok(run.results.some((r) => r.ruleId === 'pinnedImages' && r.level === 'warning'));
  assert.ok(run.results.some((r) => r.level === 'note')); // analytics: audit mode
  assert.is(run.invocations[0]!.toolExecutionNotifications.length, 4);
});

test('--format junit: a testsuite per file, a testcase per workload × applicable control', async () => {
  const { code, stdout } = await capture(['audit', FIXTURES, '--format', 'junit', '--engines', ENGINES]);
  assert.is(code, 1);
  assert.match(stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kpc audit">/);
  const suites = [...stdout.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)">([\s\S]*?)<\/testsuite>/g)];
  for (const [, , tests, failures, errors, skipped, body] of suites) {
    assert.is((body!.match(/<testcase /g) ?? []).length, Number(tests));
    assert.is((body!.match(/<failure /g) ?? []).length, Number(failures));
    assert.is((body!.match(/<error /g) ?? []).length, Number(errors));
    assert.is((body!.match(/<skipped /g) ?? []).length, Number(skipped));
  }
  const ledger = suites.find((s) => s[1] === `${FIXTURES}/payments/ledger.yaml`)!;
  assert.is(ledger[3], '2');
  assert.match(ledger[6]!, /<testcase classname="test\/fixtures\/audit\/payments\/ledger.yaml" name="runAsNonRoot: StatefulSet payments\/ledger \(line 2\)"><failure message="runAsNonRoot fails in reference, kyverno, gatekeeper-rego, gatekeeper-cel, psa \(rollout enforce\)"/);
  const broken = suites.find((s) => s[1] === `${FIXTURES}/broken/malformed.yaml`)!;
  assert.is(broken[4], '1');
  assert.match(stdout, /<\/testsuites>\n$/);
});


test('every engine of the harness by default; where the ValidatingPolicy and VAP targets judge, they agree with the reference', async () => {
  const { stdout } = await capture(['audit', FIXTURES, '--format', 'json']);
  const audit = JSON.parse(stdout) as JsonAudit;
  const engines = new Set(audit.workloads.flatMap((w) => w.results.map((r) => r.engine)));
  assert.equal([...engines].sort(), ['gatekeeper-cel', 'gatekeeper-rego', 'kyverno', 'kyverno-vpol', 'psa', 'reference', 'vap']);
  for (const w of audit.workloads) {
    for (const r of w.results) {
      if (r.engine !== 'vap' && r.engine !== 'kyverno-vpol') continue;
      assert.is.not(r.verdict, 'error', `${w.name} ${r.control} ${r.engine}: ${r.message}`);
      const reference = w.results.find((x) => x.control === r.control && x.engine === 'reference')!;
      if (r.verdict !== 'skip' && reference.verdict !== 'skip') assert.is(r.verdict, reference.verdict, `${w.name} ${r.control} ${r.engine}`);
    }
  }
});

test('standard input (-): helm template output, documents split as they arrive', async () => {
  const text = readFileSync(resolve(root, FIXTURES, 'storefront/web.yaml'), 'utf8') + readFileSync(resolve(root, FIXTURES, 'payments/ledger.yaml'), 'utf8').replace(/^#.*\n/, '---\n');
  const chunks = text.match(/[\s\S]{1,37}/g)!; // arbitrary chunk boundaries, mid-line
  const reports: WorkloadReport[] = [];
  const errors: AuditError[] = [];
  const sink: AuditSink = { begin() {}, file() {}, workload: (w) => reports.push(w), error: (e) => errors.push(e), end() {} };
  const { summary } = await runAudit({ root, paths: ['-'], stdin: Readable.from(chunks.map((c) => Buffer.from(c))) }, sink);
  assert.equal(errors, []);
  const lineOf = (needle: string) => text.split('\n').findIndex((l, i, all) => l === 'apiVersion: apps/v1' && all[i + 1] === needle) + 1;
  assert.equal(reports.map((w) => [w.file, w.kind, w.name, w.line]), [['<stdin>', 'Deployment', 'web', lineOf('kind: Deployment')], ['<stdin>', 'StatefulSet', 'ledger', lineOf('kind: StatefulSet')]]);
  assert.is(summary.ignored, 4);
  assert.ok(reports[1]!.verdicts.enforcedFailure);
});

test('standard input: invalid UTF-8 is an error, not a crash', async () => {
  const errors: AuditError[] = [];
  const sink: AuditSink = { begin() {}, file() {}, workload() {}, error: (e) => errors.push(e), end() {} };
  await runAudit({ root, paths: ['-'], stdin: Readable.from([Buffer.from('a: 1\nb: '), Buffer.from([0xff, 0xfe, 0x0a])]) }, sink);
  assert.equal(errors.map((e) => e.message), ['invalid UTF-8']);
});

test('--level gives unmanaged namespaces a level; --engines filters the rows', async () => {
  const { stdout } = await capture(['audit', `${FIXTURES}/unmanaged`, '--format', 'json', '--level', 'baseline', '--engines', 'psa,kyverno']);
  const audit = JSON.parse(stdout) as JsonAudit;
  const netshoot = audit.workloads.find((w) => w.name === 'netshoot')!;
  assert.is(netshoot.level, 'baseline');
  assert.equal([...new Set(netshoot.results.map((r) => r.engine))].sort(), ['kyverno', 'psa']);
  const failing = [...new Set(netshoot.results.filter((r) => r.verdict === 'fail').map((r) => r.control))].sort();
  assert.equal(failing, ['hostNamespaces', 'privileged']);
  assert.is(audit.summary.exitCode, 1);
});

test('a missing path is an error and the other paths are still audited', async () => {
  const { code, stdout } = await capture(['audit', 'no/such/dir', `${FIXTURES}/payments/checkout.yaml`, '--format', 'json']);
  const audit = JSON.parse(stdout) as JsonAudit;
  assert.equal(audit.errors.map((e) => e.file), ['no/such/dir']);
  assert.equal(audit.workloads.map((w) => w.name), ['checkout']);
  assert.is(code, 1);
});

test('exit 0 when nothing enforced fails', async () => {
  const { code } = await capture(['audit', `${FIXTURES}/payments/checkout.yaml`, `${FIXTURES}/analytics`]);
  assert.is(code, 0);
});

test('usage errors exit 2; --help describes the options', async () => {
  for (const argv of [['audit'], ['audit', 'x', '--format', 'xml'], ['audit', 'x', '--level', 'strict'], ['audit', 'x', '--engines', 'opa'], ['audit', '-', '-'], ['audit', 'x', '--bogus']]) {
    assert.is((await capture(argv)).code, 2, argv.join(' '));
  }
  const { stdout } = await capture(['audit', '--help']);
  for (const option of ['--format', '--level', '--engines', '--namespace', '--root', '--stats', 'unmanaged']) assert.match(stdout, option);
});

test('the memo key: workloads that differ only outside it get the verdicts of a fresh evaluation', async () => {
  const auditor = await Auditor.create({ root });
  for (const w of json.workloads) {
    const file = resolve(root, w.file);
    if (file.endsWith('.json') || w.file.includes('notebooks-list')) continue;
    const { readChunk, splitDocuments } = await import('../../src/audit/documents.ts');
    for (const chunk of splitDocuments(readFileSync(file, 'utf8'))) {
      for (const doc of readChunk(chunk)) {
        if (!doc.ok) continue;
        for (const { value } of doc.objects) {
          const metadata = (value['metadata'] ?? {}) as Record<string, unknown>;
          if (metadata['name'] !== w.name) continue;
          const ns = auditor.namespace(w.namespace);
          const original = auditor.evaluate(value, ns);
          // Another name (not one an exemption names), other labels and annotations on the controller, other replicas.
          const variant = {
            ...value,
            metadata: { ...metadata, name: `${w.name}-copy`, labels: { ...(metadata['labels'] as object), team: 'x' }, ...(value['kind'] === 'Pod' ? {} : { annotations: { note: 'y' } }) },
            ...(typeof value['spec'] === 'object' && value['kind'] !== 'Pod' ? { spec: { ...(value['spec'] as object), replicas: 7 } } : {}),
          };
          if (w.name === 'payment-gateway-legacy') continue; // its name is part of the key
          assert.is(auditor.evaluateUncached(variant, ns).rowsJson, original.rowsJson, `${w.namespace}/${w.name}`);
          assert.is(auditor.evaluate(variant, ns), original); // and the memo hands it the same verdicts
        }
      }
    }
  }
});

test.run();
