// Every CEL expression of the shared conformance corpora compiles in our environment: Gatekeeper
// K8sNativeValidation templates (with the two variables Gatekeeper injects first), Kyverno
// `validate.cel` ClusterPolicies and Kyverno ValidatingPolicies. cel.md measured them all parsing
// and type-checking in cel-go's terms; a compile issue here is a divergence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileCelPolicy, type CelPolicySpec } from '../../../src/engines/cel/index.ts';
import { collectFiles } from '../../../src/util/files.ts';
import { readYamlObjects } from '../../../src/util/yaml.ts';
import { conformancePath } from '../../skip.ts';

type Doc = Record<string, unknown>;
const asArray = (value: unknown): Doc[] => (Array.isArray(value) ? (value as Doc[]) : []);
const asDoc = (value: unknown): Doc => (typeof value === 'object' && value !== null ? (value as Doc) : {});

interface CorpusPolicy {
  readonly id: string;
  readonly spec: CelPolicySpec;
}

function countExpressions(spec: CelPolicySpec): number {
  return (
    (spec.variables?.length ?? 0) +
    (spec.matchConditions?.length ?? 0) +
    (spec.validations ?? []).reduce((n, v) => n + 1 + (v.messageExpression ? 1 : 0), 0) +
    (spec.auditAnnotations?.length ?? 0)
  );
}

const named = (items: unknown) => asArray(items).map((v) => ({ name: String(v.name), expression: String(v.expression) }));
const validations = (items: unknown) =>
  asArray(items).map((v) => ({
    expression: String(v.expression),
    ...(typeof v.message === 'string' ? { message: v.message } : {}),
    ...(typeof v.messageExpression === 'string' ? { messageExpression: v.messageExpression } : {}),
  }));

// gatekeeper pkg/drivers/k8scel/transform: the variables Gatekeeper prepends to every template's own.
const GATEKEEPER_VARIABLES = [
  { name: 'anyObject', expression: 'has(request.operation) && request.operation=="DELETE" && object==null ? oldObject : object' },
  { name: 'params', expression: '!has(params.spec) ? null : !has(params.spec.parameters) ? null : params.spec.parameters' },
];

function gatekeeperPolicies(root: string): CorpusPolicy[] {
  const out: CorpusPolicy[] = [];
  for (const file of collectFiles([root], { fileName: 'template.yaml' })) {
    for (const { value } of readYamlObjects(file)) {
      for (const target of asArray(asDoc(value.spec).targets)) {
        for (const code of asArray(target.code)) {
          if (code.engine !== 'K8sNativeValidation') continue;
          const source = asDoc(code.source);
          out.push({
            id: file,
            spec: {
              variables: [...GATEKEEPER_VARIABLES, ...named(source.variables)],
              matchConditions: named(source.matchConditions),
              validations: validations(source.validations),
            },
          });
        }
      }
    }
  }
  return out;
}

function kyvernoPolicies(root: string): CorpusPolicy[] {
  const out: CorpusPolicy[] = [];
  const files = collectFiles([root], { extensions: ['.yaml'], skipDirs: ['.kyverno-test', '.chainsaw-test'] });
  for (const file of files) {
    for (const { value } of readYamlObjects(file)) {
      const spec = asDoc(value.spec);
      if (value.kind === 'ValidatingPolicy') {
        out.push({
          id: file,
          spec: {
            variables: named(spec.variables),
            matchConditions: named(spec.matchConditions),
            validations: validations(spec.validations),
            auditAnnotations: asArray(spec.auditAnnotations).map((a) => ({ key: String(a.key), valueExpression: String(a.valueExpression) })),
          },
        });
      } else if (value.kind === 'ClusterPolicy' || value.kind === 'Policy') {
        for (const rule of asArray(spec.rules)) {
          const cel = asDoc(asDoc(rule.validate).cel);
          if (!asDoc(rule.validate).cel) continue;
          out.push({
            id: `${file}#${String(rule.name)}`,
            spec: {
              variables: named(cel.variables),
              matchConditions: named(rule.celPreconditions),
              validations: validations(cel.expressions),
            },
          });
        }
      }
    }
  }
  return out;
}

const gatekeeperRoot = conformancePath('gatekeeper-library/library');
const celRoot = conformancePath('kyverno-policies/pod-security-cel');
const vpolRoot = conformancePath('kyverno-policies/pod-security-vpol');

function assertAllCompile(policies: readonly CorpusPolicy[], minimumExpressions: number): void {
  let expressions = 0;
  const problems: string[] = [];
  for (const policy of policies) {
    const compiled = compileCelPolicy(policy.spec);
    expressions += countExpressions(policy.spec);
    for (const issue of compiled.issues) problems.push(`${policy.id}: ${issue.field}: ${issue.message}`);
  }
  assert.equal(problems, [], problems.join('\n'));
  assert.ok(expressions >= minimumExpressions, `only ${expressions} expressions found`);
}

if (gatekeeperRoot) {
  test('every Gatekeeper K8sNativeValidation expression compiles', () => {
    const policies = gatekeeperPolicies(gatekeeperRoot);
    assert.is(policies.length, 15); // the 15 pod-security-policy templates with a CEL engine in this snapshot
    // 196 template expressions (cel.md counted 199 with requiredlabels, not in this snapshot) + 2 injected variables × 15
    assertAllCompile(policies, 226);
  });
}

if (celRoot) {
  test('every Kyverno validate.cel expression (pod-security-cel) compiles', () => {
    const policies = kyvernoPolicies(celRoot);
    assert.ok(policies.length >= 17, `${policies.length} rules`);
    assertAllCompile(policies, 46);
  });
}

if (vpolRoot) {
  test('every Kyverno ValidatingPolicy expression (pod-security-vpol) compiles', () => {
    const policies = kyvernoPolicies(vpolRoot);
    assert.ok(policies.length >= 16, `${policies.length} policies`);
    assertAllCompile(policies, 41);
  });
}

test.run();
