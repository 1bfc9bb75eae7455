/**
 * The Kyverno evaluator: runs `kyverno.io/v1` ClusterPolicy/Policy validate rules (pattern,
 * anyPattern, deny, foreach, podSecurity, cel — autogen included) and `policies.kyverno.io`
 * ValidatingPolicies exactly as Kyverno's engine and CLI do, from a reading of kyverno/kyverno
 * at 111e07b (see ../../../../shared/docs/kyverno.md for the semantics digest).
 *
 * ```ts
 * const policy = loadPolicy({ file, line, value });          // ClusterPolicy, Policy, ValidatingPolicy
 * const result = evaluate(policy, { resource: pod, operation: 'CREATE', namespaceLabels: {...} });
 * result.rules; // [{ rule: 'autogen-check-x', autogen: true, status: 'fail', message: '…' }, …]
 * ```
 *
 * Status `no-response` means Kyverno produced no rule response (the rule does not match, a
 * foreach had nothing to check, a pattern rule on DELETE…): it is not a skip. A rule whose
 * verdict needs something this engine does not reproduce has status `error` and `unsupported`
 * set with the reason.
 *
 * Numbers: the JSON context (variables, JMESPath, foreach elements, conditions) sees float64 as
 * in Kyverno. Pattern matching sees the resource as `kyverno test`/`apply` make it (every number
 * float64) unless `integers: 'int64'` asks for the admission view (unstructured JSON: integral
 * numbers are int64); the difference shows in string/wildcard patterns against numbers (`"80*"`
 * matches 8080 only as int64: float64 prints as `8.08E+03`) and in `0` read as a duration. CEL
 * always gets integral numbers as ints (the CEL layer's conversion, the admission view).
 */
import { KpcError, UnsupportedError } from '../../util/errors.ts';
import type { LoadedObject } from '../../util/eval-row.ts';
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { computeRules } from './autogen.ts';
import { validatePolicy, type Operation } from './engine.ts';
import { EXCEPTION_API_VERSIONS, loadPolicyException, type PolicyException } from './exceptions.ts';
import { getKind, type RequestInfo } from './match.ts';
import { loadKyvernoPolicy, parseRule, type KyvernoPolicy } from './policy.ts';
import type { RuleStatus } from './responses.ts';
import { validateWithVpol } from './vpol/engine.ts';
import { loadValidatingPolicy, type ValidatingPolicy } from './vpol/policy.ts';

export { InvalidPolicyError, type KyvernoPolicy } from './policy.ts';
export type { ValidatingPolicy } from './vpol/policy.ts';
export type { PolicyException } from './exceptions.ts';
export type { RequestInfo, UserInfo } from './match.ts';
export type { PolicyResponse, RuleResponse, RuleStatus } from './responses.ts';
export { runKyvernoTests, type RunOptions } from './cli-test/index.ts';
export { kyvernoEvalRows } from './eval.ts';

export type LoadedPolicy = { readonly type: 'kyverno'; readonly policy: KyvernoPolicy } | { readonly type: 'validating'; readonly policy: ValidatingPolicy };

export const POLICY_KINDS = new Set(['ClusterPolicy', 'Policy', 'ValidatingPolicy', 'NamespacedValidatingPolicy']);

/** Load a Kyverno policy object; other kinds are a KpcError, unsupported Kyverno kinds an UnsupportedError. */
export function loadPolicy(object: LoadedObject): LoadedPolicy {
  const value = object.value;
  const kind = getKind(value);
  const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '';
  const source = { file: object.file, line: object.line };
  if ((kind === 'ClusterPolicy' || kind === 'Policy') && apiVersion.startsWith('kyverno.io/')) return { type: 'kyverno', policy: loadKyvernoPolicy(value, source) };
  if ((kind === 'ValidatingPolicy' || kind === 'NamespacedValidatingPolicy') && apiVersion.startsWith('policies.kyverno.io/')) {
    return { type: 'validating', policy: loadValidatingPolicy(value, source) };
  }
  if (apiVersion.startsWith('policies.kyverno.io/') || apiVersion.startsWith('kyverno.io/')) {
    throw new UnsupportedError(`Kyverno ${kind} is not evaluated`, source);
  }
  throw new KpcError(`not a Kyverno policy: ${apiVersion}/${kind}`, source);
}

/** Load a PolicyException (kyverno.io/v2, v2beta1, v2alpha1). */
export function loadException(object: LoadedObject): PolicyException {
  const apiVersion = typeof object.value['apiVersion'] === 'string' ? object.value['apiVersion'] : '';
  if (getKind(object.value) !== 'PolicyException' || !EXCEPTION_API_VERSIONS.has(apiVersion)) {
    throw new KpcError(`not a Kyverno PolicyException: ${apiVersion}/${getKind(object.value)}`, { file: object.file, line: object.line });
  }
  return loadPolicyException(object.value, { file: object.file, line: object.line });
}

