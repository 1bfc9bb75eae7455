// Bad input wherever a file enters: every command is run as a child process (with a timeout) on
// malformed YAML, documents that are not objects, unknown kinds, empty files, invalid UTF-8, a file
// over the size limit, a document nested too deeply, a missing path and a symlink loop. Each case
// must end in a clear message naming the file (with line and column where they apply) and exit 1;
// multi-case commands must count the bad case as failed and go on with the others.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from '../../src/util/report.ts';
import { BAD_FILES, BOUND_MS, json, kpc, REPO, RESTRICTED_POD, symlinkLoop, tempDir, write, writeBadFiles, type BadCase, type KpcRun } from './helpers.ts';

const BAD_CASES = Object.keys(BAD_FILES) as BadCase[];

function assertTerminated(run: KpcRun, status: number): void {
  assert.is(run.signal, null, `killed by ${run.signal}: the command hung`);
  assert.is(run.status, status, `exit ${run.status}; stderr: ${run.stderr.slice(0, 1500)}`);
  assert.ok(run.ms < BOUND_MS, `took ${Math.round(run.ms)} ms`);
  assert.not.match(run.stderr, /^\s+at .*\(.*:\d+:\d+\)$/m, `a stack trace (crash): ${run.stderr.slice(0, 1500)}`);
}

function failure(report: ConformanceReport, id: string | RegExp) {
  const found = report.failures.find((f) => (typeof id === 'string' ? f.id === id : id.test(f.id)));
  assert.ok(found, `no failure ${id}; failures: ${report.failures.map((f) => f.id).join(', ')}`);
  return found!;
}

// ---------------------------------------------------------------------------------------------
const psa = suite('psa conformance: each bad fixture file is a failed case; the run goes on');

psa('a tree with a good pod, every bad file and a symlink loop', () => {
  const root = tempDir('psa');
  const pass = join(root, 'restricted/v1.30/pass');
  write(join(pass, 'good0.yaml'), RESTRICTED_POD);
  writeBadFiles(pass);
  symlinkLoop(pass);
  const run = kpc(['psa', 'conformance', root, '--json']);
  assertTerminated(run, 1);
  const report = json<ConformanceReport>(run);
  // good + 6 bad + empty + unknown kind; the loop adds nothing (walked once)
  assert.is(report.total, 9);
  assert.is(report.passed, 1);
  assert.is(report.failed, 8);
  for (const c of BAD_CASES) assert.match(failure(report, `restricted/v1.30/pass/${BAD_FILES[c].name}`).detail, BAD_FILES[c].message, c);
  assert.match(failure(report, 'restricted/v1.30/pass/empty.yaml').detail, /empty\.yaml: expected exactly one Pod document/);
  assert.match(failure(report, 'restricted/v1.30/pass/unknown-kind.yaml').detail, /unknown-kind\.yaml:1: not a Pod: found apiVersion example\.com\/v1, kind Widget/);
});

psa('a missing directory is an error naming it', () => {
  const run = kpc(['psa', 'conformance', '/nonexistent/kpc-psa']);
  assertTerminated(run, 1);
  assert.match(run.stderr, /\/nonexistent\/kpc-psa: no such file or directory/);
});

psa.run();

// ---------------------------------------------------------------------------------------------
const kyverno = suite('kyverno test: a bad test, policy or resource file fails its cases; the run goes on');

const KYVERNO_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-privileged
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: check
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: privileged is not allowed
      pattern:
        spec:
          containers:
          - =(securityContext):
              =(privileged): "false"
`;
const KYVERNO_RESOURCES = `apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
  - name: c
    image: nginx
`;
const kyvernoTest = (resources = 'resource.yaml') => `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: t
policies: [policy.yaml]
resources: [${resources}]
results:
- policy: no-privileged
  rule: check
  resources: [ok]
  kind: Pod
  result: pass
