/**
 * Policy evaluation (kyverno pkg/engine/engine.go Validate, validation.go, internal/match.go):
 * policy-level gates, then each computed rule (autogen included): match/exclude, rule context,
 * preconditions, exceptions, and the handler chosen by the rule body.
 */
import { isResourceExhaustion, resourceLimitMessage, WorkBudget, WorkLimitExceeded, withWorkBudget, type WorkLimits } from '../../util/budget.ts';
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { computeRules } from './autogen.ts';
import { evaluateConditions } from './conditions.ts';
import { JsonContext, QueryError } from './context.ts';
import { exceptionsFor } from './exceptions.ts';
import { extractImages } from './images.ts';
import { EMPTY_REQUEST_INFO, getNamespace, gvkOf, matchesResourceDescription, type Gvk, type RequestInfo } from './match.ts';
import { loadContext, type EngineOptions, type PolicyContext } from './policy-context.ts';
import { parseRule, type KyvernoPolicy, type Rule } from './policy.ts';
import { errorMessage, ruleError, ruleSkip, ruleUnsupported, type PolicyResponse, type RuleResponse } from './responses.ts';
import { isUnsupported, processValidateResource } from './validate-resource.ts';
import { processValidatePss } from './validate-pss.ts';
import { processValidateCel } from './validate-cel.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  /** The object being admitted (null on DELETE). */
  readonly object: JsonObject | null;
  /** The previous object (UPDATE, DELETE). */
  readonly oldObject?: JsonObject | null;
  readonly operation?: Operation;
  readonly namespaceLabels?: Readonly<Record<string, string>> | null;
  /** Who sends the request; absent = no admission info (background scan, CLI without userinfo). */
  readonly userInfo?: RequestInfo | null;
  readonly subresource?: string;
  /** Extra context values, dotted keys (a values file's globalValues / per-resource values). */
  readonly variables?: Readonly<Record<string, unknown>>;
  /**
   * How the resource's integral numbers reach pattern matching: `float64` as `kyverno test` /
   * `apply` make every number (the default), or `int64` as an admission request's object decodes
   * (unstructured JSON). The JSON context (variables, JMESPath, foreach elements) sees float64
   * either way, as in Kyverno.
   */
  readonly integers?: 'float64' | 'int64';
}

const joinNonEmpty = (parts: string[], sep: string): string => parts.filter((p) => p !== '').join(sep);

/** A namespaced Policy applies only in its namespace (empty = "default"); cluster objects never match. */
function checkNamespacedPolicy(policy: KyvernoPolicy, ...resources: (JsonObject | null)[]): boolean {
  if (policy.kind !== 'Policy') return true;
  const ns = policy.namespace === '' ? 'default' : policy.namespace;
  return resources.every((r) => r === null || (getNamespace(r) === ns && getNamespace(r) !== ''));
}

/** Build the JSON context as NewPolicyContext and the CLI's makePolicyContext do. */
export function buildContext(request: AdmissionRequest): { json: JsonContext; operation: Operation; newResource: JsonObject | null; oldResource: JsonObject | null } {
  const operation = request.operation ?? 'CREATE';
  const json = new JsonContext();
  const resource = operation === 'DELETE' ? (request.oldObject ?? request.object) : request.object;
  if (operation !== 'DELETE') json.addResource(resource);
  else json.addOldResource(resource);
  json.add(resource ? getNamespace(resource) : '', false, 'request', 'namespace');
  if (resource) {
    // AddImageInfos: a deferred loader; a bad image reference fails the query that loads it
    json.addDeferredLoader('images', (ctx) => {
      const images = extractImages(resource);
      if (typeof images === 'string') throw new QueryError(images, false);
      if (Object.keys(images).length > 0) ctx.add(images, false, 'images');
    });
  }
  const info = request.userInfo;
  if (info) {
    json.add({ roles: info.roles, clusterRoles: info.clusterRoles, userInfo: userInfoJson(info) }, false, 'request');
    const sa = serviceAccount(info.userInfo.username);
    json.add({ serviceAccountName: sa[0], serviceAccountNamespace: sa[1] }, false);
  }
  json.addOperation(operation);
  let oldResource: JsonObject | null = null;
  let newResource: JsonObject | null = operation === 'DELETE' ? null : resource;
  if (operation === 'UPDATE') {
    oldResource = request.oldObject ?? resource;
    json.addOldResource(oldResource);
  }
  if (operation === 'DELETE') oldResource = resource;
  for (const [k, v] of Object.entries(request.variables ?? {})) json.addVariable(k, v);
  // the CLI reads the objects back from the context, so injected values take effect
  if (operation === 'CREATE' || operation === 'UPDATE') {
    const o = safeQuery(json, 'request.object');
    newResource = isObject(o) ? o : null;
  }
  if (operation === 'UPDATE' || operation === 'DELETE') {
    const o = safeQuery(json, 'request.oldObject');
    oldResource = isObject(o) ? o : null;
  }
  return { json, operation, newResource, oldResource };
}

