/**
 * `kyverno test` (cmd/cli/kubectl-kyverno/commands/test/test.go, output.go): evaluate every
 * resource against the test's policies, then check each expected result as the CLI does —
 * policy by its last `/` segment, rule by name or its autogen names, resources by name or
 * namespace/name (all resources when none of the listed ones exists). A policy that produced no
 * rule response for a resource counts as met ("Excluded"), unless `strict` is set.
 */
import { describeError } from '../../../util/errors.ts';
import { recordFailure, recordPass, recordSkip, type ConformanceReport } from '../../../util/report.ts';
import { displayPath } from '../../../util/files.ts';
import { isObject, type JsonObject } from '../../jmespath/index.ts';
import { validatePolicy, type AdmissionRequest, type Operation } from '../engine.ts';
import { getName, getNamespace, type RequestInfo } from '../match.ts';
import type { KyvernoPolicy } from '../policy.ts';
import { parseRule } from '../policy.ts';
import type { PolicyResponse, RuleResponse } from '../responses.ts';
import { validateWithVpol } from '../vpol/engine.ts';
import {
  loadExceptions,
  loadPolicies,
  loadResourceFiles,
  loadTestFile,
  loadUserInfo,
  loadValues,
  resourceKey,
  uniqueResources,
  type LoadedPolicies,
  type TestDefinition,
  type TestResult,
  type Values,
} from './load.ts';

export interface RunOptions {
  /** Count "no response" rows as failed unless `skip` was expected. */
  readonly strict: boolean;
}

const RULELESS_KINDS = new Set(['ValidatingPolicy', 'NamespacedValidatingPolicy', 'ValidatingAdmissionPolicy', 'MutatingPolicy', 'NamespacedMutatingPolicy', 'MutatingAdmissionPolicy', 'ImageValidatingPolicy', 'NamespacedImageValidatingPolicy', 'GeneratingPolicy', 'NamespacedGeneratingPolicy', 'DeletingPolicy', 'NamespacedDeletingPolicy']);

/** Run every test document in a kyverno-test.yaml file into the report. */
export function runTestFile(file: string, report: ConformanceReport, options: RunOptions): void {
  let tests: TestDefinition[];
  try {
    tests = loadTestFile(file);
  } catch (error) {
    recordFailure(report, { id: displayPath(file), expected: 'a loadable test file', actual: 'error', detail: describeError(error) });
    return;
  }
  // `kyverno test` splits the file into documents and runs none for an empty one: say so
  if (tests.length === 0) recordSkip(report, { id: displayPath(file), reason: 'no Test document in the file (empty)' });
  for (const test of tests) runTest(test, report, options);
}

interface Evaluated {
  /** resource key → policy responses (Kyverno ClusterPolicy/Policy and ValidatingPolicy). */
  readonly trigger: Map<string, PolicyResponse[]>;
  readonly policies: LoadedPolicies;
  /** Why validate verdicts in this test cannot be trusted, when they cannot. */
  readonly untrusted: string | null;
}

function caseId(test: TestDefinition, result: TestResult, resource: string): string {
  const rule = result.rule !== '' ? `/${result.rule}` : '';
  return `${displayPath(test.file)}: ${result.policy}${rule} ${resource}`;
}

function runTest(test: TestDefinition, report: ConformanceReport, options: RunOptions): void {
  let evaluated: Evaluated;
  try {
    evaluated = evaluateTest(test);
  } catch (error) {
    for (const result of test.results) {
      const names = result.resources ?? ['*'];
      for (const name of names) {
        recordFailure(report, { id: caseId(test, result, name), expected: result.result, actual: 'error', detail: `failed to run test: ${describeError(error)}` });
      }
    }
    return;
  }
  for (const result of test.results) checkResult(test, result, evaluated, report, options);
}

function ruleValuesLookup(values: Values | null) {
  const find = (policy: string, rule: string): JsonObject | undefined => {
    for (const p of values?.policies ?? []) {
      if (p['name'] !== policy || !Array.isArray(p['rules'])) continue;
      for (const r of p['rules']) if (isObject(r) && r['name'] === rule) return r;
    }
    return undefined;
  };
  return {
    ruleValues: (policy: string, rule: string) => {
      const r = find(policy, rule);
      return r && isObject(r['values']) ? (r['values'] as Record<string, unknown>) : undefined;
    },
    ruleHasForeachValues: (policy: string, rule: string) => {
      const r = find(policy, rule);
      return r !== undefined && isObject(r['foreachValues']) && Object.keys(r['foreachValues']).length > 0;
    },
  };
}

