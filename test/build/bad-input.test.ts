import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/index.ts';
import { main } from '../../src/cli/main.ts';
import { renderTemplate } from '../../src/build/templates.ts';
import { KpcError } from '../../src/util/errors.ts';
import { API, MINIMAL_CONFIG, PRIVILEGED_CONTROL, tempProject } from './temp-project.ts';

const test = suite('build: bad input is a clear error naming file and field, and nothing is written');

async function buildError(files: Record<string, string>, options: { pssVersion?: string } = {}): Promise<string> {
  const root = tempProject({ 'policies/config.ts': MINIMAL_CONFIG, ...files });
  try {
    await build({ root, typecheck: false, ...options });
  } catch (error) {
    assert.ok(error instanceof KpcError, `expected a KpcError, got ${String(error)}`);
    return error.toString();
  }
  throw new Error('the build succeeded');
}

const control = (body: string) => `import { allContainers, defineControl, every, isNotTrue, param, atLeast, effective } from '${API}';
export default defineControl(${body});`;
const rules = `versions: [{ since: 'v1.0', rules: (pod) => [{ name: 'r', message: 'm', check: every(allContainers(pod), (c) => isNotTrue(c.securityContext.privileged)) }] }]`;

test('invalid control id', async () => {
  const message = await buildError({ 'policies/x.ts': control(`{ id: 'Not-Valid', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r', pss: { check: 'privileged', level: 'baseline' }, ${rules} }`) });
  assert.match(message, /policies\/x\.ts:\d+: id: invalid control id "Not-Valid"/);
});

test('duplicate control id names both files', async () => {
  const message = await buildError({ 'policies/a.ts': PRIVILEGED_CONTROL, 'policies/b.ts': PRIVILEGED_CONTROL });
  assert.match(message, /policies\/b\.ts:\d+: id: duplicate control id "privileged" \(also defined in .*policies\/a\.ts\)/);
});

test('unknown PSS check', async () => {
  const message = await buildError({ 'policies/x.ts': control(`{ id: 'x', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r', pss: { check: 'privilegedd' as never, level: 'baseline' }, ${rules} }`) });
  assert.match(message, /policies\/x\.ts:\d+: pss\.check: unknown PSS check "privilegedd"/);
});

test('PSS check at the wrong level', async () => {
  const message = await buildError({ 'policies/x.ts': control(`{ id: 'x', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r', pss: { check: 'privileged', level: 'restricted' }, ${rules} }`) });
  assert.match(message, /pss\.level: PSS check "privileged" belongs to level baseline, not restricted/);
});

test('empty check: no versions, no rules, a constant check', async () => {
  assert.match(await buildError({ 'policies/x.ts': control(`{ id: 'x', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r', pss: { check: 'privileged', level: 'baseline' }, versions: [] }`) }), /versions: empty check/);
  assert.match(await buildError({ 'policies/x.ts': control(`{ id: 'x', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r', rules: () => [] }`) }), /rules: empty check: rules returned no rule/);
  const constant = `import { defineControl, or, not, isUnset } from '${API}';
export default defineControl({ id: 'x', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r', rules: () => [{ name: 'r', message: 'm', check: { kind: 'const', value: true } }] });`;
  assert.match(await buildError({ 'policies/x.ts': constant }), /rules\[0\]\.check: empty check: the check is the constant true/);
});

test('parameter failing its schema (default, and override in the config)', async () => {
  const withParam = (value: number) =>
    control(`{ id: 'uids', title: 't', description: 'd', severity: 'high', category: 'c', remediation: 'r',
      parameters: { minUid: param.integer({ default: ${value}, minimum: 0, description: 'min' }) },
      rules: (pod, params) => [{ name: 'r', message: 'm', check: every(allContainers(pod), (c) => atLeast(effective(c.securityContext.runAsUser, pod.spec.securityContext.runAsUser), params.minUid)) }] }`);
  assert.match(await buildError({ 'policies/x.ts': withParam(-1) }), /policies\/x\.ts:\d+: parameters\.minUid\.default: default fails its schema: data must be >= 0/);
  const config = `import { defineConfig } from '${API}';
export default defineConfig({ pssVersion: 'latest', namespaces: [], controls: { uids: { parameters: { minUid: 'many' } } } });`;
  assert.match(await buildError({ 'policies/x.ts': withParam(1000), 'policies/config.ts': config }), /policies\/config\.ts: controls\.uids\.parameters\.minUid: parameter fails its schema: minUid must be integer/);
  const unknown = config.replace("minUid: 'many'", 'maxUid: 3');
  assert.match(await buildError({ 'policies/x.ts': withParam(1000), 'policies/config.ts': unknown }), /controls\.uids\.parameters\.maxUid: unknown parameter "maxUid"/);
});

