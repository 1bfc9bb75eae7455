import { stringify } from 'yaml';
import { fileStem } from '../backends/common.ts';
import { artifactName } from '../backends/common.ts';
import { ruleForm } from '../backends/kyverno/policy.ts';
import { collectionElements, evaluatePred } from '../ir/evaluate.ts';
import { OBJECT } from '../ir/nodes.ts';
import { normalizeForAdmission } from '../harness/normalize.ts';
import { podOf, variantObject } from '../harness/variants.ts';
import type { PodFixture } from '../harness/fixtures.ts';
import type { BuildModel, ResolvedControl, ResolvedRule } from './model.ts';
import type { OutputFiles } from './3-emit.ts';

/**
 * Tests in the upstream engines' own formats, generated from the project's fixtures into
 * generated/tests/: per control a `kyverno-test.yaml` (with resources and values) for the real
 * `kyverno test`, and a Gatekeeper `suite.yaml` (with samples) for the real `gator verify`.
 * Every fixture pod is also tested as a Deployment and as a CronJob (Kyverno autogen rules,
 * Gatekeeper's own reading of pod templates). Expected results come from the reference evaluator.
 */

const TEST_NAMESPACE = 'kpc-tests';
const VARIANTS = ['Pod', 'Deployment', 'CronJob'] as const;
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

interface Case {
  readonly fixture: PodFixture;
  readonly kind: (typeof VARIANTS)[number];
  readonly name: string;
  /** The object as written in the test files. */
  readonly object: Record<string, unknown>;
  /** The pod its checks read, as admission sees it. */
  readonly pod: Record<string, unknown>;
}

export function upstreamTests(model: BuildModel, fixtures: readonly PodFixture[], header: (subject: string) => string): OutputFiles {
  const files: OutputFiles = new Map();
  for (const control of model.controls) {
    const own = fixtures.filter((f) => f.control === control.id);
    if (own.length === 0) continue;
    const stem = fileStem(control);
    const labels = namespaceLabels(control);
    const cases = own.flatMap((fixture) => VARIANTS.map((kind) => testCase(fixture, kind)));
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: TEST_NAMESPACE, labels } };

    // Kyverno: kyverno-test.yaml + resources.yaml + values.yaml (namespace labels for namespaceSelector).
    const dir = `tests/kyverno/${stem}`;
    files.set(`${dir}/resources.yaml`, header(`Resources for the Kyverno test of ${control.id}`) + cases.map((c) => stringify(c.object, YAML_OPTIONS)).join('---\n'));
    files.set(`${dir}/values.yaml`, header(`Namespace labels for the Kyverno test of ${control.id}`) + stringify({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Values', metadata: { name: 'values' }, namespaceSelector: [{ name: TEST_NAMESPACE, labels }] }, YAML_OPTIONS));
    files.set(
      `${dir}/kyverno-test.yaml`,
      header(`kyverno test for ${control.id}: expected results from the reference evaluator`) +
        stringify(
          {
            apiVersion: 'cli.kyverno.io/v1alpha1',
            kind: 'Test',
            metadata: { name: artifactName(control) },
            policies: [`../../../kyverno/${stem}.yaml`],
            resources: ['resources.yaml'],
            variables: 'values.yaml',
            results: kyvernoResults(control, cases),
          },
          YAML_OPTIONS,
        ),
    );

    // Gatekeeper: suite.yaml + samples/ + the namespace as inventory (namespaceSelector reads it).
    const suiteDir = `tests/gatekeeper/${stem}`;
    files.set(`${suiteDir}/namespace.yaml`, header('The test namespace, labelled for the control') + stringify(namespace, YAML_OPTIONS));
    for (const c of cases) files.set(`${suiteDir}/samples/${c.name}.yaml`, header(`${c.kind} from fixture ${c.fixture.id}`) + stringify(c.object, YAML_OPTIONS));
    files.set(
      `${suiteDir}/suite.yaml`,
      header(`gator verify suite for ${control.id}: expected violations from the reference evaluator`) +
        stringify(
          {
            kind: 'Suite',
            apiVersion: 'test.gatekeeper.sh/v1alpha1',
            metadata: { name: artifactName(control) },
            tests: [
              {
                name: control.id,
                template: `../../../gatekeeper/templates/${stem}.yaml`,
                constraint: `../../../gatekeeper/constraints/${stem}.yaml`,
                cases: cases.map((c) => {
                  const failing = control.rules.filter((rule) => !evaluatePred(rule.check, c.pod)).length;
                  return { name: c.name, object: `samples/${c.name}.yaml`, inventory: ['namespace.yaml'], assertions: [{ violations: failing === 0 ? 'no' : failing }] };
                }),
              },
            ],
          },
          YAML_OPTIONS,
        ),
    );
  }
  return files;
}

function testCase(fixture: PodFixture, kind: (typeof VARIANTS)[number]): Case {
  const base = String((fixture.pod['metadata'] as { name?: unknown } | undefined)?.name ?? 'fixture');
  const name = kind === 'Pod' ? base : `${base}-${kind.toLowerCase()}`;
  const renamed = { ...fixture.pod, metadata: { ...(fixture.pod['metadata'] as object), name } };
  const object = variantObject(renamed, kind, TEST_NAMESPACE);
  return { fixture, kind, name, object, pod: podOf(normalizeForAdmission(object) as Record<string, unknown>) };
}

/** Labels that put a namespace in the control's scope. */
function namespaceLabels(control: ResolvedControl): Record<string, string> {
  return { [control.scope.key]: control.scope.values?.[0] ?? 'true' };
}

/** One result row per rule and case (rule names match autogen-/autogen-cronjob- responses too). */
function kyvernoResults(control: ResolvedControl, cases: readonly Case[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const rule of control.rules) {
    for (const c of cases) rows.push({ policy: artifactName(control), rule: rule.name, resources: [c.name], kind: c.kind, result: kyvernoStatus(control, rule, c.pod) });
  }
  return rows;
}

/**
 * The status Kyverno reports, from the reference evaluator and the rule's compiled form: a
 * foreach rule is skipped when a guard (precondition) holds, and has no response — `skip` in a
 * strict comparison — when its list is empty.
 */
function kyvernoStatus(control: ResolvedControl, rule: ResolvedRule, pod: Record<string, unknown>): 'pass' | 'fail' | 'skip' {
  const form = ruleForm(control, rule);
  if (form.kind === 'foreach') {
    if (form.guards.some((guard) => evaluatePred(guard, pod))) return 'skip';
    if (collectionElements(form.quantifier.collection, new Map([[OBJECT, pod]])).length === 0) return 'skip';
  }
  return evaluatePred(rule.check, pod) ? 'pass' : 'fail';
}