/** Variables.ComputeVariables: global values, then the policy's per-resource values. */
function computeVariables(values: Values | null, policy: string, resource: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(values?.globalValues ?? {}) };
  for (const p of values?.policies ?? []) {
    if (p['name'] !== policy || !Array.isArray(p['resources'])) continue;
    for (const r of p['resources']) if (isObject(r) && r['name'] === resource && isObject(r['values'])) Object.assign(out, r['values']);
  }
  if (!Object.hasOwn(out, 'request.operation')) out['request.operation'] = 'CREATE';
  return out;
}

function operationOf(variables: Record<string, unknown>): Operation {
  const op = variables['request.operation'];
  return op === 'DELETE' ? 'DELETE' : op === 'UPDATE' ? 'UPDATE' : 'CREATE';
}

function hasNonValidateRules(policy: KyvernoPolicy): boolean {
  return policy.rules.some((raw, i) => {
    const rule = parseRule(raw, policy.source, i);
    return rule.hasMutate || rule.hasGenerate || rule.hasVerifyImages;
  });
}

function evaluateTest(test: TestDefinition): Evaluated {
  const policies = loadPolicies(test);
  const resources = uniqueResources(loadResourceFiles(test.dir, test.resources));
  const exceptions = loadExceptions(test);
  const values = loadValues(test);
  const userInfo: RequestInfo | null = loadUserInfo(test);
  const lookup = ruleValuesLookup(values);
  let untrusted: string | null = null;
  if (policies.kyverno.some((p) => p.rules.some((raw, i) => parseRule(raw, p.source, i).hasMutate))) {
    untrusted = 'mutate rules in the test patch resources before validation (mutation is not supported)';
  }
  if (values && values.subresources.length > 0) untrusted = 'values.subresources is not supported';
  const trigger = new Map<string, PolicyResponse[]>();
  for (const { object } of resources) {
    const responses: PolicyResponse[] = [];
    for (const policy of policies.kyverno) {
      const hasValidate = policy.rules.some((raw, i) => {
        const r = parseRule(raw, policy.source, i);
        return r.hasValidate || r.hasVerifyImageChecks;
      });
      if (!hasValidate) continue;
      const variables = computeVariables(values, policy.name, getName(object));
      const operation = operationOf(variables);
      const request: AdmissionRequest = {
        object: operation === 'DELETE' ? null : object,
        oldObject: operation === 'CREATE' ? null : object,
        operation,
        namespaceLabels: values?.namespaceLabels.get(getNamespace(object)) ?? null,
        userInfo,
        variables,
      };
      responses.push(validatePolicy(policy, request, { ...lookup, exceptions }));
    }
    for (const vpol of policies.validating) {
      const variables = computeVariables(values, vpol.name, getName(object));
      const vpolResponses = validateWithVpol(vpol, {
        object,
        operation: operationOf(variables),
        namespace: values?.namespaces.get(getNamespace(object)) ?? (values?.namespaceLabels.has(getNamespace(object)) ? { metadata: { name: getNamespace(object), labels: values.namespaceLabels.get(getNamespace(object)) } } : null),
        userInfo,
      });
      responses.push(...vpolResponses);
    }
    trigger.set(resourceKey(object), responses);
  }
  return { trigger, policies, untrusted };
}

/** The resource keys a result refers to (output.go). */
function resultResources(result: TestResult, keys: readonly string[]): string[] {
  const out: string[] = [];
  if (result.resources !== null) {
    for (const r of result.resources) {
      const nsAndName = r.split('/');
      for (const key of keys) {
        const parts = key.split(',');
        if (nsAndName.length === 1 && r === parts[parts.length - 1]) out.push(key);
        if (nsAndName.length === 2 && nsAndName[0] === parts[parts.length - 2] && nsAndName[1] === parts[parts.length - 1]) out.push(key);
      }
    }
    for (const spec of result.resourceSpecs) {
      for (const key of keys) {
        const parts = key.split(',');
        const gv = typeof spec['group'] === 'string' && spec['group'] !== '' ? `${spec['group']}/${String(spec['version'] ?? '')}` : String(spec['version'] ?? '');
        if (gv !== parts[0]) continue;
        if (String(spec['namespace'] ?? '') !== parts[parts.length - 2]) continue;
        if (String(spec['name'] ?? '') === parts[parts.length - 1]) out.push(key);
      }
    }
  }
  return out.length > 0 ? out : [...keys];
}