function safeQuery(json: JsonContext, q: string): unknown {
  try {
    return json.query(q);
  } catch {
    return null;
  }
}

function userInfoJson(info: RequestInfo): JsonObject {
  const u: JsonObject = {};
  if (info.userInfo.username !== '') u['username'] = info.userInfo.username;
  if (info.userInfo.uid !== '') u['uid'] = info.userInfo.uid;
  if (info.userInfo.groups !== null) u['groups'] = [...info.userInfo.groups];
  return u;
}

/** AddServiceAccount: system:serviceaccount:<ns>:<name> → [name, ns]. */
function serviceAccount(username: string): [string, string] {
  const prefix = 'system:serviceaccount:';
  const sa = username.length <= prefix.length ? '' : username.slice(prefix.length);
  const groups = sa.split(':');
  return groups.length >= 2 ? [groups[1]!, groups[0]!] : ['', ''];
}

/** Engine.Validate for one policy and one request. */
export function validatePolicy(policy: KyvernoPolicy, request: AdmissionRequest, options: EngineOptions = {}): PolicyResponse {
  const { json, operation, newResource, oldResource } = buildContext(request);
  const base = { policyName: policy.name, policyNamespace: policy.namespace, policyKind: policy.kind, resource: newResource ?? oldResource };
  if (!checkNamespacedPolicy(policy, newResource, oldResource)) return { ...base, rules: [] };
  const matchConditions = isObject(policy.spec['webhookConfiguration']) ? policy.spec['webhookConfiguration']['matchConditions'] : undefined;
  if (Array.isArray(matchConditions) && matchConditions.length > 0) {
    return { ...base, rules: [], unsupported: 'spec.webhookConfiguration.matchConditions (CEL policy gate) is not evaluated' };
  }
  const subject = newResource ?? oldResource;
  const gvk: Gvk = subject ? gvkOf(subject) : { group: '', version: '', kind: '' };
  const pc: PolicyContext = {
    policy,
    json,
    newResource,
    oldResource,
    operation,
    element: null,
    namespaceLabels: request.namespaceLabels ?? null,
    admissionInfo: request.userInfo ?? EMPTY_REQUEST_INFO,
    gvk,
    subresource: request.subresource ?? '',
    integers: request.integers ?? 'float64',
    options,
  };
  const rules: RuleResponse[] = [];
  json.checkpoint();
  try {
    let applied = 0;
    const computed = computeRules(policy.rules, policy.annotations, gvk.kind);
    for (let i = 0; i < computed.length; i++) {
      const rule = parseRule(computed[i]!, policy.source, i);
      const response = invokeRuleWithinLimits(pc, rule);
      if (response) {
        rules.push(response);
        if (response.status === 'pass' || response.status === 'fail') applied++;
      }
      if (policy.applyRules === 'One' && applied > 0) break;
    }
  } finally {
    json.restore();
  }
  // written out: adding a key to a `{ ...base }` copy is V8 11's slow path, and this runs per policy and request
  return { policyName: base.policyName, policyNamespace: base.policyNamespace, policyKind: base.policyKind, resource: base.resource, rules };
}