test('unknown namespace level, unknown version, unknown hardening control, unknown control in config', async () => {
  const config = (ns: string, extra = '') => `import { defineConfig } from '${API}';
export default defineConfig({ pssVersion: 'latest', namespaces: [${ns}]${extra} } as never);`;
  assert.match(await buildError({ 'policies/config.ts': config(`{ name: 'apps', level: 'strict' }`) }), /policies\/config\.ts:\d+: namespaces\[0\]\.level: unknown level "strict"/);
  assert.match(await buildError({ 'policies/config.ts': config(`{ name: 'apps', level: 'baseline', warn: { level: 'restricted', version: 'v1.025' } }`) }), /namespaces\[0\]\.warn\.version: invalid PSS version "v1\.025"/);
  assert.match(await buildError({ 'policies/config.ts': config(`{ name: 'apps', level: 'baseline', hardening: ['noSuchControl'] }`) }), /namespaces\[0\]\.hardening: unknown hardening control "noSuchControl"/);
  assert.match(await buildError({ 'policies/config.ts': config('', `, controls: { ghost: {} }`) }), /controls\.ghost: unknown control "ghost"/);
  assert.match(await buildError({ 'policies/config.ts': config(`{ name: 'Apps', level: 'baseline' }`) }), /namespaces\[0\]\.name: invalid namespace name "Apps"/);
  assert.match(await buildError({}, { pssVersion: 'v2.0' }), /--pss-version: invalid PSS version "v2\.0"/);
});

test('exemptions: unknown control, malformed selector or image pattern, not-a-date or past expiry; rollout: unknown mode or namespace', async () => {
  const config = (extra: string) => `import { defineConfig } from '${API}';
export default defineConfig({ pssVersion: 'latest', namespaces: [{ name: 'apps', level: 'restricted' }], ${extra} } as never);`;
  const files = (extra: string) => ({ 'policies/privileged.ts': PRIVILEGED_CONTROL, 'policies/config.ts': config(extra) });
  const cases: [string, RegExp][] = [
    [`exemptions: [{ namespaces: ['apps'], controls: ['privilegd'], reason: 'r' }]`, /exemptions\[0\]\.controls: unknown control "privilegd"/],
    [`exemptions: [{ workload: { selector: { matchLabels: { 'bad key!': 'x' } } }, reason: 'r' }]`, /exemptions\[0\]\.workload\.selector: invalid label key "bad key!"/],
    [`exemptions: [{ workload: { selector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }, reason: 'r' }]`, /exemptions\[0\]\.workload\.selector: operator In needs values/],
    [`exemptions: [{ workload: { selector: {} }, reason: 'r' }]`, /an empty selector would match everything/],
    [`exemptions: [{ images: ['*'], reason: 'r' }]`, /exemptions\[0\]\.images: invalid image pattern "\*"/],
    [`exemptions: [{ images: ['reg.io/*/app'], reason: 'r' }]`, /invalid image pattern "reg\.io\/\*\/app"/],
    [`exemptions: [{ namespaces: ['apps'], reason: 'r', expires: 'next week' }]`, /exemptions\[0\]\.expires: expires must be a date \(YYYY-MM-DD\), not "next week"/],
    [`exemptions: [{ namespaces: ['apps'], reason: 'r', expires: '2026-02-30' }]`, /expires must be a date/],
    [`exemptions: [{ namespaces: ['apps'], reason: 'legacy', expires: '2020-01-01' }]`, /exemptions\[0\]\.expires: expired on 2020-01-01 \(legacy\)/],
    [`exemptions: [{ namespaces: ['apps'], images: ['x'], reason: 'r' }]`, /exactly one of namespaces, workload or images \(found namespaces, images\)/],
    [`exemptions: [{ namespaces: ['apps'] }]`, /exemptions\[0\]\.reason: an exemption needs a reason/],
    [`exemptions: [{ workload: { kind: 'Deployment', name: 'web' }, reason: 'r' }]`, /exemptions\[0\]\.workload\.namespace: invalid namespace name undefined/],
    [`rollout: { default: 'block' }`, /rollout\.default: unknown rollout mode "block"/],
    [`rollout: { namespaces: { elsewhere: 'audit' } }`, /rollout\.namespaces\.elsewhere: unknown namespace "elsewhere"/],
  ];
  for (const [extra, expected] of cases) {
    const root = tempProject(files(extra));
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      assert.is(await main(['build', '--root', root]), 1, extra);
    } finally {
      process.stderr.write = write;
    }
    assert.match(errors.join(''), /policies\/config\.ts/, extra);
    assert.match(errors.join(''), expected, extra);
    assert.not.ok(existsSync(join(root, 'generated')), `nothing written for ${extra}`);
  }
});