`;

/** A kyverno test folder with the good files, then `override` applied (file → content, null = absent). */
function kyvernoFolder(root: string, name: string, override: Record<string, string | Uint8Array | null> = {}): string {
  const dir = join(root, name);
  const files: Record<string, string | Uint8Array | null> = { 'policy.yaml': KYVERNO_POLICY, 'resource.yaml': KYVERNO_RESOURCES, 'kyverno-test.yaml': kyvernoTest(), ...override };
  for (const [file, content] of Object.entries(files)) if (content !== null) write(join(dir, file), content);
  return dir;
}

kyverno('every bad input in one run', async () => {
  const root = tempDir('kyverno');
  const bad = join(root, '_bad');
  writeBadFiles(bad);
  const { readFileSync } = await import('node:fs');
  const badFile = (c: BadCase | 'empty.yaml' | 'unknown-kind.yaml') => readFileSync(join(bad, c.endsWith('.yaml') ? c : BAD_FILES[c as BadCase].name));
  kyvernoFolder(root, 'good');
  // the test file itself
  kyvernoFolder(root, 'test-malformed', { 'kyverno-test.yaml': badFile('malformed') });
  kyvernoFolder(root, 'test-list', { 'kyverno-test.yaml': badFile('list') });
  kyvernoFolder(root, 'test-empty', { 'kyverno-test.yaml': '' });
  // files the test names
  kyvernoFolder(root, 'policy-invalid-utf8', { 'policy.yaml': badFile('invalidUtf8') });
  kyvernoFolder(root, 'resource-too-large', { 'resource.yaml': null });
  copyFileSync(join(bad, BAD_FILES.tooLarge.name), join(root, 'resource-too-large/resource.yaml'));
  kyvernoFolder(root, 'resource-too-deep', { 'resource.yaml': badFile('tooDeep') });
  kyvernoFolder(root, 'resource-scalar', { 'resource.yaml': badFile('scalar') });
  kyvernoFolder(root, 'resource-missing', { 'resource.yaml': null });
  kyvernoFolder(root, 'resource-unknown-kind', { 'resource.yaml': `${badFile('unknown-kind.yaml').toString()}---\n${KYVERNO_RESOURCES}` });
  // a resource folder with a symlink loop inside
  kyvernoFolder(root, 'resource-loop', { 'resource.yaml': null, 'kyverno-test.yaml': kyvernoTest('resources'), 'resources/pod.yaml': KYVERNO_RESOURCES });
  symlinkLoop(join(root, 'resource-loop/resources'));

  const run = kpc(['kyverno', 'test', root, '--json']);
  assertTerminated(run, 1);
  const report = json<ConformanceReport>(run);
  const id = (dir: string) => new RegExp(`/${dir}/kyverno-test\\.yaml`);
  assert.match(failure(report, id('test-malformed')).detail, /test-malformed\/kyverno-test\.yaml:3:1: malformed YAML: /);
  assert.match(failure(report, id('test-list')).detail, /test-list\/kyverno-test\.yaml:1: document 1 is not an object \(found a list\)/);
  assert.ok(report.skips.some((s) => id('test-empty').test(s.id) && /no Test document in the file \(empty\)/.test(s.reason)), 'the empty test file is a skip with its reason');
  assert.match(failure(report, id('policy-invalid-utf8')).detail, /failed to run test: .*policy\.yaml: invalid UTF-8/);
  assert.match(failure(report, id('resource-too-large')).detail, /resource\.yaml: file is too large/);
  assert.match(failure(report, id('resource-too-deep')).detail, /resource\.yaml:\d+:\d+: document nested too deeply/);
  assert.match(failure(report, id('resource-scalar')).detail, /resource\.yaml:1: document 1 is not an object \(found a string\)/);
  assert.match(failure(report, id('resource-missing')).detail, /resource\.yaml: no such file or directory/);
  // the good folder, the unknown kind (ignored: it matches no rule) and the loop (walked once) pass
  for (const dir of ['good', 'resource-unknown-kind', 'resource-loop']) assert.not.ok(report.failures.some((f) => id(dir).test(f.id)), `${dir} should pass`);
  assert.is(report.passed, 3);
  assert.is(report.failed, 7);
  assert.is(report.skipped, 1);
});

kyverno('a missing path is an error naming it', () => {
  const run = kpc(['kyverno', 'test', '/nonexistent/kpc-kyverno']);
  assertTerminated(run, 1);
  assert.match(run.stderr, /\/nonexistent\/kpc-kyverno: no such file or directory/);
});

kyverno.run();

// ---------------------------------------------------------------------------------------------
const gator = suite('gator verify: a bad suite, template, constraint or object fails; the run goes on');

const TEMPLATE = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8snoprivileged
spec:
  crd:
    spec:
      names:
        kind: K8sNoPrivileged
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8snoprivileged
        violation[{"msg": msg}] {
          c := input.review.object.spec.containers[_]
          c.securityContext.privileged
          msg := sprintf("privileged container %v", [c.name])
        }
`;
const CONSTRAINT = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNoPrivileged
metadata:
  name: no-privileged
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`;
const SUITE = `kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
metadata:
  name: s
