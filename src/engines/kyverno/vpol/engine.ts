/**
 * ValidatingPolicy evaluation (kyverno pkg/cel/policies/vpol/engine/engine.go,
 * compiler/policy.go): matchConstraints, then match conditions (false → skip; an error → error
 * unless failurePolicy Ignore), lazy variables, validations in order — the first error is an
 * `error`, the first false is a `fail` (messageExpression, else message, else "CEL expression
 * validation failed at index N"), otherwise `pass`. Rule names are empty (the CLI checks every
 * rule of a ValidatingPolicy). Autogen copies are evaluated as separate responses, as upstream.
 */
import { CelEnvironment, compileCelPolicy, type CelNamedExpression, type CelValidationSpec, type CompiledCelPolicy } from '../../cel/index.ts';
import { isObject, type JsonObject } from '../../jmespath/index.ts';
import { getApiVersion, getKind, getName, getNamespace, type RequestInfo } from '../match.ts';
import { resourceNameOf } from '../resources.ts';
import type { PolicyResponse, RuleResponse } from '../responses.ts';
import { vpolAutogen } from './autogen.ts';
import { matchConstraints, MatchError, type MatchAttributes } from './match.ts';
import type { ValidatingPolicy } from './policy.ts';

export interface VpolRequest {
  readonly object: JsonObject | null;
  readonly oldObject?: JsonObject | null;
  readonly operation: string;
  /** The namespace object, when the caller knows it (labels for namespaceSelector). */
  readonly namespace: JsonObject | null;
  readonly userInfo: RequestInfo | null;
}

/** Kyverno's CEL environment adds the `exceptions` variable (allowed images/values). */
const VPOL_ENVIRONMENT = new CelEnvironment({ libraries: [{ name: 'kyverno.exceptions', variables: ['exceptions'], install() {} }] });