function lookupRules(result: TestResult, response: PolicyResponse): readonly RuleResponse[] {
  if (result.rule === '' || RULELESS_KINDS.has(response.policyKind)) return response.rules;
  return response.rules.filter((r) => r.name === result.rule || r.name === `autogen-${result.rule}` || r.name === `autogen-cronjob-${result.rule}`);
}

function unsupportedReason(result: TestResult, evaluated: Evaluated): string | null {
  const raw = result.raw;
  if (typeof raw['patchedResources'] === 'string' && raw['patchedResources'] !== '') return 'mutate: patchedResources comparison is not supported';
  if ((typeof raw['generatedResource'] === 'string' && raw['generatedResource'] !== '') || Array.isArray(raw['generatedResources'])) return 'generate: generatedResource comparison is not supported';
  if (typeof raw['operation'] === 'string' && raw['operation'] !== '') return 'per-result operation runs are not supported';
  for (const flag of ['isValidatingAdmissionPolicy', 'isMutatingAdmissionPolicy', 'isDeletingPolicy', 'isImageValidatingPolicy', 'isGeneratingPolicy', 'isMutatingPolicy']) {
    if (raw[flag] === true) return `${flag} results are not supported`;
  }
  const policyName = result.policy.split('/').pop() ?? '';
  const kind = evaluated.policies.unsupported.get(policyName);
  if (kind !== undefined) return `policy kind ${kind} is not supported`;
  const policy = evaluated.policies.kyverno.find((p) => p.name === policyName);
  if (policy && hasNonValidateRules(policy)) {
    const names = new Set([result.rule, `autogen-${result.rule}`, `autogen-cronjob-${result.rule}`]);
    const named = policy.rules.filter((raw2, i) => result.rule === '' || names.has(parseRule(raw2, policy.source, i).name));
    if (named.some((raw2) => {
      const r = parseRule(raw2, policy.source, 0);
      return r.hasMutate || r.hasGenerate || r.hasVerifyImages;
    })) return 'mutate, generate and verifyImages rules are not supported';
  }
  return evaluated.untrusted;
}

function checkResult(test: TestDefinition, result: TestResult, evaluated: Evaluated, report: ConformanceReport, options: RunOptions): void {
  const keys = [...evaluated.trigger.keys()];
  const resources = resultResources(result, keys);
  const reason = unsupportedReason(result, evaluated);
  const policyName = result.policy.split('/').pop() ?? '';
  for (const resource of resources) {
    const id = caseId(test, result, resource.split(',').join('/'));
    if (reason !== null) {
      recordSkip(report, { id, reason });
      continue;
    }
    const rows: { ok: boolean; actual: string; detail: string; unsupported?: string }[] = [];
    let excluded = false;
    for (const response of evaluated.trigger.get(resource) ?? []) {
      if (response.policyName !== policyName) continue;
      if (response.unsupported) {
        rows.push({ ok: false, actual: 'unsupported', detail: response.unsupported, unsupported: response.unsupported });
        continue;
      }
      for (const rule of lookupRules(result, response)) {
        if (rule.unsupported) rows.push({ ok: false, actual: 'unsupported', detail: rule.unsupported, unsupported: rule.unsupported });
        else rows.push({ ok: rule.status === result.result, actual: rule.status, detail: `${rule.name}: ${rule.message}` });
      }
      if (rows.length === 0) excluded = true;
    }
    const unsupported = rows.find((r) => r.unsupported);
    if (unsupported) {
      recordSkip(report, { id, reason: unsupported.unsupported! });
      continue;
    }
    if (rows.length === 0) {
      const invalid = evaluated.policies.invalid.get(policyName);
      const vacuous = excluded || invalid !== undefined;
      const what = invalid !== undefined ? `skip (InvalidPolicy: ${invalid})` : excluded ? 'no response (Excluded)' : 'Not found';
      if (!vacuous) recordFailure(report, { id, expected: result.result, actual: 'not found', detail: `policy ${result.policy} produced no response for this resource` });
      else if (options.strict && result.result !== 'skip') recordFailure(report, { id, expected: result.result, actual: 'no response', detail: `${what}; counted as met by kyverno test, failed under --strict` });
      else recordPass(report);
      continue;
    }
    const failed = rows.filter((r) => !r.ok);
    if (failed.length === 0) recordPass(report);
    else recordFailure(report, { id, expected: result.result, actual: failed.map((r) => r.actual).join(', '), detail: failed.map((r) => r.detail).join('\n') });
  }
}
