// Bad input inside `kpc audit` and `kpc explain`: each case ends as a reported error (file, line)
// within a bound, and the run goes on — never a hang or a crash.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Auditor } from '../../src/audit/evaluate.ts';
import { runAudit, type AuditError, type AuditSink, type WorkloadReport } from '../../src/audit/run.ts';
import { main } from '../../src/cli/main.ts';
import { MAX_INPUT_BYTES } from '../../src/util/yaml.ts';

const test = suite('audit and explain: bad input');
const root = resolve(import.meta.dirname, '../..');
let dir: string;
let auditor: Auditor;

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: payments}\nspec:\n  containers:\n  - {name: c, image: "x:1"}\n';

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kpc-audit-bad-'));
  auditor = await Auditor.create({ root });
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function audit(paths: string[]): Promise<{ workloads: WorkloadReport[]; errors: AuditError[] }> {
  const workloads: WorkloadReport[] = [];
  const errors: AuditError[] = [];
  const sink: AuditSink = { begin() {}, file() {}, workload: (w) => workloads.push(w), error: (e) => errors.push(e), end() {} };
  await runAudit({ root, paths }, sink, auditor);
  return { workloads, errors };
}

test('deep nesting: reported (or read) without a stack overflow; the next document is audited', async () => {
  const deep = `${'['.repeat(20000)}${']'.repeat(20000)}`;
  const nested = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
  const file = join(dir, 'deep.yaml');
  writeFileSync(file, `a: ${deep}\n---\n${nested}\n---\n${POD}`);
  const { workloads, errors } = await audit([file]);
  assert.equal(workloads.map((w) => w.name), ['ok']);
  assert.ok(errors.length >= 1 && errors.every((e) => e.file.endsWith('deep.yaml') && e.line !== null), JSON.stringify(errors));
});

test('a deeply nested pod spec is an error for that workload, not a crash', async () => {
  const value = `${'{"a":'.repeat(20000)}"x"${'}'.repeat(20000)}`;
  const file = join(dir, 'deep-pod.json');
  writeFileSync(file, `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "deep", "namespace": "payments"}, "spec": {"containers": [{"name": "c", "image": "x:1", "env": ${value}}]}}`);
  const { errors } = await audit([file, join(dir, 'deep.yaml')]);
  assert.ok(errors.some((e) => e.file.endsWith('deep-pod.json')), JSON.stringify(errors));
});

test('a file over the size limit is refused with the limit named', async () => {
  const file = join(dir, 'huge.yaml');
  writeFileSync(file, `a: "${'x'.repeat(MAX_INPUT_BYTES)}"\n`);
  const { errors } = await audit([file]);
  assert.equal(errors.map((e) => e.file.endsWith('huge.yaml')), [true]);
  assert.match(errors[0]!.message, /too large/);
  rmSync(file);
});

test('symlink loops are walked once; empty files and empty documents are nothing', async () => {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'a'), { recursive: true });
  symlinkSync(tree, join(tree, 'a', 'loop'));
  writeFileSync(join(tree, 'a', 'pod.yaml'), POD);
  writeFileSync(join(tree, 'empty.yaml'), '');
  writeFileSync(join(tree, 'separators.yaml'), '---\n---\n# only a comment\n---\n');
  const { workloads, errors } = await audit([tree]);
  assert.equal(workloads.map((w) => w.name), ['ok']);
  assert.equal(errors, []);
});

test('scalars, lists and objects without kind are reported or ignored, never crash', async () => {
  const file = join(dir, 'odd.yaml');
  writeFileSync(file, `just a string\n---\n42\n---\n{metadata: {name: no-kind}}\n---\nkind: Pod\nspec: 7\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata: [1]\nspec: {template: 3}\n---\n${POD}`);
  const { workloads, errors } = await audit([file]);
  assert.equal(errors.map((e) => e.line), [1, 3]);
  assert.equal(workloads.map((w) => w.kind).sort(), ['Deployment', 'Pod', 'Pod']);
});

test('explain: malformed, too deep or missing input is an error (exit 1), not a crash', async () => {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const deep = join(dir, 'deep-explain.yaml');
    writeFileSync(deep, `a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    for (const file of [deep, join(dir, 'missing.yaml')]) {
      assert.is(await main(['explain', file, '--root', root]), 1, file);
      assert.is(await main(['explain', '--fix', file, '--root', root]), 1, file);
    }
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
});

test.run();