function matches(pc: PolicyContext, rule: Rule): boolean {
  const req = {
    gvk: pc.gvk,
    subresource: pc.subresource,
    namespaceLabels: pc.namespaceLabels,
    policyNamespace: pc.policy.namespace,
    operation: pc.operation,
    admissionInfo: pc.admissionInfo,
  };
  if (matchesResourceDescription(pc.newResource, rule.match, rule.exclude, rule.name, req) === null) return true;
  if (pc.newResource === null && pc.oldResource !== null) return matchesResourceDescription(pc.oldResource, rule.match, rule.exclude, rule.name, req) === null;
  return false;
}

/**
 * Work bound of one rule on one resource. Kyverno has none (its webhook times out after 10 s); the
 * shared suites need under a hundred units per rule, a runaway foreach or JMESPath millions.
 */
export const RULE_WORK_LIMITS: WorkLimits = { maxUnits: 5_000_000, timeoutMs: 2_000 };

function invokeRuleWithinLimits(pc: PolicyContext, rule: Rule): RuleResponse | null {
  const budget = new WorkBudget(pc.options.workLimits ?? RULE_WORK_LIMITS, `rule ${rule.name}`);
  let response: RuleResponse | null;
  try {
    response = withWorkBudget(budget, () => invokeRule(pc, rule));
  } catch (error) {
    if (!(error instanceof WorkLimitExceeded) && !isResourceExhaustion(error)) throw error;
    return ruleError(rule.name, 'rule evaluation failed', isResourceExhaustion(error) ? resourceLimitMessage(error, 'input') : error);
  }
  // a limit error absorbed on the way (a condition read as false, say) still ends the rule in error
  if (budget.exhausted !== null) return ruleError(rule.name, 'rule evaluation failed', budget.exhausted);
  return response;
}

/** invokeRuleHandler: null = no response for this rule. */
function invokeRule(pc: PolicyContext, rule: Rule): RuleResponse | null {
  if (!matches(pc, rule)) return null;
  if (!rule.hasValidate) {
    if (rule.hasVerifyImageChecks) return ruleUnsupported(rule.name, 'unsupported: verifyImages checks are not evaluated');
    return null;
  }
  const validate = rule.validate ?? {};
  pc.json.checkpoint();
  try {
    try {
      loadContext(pc, rule.name, rule.context);
    } catch (error) {
      if (isUnsupported(error)) return ruleUnsupported(rule.name, errorMessage(error));
      return ruleError(rule.name, 'failed to load context', error);
    }
    let passed: boolean;
    let msg: string;
    try {
      [passed, msg] = evaluateConditions(pc.json, rule.preconditions);
    } catch (error) {
      if (isUnsupported(error)) return ruleUnsupported(rule.name, errorMessage(error));
      return ruleError(rule.name, 'failed to evaluate preconditions', error);
    }
    if (!passed) return ruleSkip(rule.name, joinNonEmpty(['preconditions not met', msg], '; '));
    const policyKey = pc.policy.namespace === '' ? pc.policy.name : `${pc.policy.namespace}/${pc.policy.name}`;
    const exceptions = exceptionsFor(pc.options.exceptions ?? [], policyKey, rule.name);
    try {
      const manifests = validate['manifests'];
      if (isObject(manifests) && Array.isArray(manifests['attestors']) && manifests['attestors'].length > 0) {
        return ruleUnsupported(rule.name, 'unsupported: validate.manifests (signature verification) is not evaluated');
      }
      if (isObject(validate['podSecurity']) && Object.values(validate['podSecurity']).some((v) => v !== null && v !== '')) {
        return processValidatePss(pc, rule, exceptions);
      }
      if (isObject(validate['cel']) && Object.values(validate['cel']).some((v) => v !== null && v !== '')) {
        return processValidateCel(pc, rule, exceptions);
      }
      return processValidateResource(pc, rule, exceptions);
    } catch (error) {
      if (isUnsupported(error)) return ruleUnsupported(rule.name, errorMessage(error));
      // runaway input (limits) or a Go panic upstream: an error result, never a silent pass
      return ruleError(rule.name, 'rule evaluation failed', error);
    }
  } finally {
    pc.json.restore();
  }
}
