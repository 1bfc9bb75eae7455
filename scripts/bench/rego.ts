// Rego interpreter throughput: evaluations per second of a gatekeeper-library template's
// `violation` rule on one of its sample reviews (input converted on every evaluation, as a driver
// does), plus the compile time of the template.
import { join } from 'node:path';
import { compileRego, toGoFloatNumbers, type RegoModuleSource } from '../../src/engines/rego/index.ts';
import { readYamlObjects } from '../../src/util/yaml.ts';
import { CONFORMANCE_DIR } from '../../test/skip.ts';
import type { Bench, BenchFigure } from './types.ts';

const WARMUP_MS = 1000;
const MEASURE_MS = 2000;

function rate(work: () => void): { perSecond: number; calls: number } {
  const until = performance.now() + WARMUP_MS;
  while (performance.now() < until) for (let i = 0; i < 20; i++) work();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < MEASURE_MS) {
    for (let i = 0; i < 20; i++) work();
    calls += 20;
  }
  return { perSecond: calls / ((performance.now() - start) / 1000), calls };
}

interface Target {
  readonly template: string;
  readonly constraint: string;
  readonly object: string;
}

const LIBRARY = join(CONFORMANCE_DIR, 'gatekeeper-library/library/pod-security-policy');
const TARGETS: readonly Target[] = [
  { template: 'capabilities', constraint: 'psp-capabilities-restricted/constraint.yaml', object: 'psp-capabilities-restricted/example_disallowed.yaml' },
  { template: 'seccomp', constraint: 'psp-seccomp/constraint.yaml', object: 'psp-seccomp/example_disallowed.yaml' },
];

function regoModules(template: Record<string, unknown>, name: string): RegoModuleSource[] {
  const targets = (template.spec as { targets: { rego?: string; libs?: string[]; code?: { engine: string; source: { rego: string; libs?: string[] } }[] }[] }).targets;
  for (const t of targets) {
    const src = t.rego !== undefined ? { rego: t.rego, libs: t.libs ?? [] } : t.code?.find((c) => c.engine === 'Rego')?.source;
    if (src) return [{ path: `${name}.rego`, source: src.rego }, ...(src.libs ?? []).map((lib, i) => ({ path: `${name}-lib${i}.rego`, source: lib }))];
  }
  throw new Error(`${name}: no Rego`);
}

export const bench: Bench = async () => {
  const figures: BenchFigure[] = [];
  for (const target of TARGETS) {
    const dir = join(LIBRARY, target.template);
    let template: Record<string, unknown>;
    let constraint: Record<string, unknown>;
    let object: Record<string, unknown>;
    try {
      template = readYamlObjects(join(dir, 'template.yaml'))[0]!.value;
      constraint = readYamlObjects(join(dir, 'samples', target.constraint))[0]!.value;
      object = readYamlObjects(join(dir, 'samples', target.object))[0]!.value;
    } catch {
      console.error(`bench rego: ${dir} is absent; its figures are skipped`);
      continue;
    }
    const modules = regoModules(template, target.template);
    const pkg = /^package\s+([\w.]+)/m.exec(modules[0]!.source)![1]!;
    const compile = rate(() => compileRego(modules));
    figures.push({ name: `Rego: compile ${target.template} template`, value: compile.perSecond, unit: 'compiles/s', detail: `${modules.length} modules` });
    const policy = compileRego(modules);
    const parameters = (constraint.spec as { parameters?: unknown }).parameters ?? {};
    const query = `r := data.${pkg}.violation[_]`;
    const review = {
      uid: '',
      kind: { group: '', version: 'v1', kind: object.kind },
      resource: { group: '', version: '', resource: '' },
      name: (object.metadata as { name?: string }).name,
      operation: '',
      userInfo: {},
      object,
      oldObject: null,
      options: null,
      namespaceObject: null,
    };
    const violations = policy.query(query, { input: { review: toGoFloatNumbers(review), parameters } }).length;
    const { perSecond, calls } = rate(() => policy.query(query, { input: { review: toGoFloatNumbers(review), parameters } }));
    figures.push({
      name: `Rego: ${target.template} violation on a sample review`,
      value: perSecond,
      unit: 'evals/s',
      detail: `${calls} evaluations, ${violations} violation(s) each, input converted per evaluation`,
    });
  }
  return figures;
};