test('a template that fails to render names the template', () => {
  const root = tempProject({ 'templates/broken.hbs': '{{#each items}}{{/if}}' });
  assert.throws(() => renderTemplate('broken.hbs', { items: [] }, join(root, 'templates')), (e: unknown) => e instanceof KpcError && String(e).startsWith('templates/broken.hbs: template failed to render'));
  const missingField = tempProject({ 'templates/strict.hbs': '{{control.id}}' });
  assert.throws(() => renderTemplate('strict.hbs', {}, join(missingField, 'templates')), (e: unknown) => String(e).includes('template failed to render'));
});

test('kpc build: a type error in policies/ stops the build with tsc\'s message, exit 1, nothing written', async () => {
  const misspelled = PRIVILEGED_CONTROL.replace('c.securityContext.privileged', 'c.securityContext.priviliged');
  const root = tempProject({ 'policies/config.ts': MINIMAL_CONFIG, 'policies/privileged.ts': misspelled });
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.is(await main(['build', '--root', root]), 1);
  } finally {
    process.stderr.write = write;
  }
  assert.match(errors.join(''), /privileged\.ts\(\d+,\d+\): error TS2551: Property 'priviliged' does not exist/);
  assert.not.ok(existsSync(join(root, 'generated')));
});

test('a value of the wrong type is a TypeScript error too', async () => {
  const { typecheckPolicies } = await import('../../src/build/1-load.ts');
  const wrongType = PRIVILEGED_CONTROL.replace('isNotTrue(c.securityContext.privileged)', "equals(c.securityContext.privileged, 'true')").replace('isNotTrue }', 'isNotTrue, equals }');
  const root = tempProject({ 'policies/config.ts': MINIMAL_CONFIG, 'policies/privileged.ts': wrongType });
  assert.throws(() => typecheckPolicies(join(root, 'policies')), (e: unknown) => /privileged\.ts\(\d+,\d+\): error TS2345: Argument of type '"true"' is not assignable to parameter of type 'Operand<boolean>'/.test(String(e)));
});

test('kpc build: a failing build leaves an existing output folder untouched', async () => {
  const root = tempProject({ 'policies/config.ts': MINIMAL_CONFIG, 'policies/privileged.ts': PRIVILEGED_CONTROL });
  mkdirSync(join(root, 'generated'));
  writeFileSync(join(root, 'generated', 'keep.txt'), 'previous output');
  writeFileSync(join(root, 'policies', 'dup.ts'), PRIVILEGED_CONTROL);
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.is(await main(['build', '--root', root]), 1);
  } finally {
    process.stderr.write = write;
  }
  assert.is(readFileSync(join(root, 'generated', 'keep.txt'), 'utf8'), 'previous output');
});

test.run();