tests:
- name: privileged
  template: template.yaml
  constraint: constraint.yaml
  cases:
  - name: allowed
    object: allowed.yaml
    assertions:
    - violations: no
`;

gator('every bad input in one run', async () => {
  const root = tempDir('gator');
  const bad = tempDir('gator-bad'); // outside the tree: gator reads every YAML file under it
  writeBadFiles(bad);
  const { readFileSync } = await import('node:fs');
  const badFile = (c: BadCase) => readFileSync(join(bad, BAD_FILES[c].name));
  const folder = (name: string, override: Record<string, string | Uint8Array | null> = {}) => {
    const files: Record<string, string | Uint8Array | null> = { 'suite.yaml': SUITE, 'template.yaml': TEMPLATE, 'constraint.yaml': CONSTRAINT, 'allowed.yaml': KYVERNO_RESOURCES, ...override };
    for (const [file, content] of Object.entries(files)) if (content !== null) write(join(root, name, file), content);
  };
  folder('good');
  folder('suite-malformed', { 'suite.yaml': `${SUITE}x: [\n` });
  folder('template-invalid-utf8', { 'template.yaml': badFile('invalidUtf8') });
  folder('constraint-malformed', { 'constraint.yaml': badFile('malformed') });
  folder('object-list', { 'allowed.yaml': badFile('list') });
  folder('object-too-deep', { 'allowed.yaml': badFile('tooDeep') });
  folder('object-empty', { 'allowed.yaml': '' });
  folder('object-missing', { 'allowed.yaml': null });
  folder('object-unknown-kind', { 'allowed.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n' });
  folder('object-too-large', { 'allowed.yaml': null });
  copyFileSync(join(bad, BAD_FILES.tooLarge.name), join(root, 'object-too-large/allowed.yaml'));
  symlinkLoop(join(root, 'good'));

  const run = kpc(['gator', 'verify', root, '--engine', 'rego', '--json']);
  assertTerminated(run, 1);
  const report = json<ConformanceReport & { suites: number }>(run);
  const caseId = (dir: string) => new RegExp(`/${dir}/suite\\.yaml#privileged/allowed \\[rego\\]$`);
  // gator reads every YAML file of the tree: one it cannot parse fails as its own case
  assert.match(failure(report, /\/suite-malformed\/suite\.yaml$/).detail, /suite\.yaml:15:1: invalid yaml: /);
  assert.match(failure(report, caseId('template-invalid-utf8')).detail, /template\.yaml: invalid UTF-8/);
  assert.match(failure(report, caseId('constraint-malformed')).detail, /constraint\.yaml:3:1: invalid yaml: /);
  assert.match(failure(report, caseId('object-list')).detail, /allowed\.yaml:1: invalid yaml: cannot unmarshal !!seq into map\[string\]interface \{\}/);
  assert.match(failure(report, caseId('object-too-deep')).detail, /allowed\.yaml:\d+:\d+: document nested too deeply/);
  assert.match(failure(report, caseId('object-empty')).detail, /allowed\.yaml" defines no YAML objects/);
  assert.match(failure(report, caseId('object-missing')).detail, /allowed\.yaml: no such file/);
  assert.match(failure(report, caseId('object-too-large')).detail, /allowed\.yaml: file is too large/);
  // good, the unknown kind (the constraint does not match it) and the loop (walked once) pass
  for (const dir of ['good', 'object-unknown-kind']) assert.not.ok(report.failures.some((f) => caseId(dir).test(f.id)), `${dir} should pass`);
  assert.is(report.suites, 9);
  assert.is(report.passed, 2);
});

gator('a missing path is an error naming it', () => {
  const run = kpc(['gator', 'verify', '/nonexistent/kpc-gator']);
  assertTerminated(run, 1);
  assert.match(run.stderr, /\/nonexistent\/kpc-gator: no such file or directory/);
});

gator.run();

// ---------------------------------------------------------------------------------------------
const evaluate = suite('eval: a bad file is reported with file:line:col and left out; the rest is evaluated');

interface EvalOutput {
  results: { file: string; kind: string; name: string; engine: string; verdict: string }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  ignored: { file: string; line: number | null; reason: string }[];
}