export interface EvaluationInput {
  /** The object being admitted; for DELETE, the object being deleted. */
  readonly resource: JsonObject;
  /** The previous object for UPDATE (defaults to `resource`, as the CLI does). */
  readonly oldResource?: JsonObject | null;
  readonly operation?: Operation;
  /** Labels of the resource's namespace (namespaceSelector); absent = none known. */
  readonly namespaceLabels?: Readonly<Record<string, string>> | null;
  /** Who makes the request; absent = no admission info (background scan / CLI without userinfo). */
  readonly userInfo?: RequestInfo | null;
  readonly exceptions?: readonly PolicyException[];
  /** Extra context values with dotted keys, like a values file's globalValues. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /**
   * Integral resource numbers in pattern matching: `float64` as `kyverno test`/`apply` see them
   * (default) or `int64` as an admission request decodes them (see AdmissionRequest.integers).
   */
  readonly integers?: 'float64' | 'int64';
  /** Mock values for rule context entries: policy → rule → { entry: value }. */
  readonly ruleValues?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

export type RuleResultStatus = RuleStatus | 'no-response';

export interface RuleResult {
  /** The rule name as Kyverno reports it (autogen-…/autogen-cronjob-…; '' for a ValidatingPolicy). */
  readonly rule: string;
  readonly autogen: boolean;
  readonly status: RuleResultStatus;
  readonly message: string;
  /** Set when the verdict needs something this evaluator does not reproduce. */
  readonly unsupported?: string;
}

export interface PolicyEvaluation {
  readonly policy: string;
  readonly kind: string;
  readonly rules: readonly RuleResult[];
}

/** Evaluate one policy on one request: every computed rule (autogen included), matched or not. */
export function evaluate(loaded: LoadedPolicy, input: EvaluationInput): PolicyEvaluation {
  const operation = input.operation ?? 'CREATE';
  if (loaded.type === 'validating') {
    const responses = validateWithVpol(loaded.policy, {
      object: operation === 'DELETE' ? null : input.resource,
      oldObject: operation === 'DELETE' ? input.resource : operation === 'UPDATE' ? (input.oldResource ?? input.resource) : null,
      operation,
      namespace: input.namespaceLabels ? { metadata: { name: String((isObject(input.resource['metadata']) ? input.resource['metadata']['namespace'] : '') ?? ''), labels: { ...input.namespaceLabels } } } : null,
      userInfo: input.userInfo ?? null,
    });
    const rules: RuleResult[] = [];
    for (const r of responses) {
      if (r.unsupported) rules.push({ rule: '', autogen: false, status: 'error', message: r.unsupported, unsupported: r.unsupported });
      for (const rule of r.rules) rules.push({ rule: rule.name, autogen: false, status: rule.status, message: rule.message });
    }
    if (rules.length === 0) rules.push({ rule: '', autogen: false, status: 'no-response', message: 'the policy does not match this resource' });
    return { policy: loaded.policy.name, kind: loaded.policy.kind, rules };
  }
  const policy = loaded.policy;
  const ruleValues = input.ruleValues?.[policy.name];
  const response = validatePolicy(
    policy,
    {
      object: operation === 'DELETE' ? null : input.resource,
      oldObject: operation === 'DELETE' ? input.resource : operation === 'UPDATE' ? (input.oldResource ?? input.resource) : null,
      operation,
      namespaceLabels: input.namespaceLabels ?? null,
      userInfo: input.userInfo ?? null,
      variables: { 'request.operation': operation, ...(input.variables ?? {}) },
      integers: input.integers ?? 'float64',
    },
    { exceptions: input.exceptions ?? [], ruleValues: ruleValues ? (_p, rule) => ruleValues[rule] : undefined },
  );
  const computed = computeRules(policy.rules, policy.annotations, getKind(input.resource));
  const byName = new Map(response.rules.map((r) => [r.name, r]));
  const rules: RuleResult[] = computed.map((raw, i) => {
    const name = parseRule(raw, policy.source, i).name;
    const autogen = name.startsWith('autogen-');
    const r = byName.get(name);
    if (response.unsupported) return { rule: name, autogen, status: 'error', message: response.unsupported, unsupported: response.unsupported };
    if (!r) return { rule: name, autogen, status: 'no-response', message: 'no rule response (the rule does not apply)' };
    return r.unsupported ? { rule: name, autogen, status: r.status, message: r.message, unsupported: r.unsupported } : { rule: name, autogen, status: r.status, message: r.message };
  });
  return { policy: policy.name, kind: policy.kind, rules };
}
