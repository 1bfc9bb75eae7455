// A deliberately broken artifact makes `kpc test` fail with a divergence naming the control and the
// engine that reads the artifact — and only that engine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { unexplainedEngines } from '../../src/harness/compare.ts';
import { buildReport } from '../../src/harness/report.ts';
import { runHarness, type HarnessResult } from '../../src/harness/run.ts';

const root = resolve(import.meta.dirname, '../..');
const test = suite('broken generated artifacts are caught');

/** Rewrite one generated object in memory (header comments dropped; the engines never read them). */
function rewrite(files: Map<string, string>, path: string, change: (object: Record<string, unknown>) => void): void {
  const text = files.get(path);
  assert.ok(text, `${path} is generated`);
  const object = parse(text!) as Record<string, unknown>;
  change(object);
  files.set(path, stringify(object));
}

function divergingEngines(result: HarnessResult, control: string): Set<string> {
  return new Set(result.tally.divergences.filter((d) => d.control === control).flatMap(unexplainedEngines));
}

test('a ClusterPolicy rule that accepts everything: divergences name hostPorts and kyverno only', async () => {
  const result = await runHarness({
    root,
    corpusDir: null,
    controls: ['hostPorts'],
    mutate: (files) =>
      rewrite(files, 'kyverno/host-ports.yaml', (policy) => {
        const rules = (policy['spec'] as { rules: { validate: Record<string, unknown> }[] }).rules;
        const { failureAction, message } = rules[0]!.validate;
        rules[0]!.validate = { failureAction, message, pattern: { spec: { containers: [{ name: '*' }] } } }; // holds for any pod
      }),
  });
  assert.equal([...divergingEngines(result, 'hostPorts')], ['kyverno']);
  const broken = result.tally.divergences.find((d) => d.control === 'hostPorts' && d.fixture === 'controls/hostPorts/fail-host-port.yaml' && d.variant === 'Deployment');
  assert.ok(broken, 'the Deployment variant of the failing fixture diverges (through the autogen rule)');
  assert.is(broken!.verdicts.reference!.outcome, 'fail');
  assert.is(broken!.verdicts.kyverno!.outcome, 'pass');
  const report = buildReport(result);
  assert.ok(report.failed > 0, 'kpc test fails');
  const failure = report.failures.find((f) => f.id.includes(':hostPorts') && f.actual.startsWith('kyverno: pass'));
  assert.ok(failure, 'a failure names the control and the engine');
  assert.ok(report.controls.find((c) => c['id'] === 'hostPorts')!['nonVacuous'] === false, 'the rule that never fails is vacuous in kyverno');
});

test('a ConstraintTemplate whose CEL validation accepts everything: divergences name the control and gatekeeper-cel only', async () => {
  const result = await runHarness({
    root,
    corpusDir: null,
    controls: ['privileged'],
    mutate: (files) =>
      rewrite(files, 'gatekeeper/templates/privileged.yaml', (template) => {
        const code = (template['spec'] as { targets: { code: { engine: string; source: { validations: { expression: string }[] } }[] }[] }).targets[0]!.code;
        const cel = code.find((c) => c.engine === 'K8sNativeValidation')!;
        for (const validation of cel.source.validations) validation.expression = 'true';
      }),
  });
  assert.equal([...divergingEngines(result, 'privileged')], ['gatekeeper-cel']);
  const report = buildReport(result);
  assert.ok(report.failures.some((f) => f.id.endsWith(':privileged') && f.actual === 'gatekeeper-cel: pass'));
});

test('a Constraint scoped to the wrong level: the scope divergence names the control and both Gatekeeper engines', async () => {
  const result = await runHarness({
    root,
    corpusDir: null,
    controls: ['runAsNonRoot'],
    mutate: (files) =>
      rewrite(files, 'gatekeeper/constraints/run-as-non-root.yaml', (constraint) => {
        const match = (constraint['spec'] as { match: { namespaceSelector: { matchExpressions: { values: string[] }[] } } }).match;
        match.namespaceSelector.matchExpressions[0]!.values = ['baseline', 'restricted'];
      }),
  });
  assert.equal([...divergingEngines(result, 'runAsNonRoot')].sort(), ['gatekeeper-cel', 'gatekeeper-rego']);
  const leak = result.tally.divergences.find((d) => d.control === 'runAsNonRoot' && d.namespace === 'legacy-batch');
  assert.ok(leak, 'the restricted control fires in the baseline namespace');
  assert.is(leak!.verdicts.reference!.outcome, 'not-applied');
});

test('a ValidatingAdmissionPolicyBinding that only audits: the action divergence names the control and vap only', async () => {
  const result = await runHarness({
    root,
    corpusDir: null,
    controls: ['hostPorts'],
    mutate: (files) =>
      rewrite(files, 'vap/bindings/host-ports.yaml', (binding) => {
        (binding['spec'] as { validationActions: string[] }).validationActions = ['Audit'];
      }),
  });
  assert.equal([...divergingEngines(result, 'hostPorts')], ['vap']);
  const weak = result.tally.divergences.find((d) => d.control === 'hostPorts' && d.verdicts.reference?.outcome === 'fail');
  assert.ok(weak);
  assert.is(weak!.verdicts.reference!.action, 'deny');
  assert.is(weak!.verdicts.vap!.action, 'audit');
});

test('a ValidatingPolicy whose validations accept everything: divergences name the control and kyverno-vpol only, autogen variants included', async () => {
  const result = await runHarness({
    root,
    corpusDir: null,
    controls: ['privileged'],
    mutate: (files) => {
      for (const path of [...files.keys()].filter((p) => p.startsWith('kyverno-vpol/privileged'))) {
        rewrite(files, path, (policy) => {
          for (const validation of (policy['spec'] as { validations: { expression: string }[] }).validations) validation.expression = 'true';
        });
      }
    },
  });
  assert.equal([...divergingEngines(result, 'privileged')], ['kyverno-vpol']);
  const variants = new Set(result.tally.divergences.filter((d) => d.control === 'privileged').map((d) => d.variant));
  for (const kind of ['Pod', 'Deployment', 'CronJob', 'Job']) assert.ok(variants.has(kind), kind);
  assert.not.ok(variants.has('ReplicationController'), 'no autogen for ReplicationControllers: never judged');
  assert.ok(buildReport(result).controls.find((c) => c['id'] === 'privileged')!['nonVacuous'] === false);
});

test.run();