evaluate('every bad resource and policy file in one run', () => {
  const root = tempDir('eval');
  const resources = join(root, 'resources');
  write(join(resources, 'good.yaml'), RESTRICTED_POD);
  writeBadFiles(resources);
  symlinkLoop(join(resources, 'nested')); // nested/loop → resources again
  const policies = join(root, 'policies');
  write(join(policies, 'policy.yaml'), KYVERNO_POLICY);
  write(join(policies, 'malformed.yaml'), 'apiVersion: kyverno.io/v1\nkind: [\n');
  write(join(policies, 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');

  const run = kpc(['eval', '--policy', policies, '--resource', resources, '--psa', 'restricted', '--json']);
  assertTerminated(run, 1);
  const out = json<EvalOutput>(run);
  const error = (name: string) => {
    const found = out.errors.find((e) => e.file.endsWith(`/${name}`));
    assert.ok(found, `no error for ${name}: ${JSON.stringify(out.errors)}`);
    return `${found!.file}${found!.line === null ? '' : `:${found!.line}`}${found!.column === null ? '' : `:${found!.column}`}: ${found!.message}`;
  };
  for (const c of BAD_CASES) assert.match(error(BAD_FILES[c].name), BAD_FILES[c].message, c);
  assert.match(error('malformed.yaml'), /policies\/malformed\.yaml:3:1: malformed YAML/);
  // each bad file once (the loop leads back into the folder, walked once)
  assert.is(out.errors.length, BAD_CASES.length + 1);
  assert.ok(out.ignored.some((i) => i.file.endsWith('/empty.yaml') && i.reason === 'empty file (no objects)'));
  assert.ok(out.ignored.some((i) => i.file.endsWith('/configmap.yaml') && /v1 ConfigMap is not a policy kind/.test(i.reason)));
  // the good pod and the Widget were still evaluated: Kyverno and PSA rows for both
  const good = out.results.filter((r) => r.name === 'good');
  assert.ok(good.some((r) => r.engine === 'kyverno' && r.verdict === 'pass'));
  assert.ok(good.some((r) => r.engine === 'psa') && good.filter((r) => r.engine === 'psa').every((r) => r.verdict === 'pass'));
  assert.ok(out.results.some((r) => r.kind === 'Widget' && r.engine === 'psa' && r.verdict === 'skip'), 'the unknown kind is evaluated as a skip');
  // without --json the same problems go to stderr, each on its own line
  const table = kpc(['eval', '--policy', policies, '--resource', resources]);
  assertTerminated(table, 1);
  for (const c of BAD_CASES) assert.match(table.stderr, new RegExp(`^kpc eval: .*${BAD_FILES[c].message.source}`, 'm'), c);
  assert.match(table.stderr, /^kpc eval: ignored .*empty\.yaml: empty file \(no objects\)$/m);
});

evaluate('a missing path is an error naming it', () => {
  const run = kpc(['eval', '--psa', 'restricted', '--resource', '/nonexistent/kpc-eval.yaml']);
  assertTerminated(run, 1);
  assert.match(run.stderr, /kpc eval: \/nonexistent\/kpc-eval\.yaml: no such file or directory/);
});

evaluate('resources that hold no object at all are an error', () => {
  const root = tempDir('eval-empty');
  writeFileSync(join(root, 'empty.yaml'), '');
  const run = kpc(['eval', '--psa', 'restricted', '--resource', root]);
  assertTerminated(run, 1);
  assert.match(run.stderr, /the --resource paths hold no objects/);
});

evaluate.run();

// ---------------------------------------------------------------------------------------------
const harness = suite('test: a bad fixture file is a failed fixture; the harness goes on');

harness('every bad fixture in one run', () => {
  const fixtures = tempDir('fixtures');
  const folder = join(fixtures, 'privileged');
  mkdirSync(folder, { recursive: true });
  for (const name of ['pass-explicit-false.yaml', 'fail-privileged.yaml']) copyFileSync(join(REPO, 'test/fixtures/controls/privileged', name), join(folder, name));
  writeBadFiles(folder, 'pass-');
  symlinkLoop(join(folder, 'nested')); // nested/loop → the control folder again
  const run = kpc(['test', '--fixtures', fixtures, '--no-corpus', '--json']);
  assertTerminated(run, 1);
  const report = json<ConformanceReport>(run);
  const id = (name: string) => `controls/privileged/pass-${name}`;
  assert.match(failure(report, id(BAD_FILES.malformed.name)).detail, BAD_FILES.malformed.message);
  assert.match(failure(report, id(BAD_FILES.list.name)).detail, /the document is not an object/);
  assert.match(failure(report, id(BAD_FILES.scalar.name)).detail, /the document is not an object/);
  assert.match(failure(report, id(BAD_FILES.invalidUtf8.name)).detail, BAD_FILES.invalidUtf8.message);
  assert.match(failure(report, id(BAD_FILES.tooLarge.name)).detail, BAD_FILES.tooLarge.message);
  assert.match(failure(report, id(BAD_FILES.tooDeep.name)).detail, BAD_FILES.tooDeep.message);
  assert.match(failure(report, id('empty.yaml')).detail, /expected one Pod, found 0 documents/);
  assert.match(failure(report, id('unknown-kind.yaml')).detail, /expected a v1 Pod, found example\.com\/v1\/Widget/);
  // the good fixtures were replayed: some checks passed
  assert.ok(report.passed > 0);
});

harness('a missing fixtures folder is a failure naming it', () => {
  const run = kpc(['test', '--fixtures', '/nonexistent/kpc-fixtures', '--no-corpus', '--json']);
  assertTerminated(run, 1);
  assert.match(failure(json<ConformanceReport>(run), 'controls').detail, /fixture folder \/nonexistent\/kpc-fixtures is missing/);
});

harness.run();

// ---------------------------------------------------------------------------------------------
const build = suite('build: bad files in policies/ stop the build with a message naming the file');

const API = join(REPO, 'src/controls/index.ts');
const PROJECT: Record<string, string> = {
  'package.json': '{"type": "module"}\n',
  'policies/tsconfig.json': JSON.stringify({ extends: join(REPO, 'tsconfig.json'), compilerOptions: { types: [], typeRoots: [join(REPO, 'node_modules/@types')] }, include: ['./**/*.ts'] }),
  'policies/config.ts': `import { defineConfig } from '${API}';\nexport default defineConfig({ pssVersion: 'latest', namespaces: [{ name: 'apps', level: 'restricted', hardening: true }] });\n`,
  'policies/privileged.ts': `import { allContainers, defineControl, every, isNotTrue } from '${API}';
export default defineControl({
  id: 'privileged', title: 'No privileged containers', description: 'd', severity: 'high', category: 'c', remediation: 'r',
  pss: { check: 'privileged', level: 'baseline' },
  versions: [{ since: 'v1.0', rules: (pod) => [{ name: 'privileged', message: 'm', check: every(allContainers(pod), (c) => isNotTrue(c.securityContext.privileged)) }] }],
});
`,
};

function project(extra: Record<string, string | Uint8Array> = {}): string {
  const root = tempDir('build');
  for (const [path, content] of Object.entries({ ...PROJECT, ...extra })) write(join(root, path), content);
  return root;
}

const buildIn = (root: string) => kpc(['build', '--root', root, '--out', join(root, 'generated'), '--quiet']);

build('the project builds (the cases below change one file)', () => {
  const run = buildIn(project());
  assertTerminated(run, 0);
  assert.match(run.stdout, /wrote \d+ files/);
});

build('invalid UTF-8 and a syntax error are type errors with file(line,col)', () => {
  const binary = buildIn(project({ 'policies/bad.ts': Buffer.from([0x65, 0x78, 0xff, 0xfe, 0x00, 0x0a]) }));
  assertTerminated(binary, 1);
  assert.match(binary.stderr, /policies\/bad\.ts\(1,1\): error TS1490: File appears to be binary/);
  const syntax = buildIn(project({ 'policies/syntax.ts': 'export default defineControl({ id: \n' }));
  assertTerminated(syntax, 1);
  assert.match(syntax.stderr, /policies\/syntax\.ts\(\d+,\d+\): error TS1109: Expression expected/);
});

build('a default export that is not a control (a list, an unknown kind) names the file', () => {
  for (const content of ['export default [1, 2];\n', 'export default { kind: "kpc.widget" };\n']) {
    const run = buildIn(project({ 'policies/odd.ts': content }));
    assertTerminated(run, 1);
    assert.match(run.stderr, /policies\/odd\.ts: the default export must be defineControl\(\{…\}\)/);
  }
});

build('a missing root, and a symlink loop inside policies/ (walked once)', () => {
  const missing = kpc(['build', '--root', '/nonexistent/kpc-project', '--quiet']);
  assertTerminated(missing, 1);
  assert.match(missing.stderr, /\/nonexistent\/kpc-project\/policies: no policies directory/);
  const root = project();
  symlinkLoop(join(root, 'policies/nested'));
  const looped = buildIn(root);
  assertTerminated(looped, 0);
  assert.match(looped.stdout, /1 controls/);
});

build.run();