// Kyverno CEL libraries this evaluator does not provide: using one is reported, never guessed.
const KYVERNO_LIBRARY_CALL = /\b(http|resource|globalContext|imageData|image|json|yaml|x509|random|hash|time|math|user)\s*\.\s*[A-Za-z_]+\s*\(|\b(image|parseServiceAccount|parseImageReference|random)\s*\(/;

function named(list: unknown): CelNamedExpression[] {
  return (Array.isArray(list) ? list : []).filter(isObject).map((e) => ({ name: String(e['name'] ?? ''), expression: String(e['expression'] ?? '') }));
}

interface CompiledVariant {
  readonly spec: JsonObject;
  readonly cel: CompiledCelPolicy;
  readonly messages: readonly string[];
}

const compiledCache = new WeakMap<JsonObject, CompiledVariant>();

function compileVariant(spec: JsonObject): CompiledVariant {
  const hit = compiledCache.get(spec);
  if (hit) return hit;
  const validations: CelValidationSpec[] = [];
  const messages: string[] = [];
  for (const v of (Array.isArray(spec['validations']) ? spec['validations'] : []).filter(isObject)) {
    const entry: { expression: string; messageExpression?: string } = { expression: String(v['expression'] ?? '') };
    if (typeof v['messageExpression'] === 'string' && v['messageExpression'] !== '') entry.messageExpression = v['messageExpression'];
    validations.push(entry);
    messages.push(typeof v['message'] === 'string' ? v['message'] : '');
  }
  const cel = compileCelPolicy(
    {
      variables: named(spec['variables']),
      matchConditions: named(spec['matchConditions']),
      validations,
      auditAnnotations: [],
    },
    { environment: VPOL_ENVIRONMENT },
  );
  const compiled = { spec, cel, messages };
  compiledCache.set(spec, compiled);
  return compiled;
}

const variantsCache = new WeakMap<JsonObject, readonly JsonObject[]>();

function variants(policy: ValidatingPolicy): readonly JsonObject[] {
  let v = variantsCache.get(policy.spec);
  if (!v) {
    v = [policy.spec, ...vpolAutogen(policy.spec).map((a) => a.spec)];
    variantsCache.set(policy.spec, v);
  }
  return v;
}

function isEmptySelector(s: unknown): boolean {
  return !isObject(s) || ((!isObject(s['matchLabels']) || Object.keys(s['matchLabels']).length === 0) && (!Array.isArray(s['matchExpressions']) || s['matchExpressions'].length === 0));
}

// Per variant's matchConstraints (loaded policies never change).
const simpleRules = new WeakMap<JsonObject, boolean>();

function hasSimpleRule(match: unknown): boolean {
  if (!isObject(match)) return false;
  let simple = simpleRules.get(match);
  if (simple === undefined) simpleRules.set(match, (simple = isSimpleRule(match)));
  return simple;
}

function isSimpleRule(match: JsonObject): boolean {
  if (!isEmptySelector(match['namespaceSelector']) || !isEmptySelector(match['objectSelector'])) return false;
  if (Array.isArray(match['excludeResourceRules']) && match['excludeResourceRules'].length !== 0) return false;
  const rules = match['resourceRules'];
  if (!Array.isArray(rules) || rules.length !== 1 || !isObject(rules[0])) return false;
  const names = rules[0]['resourceNames'];
  return !(Array.isArray(names) && names.length > 0);
}

function userInfoJson(info: RequestInfo | null): JsonObject {
  const u: JsonObject = {};
  if (!info) return u;
  if (info.userInfo.username !== '') u['username'] = info.userInfo.username;
  if (info.userInfo.uid !== '') u['uid'] = info.userInfo.uid;
  if (info.userInfo.groups !== null) u['groups'] = [...info.userInfo.groups];
  return u;
}

const rule = (status: RuleResponse['status'], message: string): RuleResponse => ({ name: '', ruleType: 'Validation', status, message });

/**
 * Evaluate a ValidatingPolicy (and its autogen copies) for one request: one PolicyResponse per
 * variant that the CLI would keep (a variant with no rule response is dropped when its match
 * constraints are a single plain rule, as the CLI does).
 */
/**
 * A response, written out: `{ ...base, more }` is far slower than a literal in V8 11 (Node 20),
 * and this runs per request, policy and autogen variant.
 */
function policyResponse(policy: ValidatingPolicy, resource: JsonObject, rules: readonly RuleResponse[], unsupported?: string): PolicyResponse {
  const response = { policyName: policy.name, policyNamespace: policy.namespace, policyKind: policy.kind, resource, rules };
  return unsupported === undefined ? response : { policyName: policy.name, policyNamespace: policy.namespace, policyKind: policy.kind, resource, rules, unsupported };
}

/** The CEL `request` value, built when a variant first matches and then shared (CEL converts it once). */
class CelRequest {
  #value: JsonObject | undefined;
  constructor(
    private readonly attr: MatchAttributes,
    private readonly kind: string,
    private readonly request: VpolRequest,
  ) {}

  get value(): JsonObject {
    const { attr, request } = this;
    return (this.#value ??= {
      kind: { group: attr.group, version: attr.version, kind: this.kind },
      resource: { group: attr.group, version: attr.version, resource: attr.resource },
      name: attr.name,
      namespace: attr.namespace,
      operation: attr.operation,
      userInfo: userInfoJson(request.userInfo),
      object: request.object,
      oldObject: request.oldObject ?? null,
      dryRun: false,
    });
  }
}

export function validateWithVpol(policy: ValidatingPolicy, request: VpolRequest): PolicyResponse[] {
  const subject = request.object ?? request.oldObject ?? null;
  if (!subject) return [];
  const evaluation = isObject(policy.spec['evaluation']) ? policy.spec['evaluation'] : {};
  if (evaluation['mode'] === 'JSON' || evaluation['mode'] === 'Envoy' || evaluation['mode'] === 'HTTP') {
    return [policyResponse(policy, subject, [], `ValidatingPolicy evaluation mode ${String(evaluation['mode'])} is not supported`)];
  }
  const apiVersion = getApiVersion(subject);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const kind = getKind(subject);
  const resource = resourceNameOf(group, kind);
  if (resource === null) {
    return [policyResponse(policy, subject, [], `no resource name known for ${apiVersion}/${kind} (needed to match a ValidatingPolicy)`)];
  }
  const namespace = kind === 'Namespace' && group === '' ? '' : getNamespace(subject);
  const attr: MatchAttributes = {
    group,
    version,
    resource,
    subresource: '',
    operation: request.operation,
    name: getName(subject),
    namespace,
    object: request.object,
    oldObject: request.oldObject ?? null,
    namespaceObject: request.namespace,
  };
  const celRequest = new CelRequest(attr, kind, request);
  const out: PolicyResponse[] = [];
  for (const spec of variants(policy)) {
    const rules = evaluateVariant(policy, spec, attr, request, celRequest);
    if (!Array.isArray(rules)) {
      out.push(policyResponse(policy, subject, [], rules.unsupported));
      continue;
    }
    if (rules.length === 0 && hasSimpleRule(spec['matchConstraints'])) continue;
    out.push(policyResponse(policy, subject, rules));
  }
  return out;
}

// The `exceptions` variable when no PolicyException grants anything (one value: converted once).
const NO_EXCEPTIONS = { exceptions: { allowedImages: [], allowedValues: [] } };

function evaluateVariant(policy: ValidatingPolicy, spec: JsonObject, attr: MatchAttributes, request: VpolRequest, celRequest: CelRequest): RuleResponse[] | { unsupported: string } {
  try {
    if (!matchConstraints(spec['matchConstraints'], attr)) return [];
  } catch (error) {
    if (error instanceof MatchError) return [{ name: 'match', ruleType: 'Validation', status: 'error', message: `failed to execute matching: ${error.message}` }];
    throw error;
  }
  const compiled = compileVariant(spec);
  const issue = compiled.cel.issues[0];
  if (issue) {
    if (issue.unsupported || KYVERNO_LIBRARY_CALL.test(issue.expression)) {
      return { unsupported: `ValidatingPolicy ${policy.name} ${issue.field}: ${issue.unsupported ? issue.message : 'uses a Kyverno CEL library that is not provided'}` };
    }
    // the CLI fails the whole test when a policy does not compile
    return [{ name: 'compile', ruleType: 'Validation', status: 'error', message: `failed to compile policy ${policy.name}: ${issue.message}` }];
  }
  const failurePolicy = spec['failurePolicy'] === 'Ignore' ? 'Ignore' : 'Fail';
  const activation = compiled.cel.bind({
    object: request.object,
    oldObject: request.oldObject ?? null,
    request: celRequest.value,
    namespaceObject: request.namespace,
    extra: NO_EXCEPTIONS,
  });
  if (compiled.cel.matchConditions.length > 0) {
    const m = activation.matchConditions();
    if (m.failedCondition !== undefined) return [rule('skip', 'skip')];
    if (m.error !== undefined) {
      if (failurePolicy === 'Ignore') return [rule('skip', 'skip')];
      return [{ name: 'evaluation', ruleType: 'Validation', status: 'error', message: `failed to load context: ${m.error}` }];
    }
  }
  for (let index = 0; index < compiled.cel.validations.length; index++) {
    const outcome = activation.validation(index);
    if (!outcome.ok) return [rule('error', `error: ${outcome.error}`)];
    if (typeof outcome.value !== 'boolean') return [rule('error', `error: cannot convert ${typeof outcome.value} to bool`)];
    if (!outcome.value) {
      let message = compiled.messages[index] ?? '';
      const messageProgram = compiled.cel.validations[index]!.messageProgram;
      if (messageProgram) {
        const m = messageProgram.program ? activation.evaluate(messageProgram.program) : { ok: false as const, error: String(messageProgram.error) };
        if (!m.ok) message = `failed to evaluate message expression: ${m.error}`;
        else if (typeof m.value !== 'string') message = `failed to convert message expression to string: ${typeof m.value}`;
        else message = m.value;
      }
      if (message === '') message = `CEL expression validation failed at index ${index}`;
      return [rule('fail', message)];
    }
  }
  return [rule('pass', 'success')];
}

