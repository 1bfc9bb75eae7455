// CEL layer throughput: evaluations per second of representative corpus expressions (the three
// measured in docs/cel.md: E1 has()-style, E2 pod-security-vpol optional style, E3 a whole
// Gatekeeper K8sPSPCapabilities template per request), through the public API with the cost meter on.
import { join } from 'node:path';
import { compileCelPolicy, defaultCelEnvironment, toCelValue } from '../../src/engines/cel/index.ts';
import { readYamlObjects } from '../../src/util/yaml.ts';
import { CONFORMANCE_DIR } from '../../test/skip.ts';
import type { Bench, BenchFigure } from './types.ts';

const WARMUP_MS = 1000;
const MEASURE_MS = 2000;

/** Calls per second of `work`, after a warm-up, over about MEASURE_MS. */
function rate(work: () => void): { perSecond: number; calls: number } {
  const until = performance.now() + WARMUP_MS;
  while (performance.now() < until) for (let i = 0; i < 100; i++) work();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < MEASURE_MS) {
    for (let i = 0; i < 100; i++) work();
    calls += 100;
  }
  return { perSecond: calls / ((performance.now() - start) / 1000), calls };
}

const container = (name: string) => ({ name, image: 'nginx:1.25', securityContext: { privileged: false, capabilities: { add: ['CHOWN'], drop: ['ALL'] } } });
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'bench', namespace: 'default' },
  spec: { containers: [container('a'), container('b')], initContainers: [container('init')] },
};

const E1 =
  'object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false) && ' +
  '(!has(object.spec.initContainers) || object.spec.initContainers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false))';
const E2 =
  '(object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([]))' +
  '.all(container, container.?securityContext.?privileged.orValue(false) == false)';

export const bench: Bench = async () => {
  const figures: BenchFigure[] = [];
  const activation = { object: toCelValue(pod), oldObject: null, request: toCelValue({ operation: 'CREATE' }), params: null, namespaceObject: null, variables: {} };
  for (const [label, text] of [['E1 has()-style expression', E1], ['E2 pod-security-vpol optional style', E2]] as const) {
    const program = defaultCelEnvironment().compile(text);
    const { perSecond, calls } = rate(() => program.run(activation));
    figures.push({ name: `CEL: ${label}, one pod`, value: perSecond, unit: 'evals/s', detail: `${calls} evaluations` });
  }

  const templateFile = join(CONFORMANCE_DIR, 'gatekeeper-library/library/pod-security-policy/capabilities/template.yaml');
  const constraintFile = join(CONFORMANCE_DIR, 'gatekeeper-library/library/pod-security-policy/capabilities/samples/psp-capabilities-restricted/constraint.yaml');
  let template: Record<string, unknown>;
  let constraint: Record<string, unknown>;
  try {
    template = readYamlObjects(templateFile)[0]!.value;
    constraint = readYamlObjects(constraintFile)[0]!.value;
  } catch {
    console.error(`bench cel: ${templateFile} is absent; the Gatekeeper template figure is skipped`);
    return figures;
  }
  type Code = { engine: string; source: { variables?: { name: string; expression: string }[]; validations?: { expression: string; messageExpression?: string }[] } };
  const targets = (template.spec as { targets: { code: Code[] }[] }).targets;
  const source = targets[0]!.code.find((c) => c.engine === 'K8sNativeValidation')!.source;
  const policy = compileCelPolicy({
    variables: [
      { name: 'anyObject', expression: 'has(request.operation) && request.operation=="DELETE" && object==null ? oldObject : object' },
      { name: 'params', expression: '!has(params.spec) ? null : !has(params.spec.parameters) ? null : params.spec.parameters' },
      ...(source.variables ?? []),
    ],
    validations: source.validations ?? [],
  });
  const { perSecond, calls } = rate(() => policy.validate({ object: pod, oldObject: null, request: { operation: 'CREATE' }, params: constraint }));
  figures.push({
    name: 'CEL: Gatekeeper K8sPSPCapabilities template, per request',
    value: perSecond,
    unit: 'requests/s',
    detail: `${(source.variables ?? []).length + 2} lazy variables + ${(source.validations ?? []).length} validations, ${calls} requests`,
  });
  return figures;
};
