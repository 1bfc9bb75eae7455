/**
 * The ValidatingAdmissionPolicy plugin's decision for one request (admission/plugin/policy/
 * generic/plugin.go Dispatch → validating/dispatcher.go): for each policy that has bindings, match
 * its constraints; for each of its bindings, match the binding, collect params, and run the
 * validator (the shared CEL layer) once per param; then turn decisions into denials, warnings and
 * audit annotations according to the binding's validationActions and the policy's failurePolicy.
 *
 * Upstream iterates policies in map order and bindings in informer order; here both are sorted by
 * name, so which denial is reported first is reproducible.
 */
import type { CelAuditAnnotationResult, CelAuthorizer, CelDecision } from '../cel/index.ts';
import { compareBytes } from '../../util/files.ts';
import { describeError, KpcError, UnsupportedError } from '../../util/errors.ts';
import { celNamespaceObject, celRequest, isNamespaceKind, type AdmissionAttributes, type JsonObject } from './attributes.ts';
import type { ValidatingAdmissionPolicyBinding, ValidationAction } from './binding.ts';
import type { Cluster } from './cluster.ts';
import { freeReference } from './expressions.ts';
import { MatchError, matchResources, type MatchResult } from './match.ts';
import { collectParams } from './params.ts';
import { paramKindGvk, type ValidatingAdmissionPolicy } from './policy.ts';
import { groupResourceString, gvkString, sameGvk } from './resources.ts';

/** Why a binding produced no evaluation, or what its evaluations came to. */
/**
 * not-matched / no-params: not evaluated; config-error: the apiserver's configuration error;
 * unsupported: beyond this evaluator; error: the input could not be evaluated (e.g. an object nested
 * deeper than CEL accepts); evaluated: see the evaluations.
 */
export type BindingOutcome = 'not-matched' | 'no-params' | 'config-error' | 'unsupported' | 'error' | 'evaluated';

/** The validator's result for one param. */
export interface ParamEvaluation {
  /** The param object's namespace/name, or null when params is null. */
  readonly param: { readonly namespace: string; readonly name: string } | null;
  /** False when a match condition was false (or errored under failurePolicy Ignore). */
  readonly matched: boolean;
  readonly decisions: readonly CelDecision[];
  readonly auditAnnotations: readonly CelAuditAnnotationResult[];
}

/** A denial of the request, as the dispatcher collects them. */
export interface Denial {
  readonly policy: string;
  readonly binding: string | null;
  readonly message: string;
  /** The StatusReason: the validation's reason, else Invalid. */
  readonly reason: string;
}

/** The JSON value of the validation.policy.admission.k8s.io/validation_failure audit annotation. */
export interface ValidationFailure {
  readonly message: string;
  readonly policy: string;
  readonly binding: string;
  readonly expressionIndex: number;
  readonly validationActions: readonly ValidationAction[];
}

export interface BindingReview {
  readonly policy: string;
  readonly binding: string;
  readonly validationActions: readonly ValidationAction[];
  readonly outcome: BindingOutcome;
  /** Why it was not evaluated, its configuration error, or what it decided. */
  readonly message: string;
  readonly evaluations: readonly ParamEvaluation[];
  readonly denials: readonly Denial[];
  readonly warnings: readonly string[];
  readonly auditFailures: readonly ValidationFailure[];
}

export interface PolicyReview {
  readonly policy: string;
  readonly failurePolicy: 'Fail' | 'Ignore';
  /** Whether matchConstraints matched the request. */
  readonly matched: boolean;
  /** A policy-level configuration error (matching, unknown paramKind), reported whatever the failurePolicy. */
  readonly configError: string | null;
  readonly bindings: readonly BindingReview[];
  /** Published audit annotations, `<policy>/<key>` → value. */
  readonly auditAnnotations: Readonly<Record<string, string>>;
}

export interface AdmissionStatus {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

export interface AdmissionReview {
  readonly allowed: boolean;
  /** The apiserver's error status when the request is refused. */
  readonly status: AdmissionStatus | null;
  /** Set when the plugin never looks at this request (admission configuration resources). */
  readonly exempt: string | null;
  readonly warnings: readonly string[];
  /** Request audit annotations: per policy `<policy>/<key>`, and validation_failure. */
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly policies: readonly PolicyReview[];
  /** Bindings whose policy does not exist (the apiserver ignores them). */
  readonly orphanBindings: readonly string[];
  /** What could not be evaluated faithfully; `allowed` then reflects only the rest. */
  readonly unsupported: readonly string[];
}

export interface DispatchOptions {
  readonly cluster: Cluster;
  /** The apiserver always has one; without it, a policy that uses `authorizer` is unsupported. */
  readonly authorizer?: CelAuthorizer;
}

export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';
const MAX_AUDIT_ANNOTATION_VALUE_BYTES = 10 * 1024;
// GenericAdmissionPolicy plugin: API-based policies never see their own configuration resources
const ADMISSION_CONFIG_RESOURCES = new Set(['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

/** Reviews one request against every policy and binding. Never throws for bad policies or input. */
export function dispatch(policies: readonly ValidatingAdmissionPolicy[], bindings: readonly ValidatingAdmissionPolicyBinding[], attributes: AdmissionAttributes, options: DispatchOptions): AdmissionReview {
  const byName = new Map<string, ValidatingAdmissionPolicy>();
  for (const policy of policies) if (!byName.has(policy.name)) byName.set(policy.name, policy);
  const bindingsByPolicy = new Map<string, ValidatingAdmissionPolicyBinding[]>();
  const orphanBindings: string[] = [];
  for (const binding of [...bindings].sort((a, b) => compareBytes(a.name, b.name))) {
    if (!byName.has(binding.policyName)) orphanBindings.push(binding.name);
    else bindingsByPolicy.set(binding.policyName, [...(bindingsByPolicy.get(binding.policyName) ?? []), binding]);
  }
  const state = new RequestState();
  const empty = { allowed: true, status: null, warnings: [], auditAnnotations: {}, policies: [], orphanBindings, unsupported: [] };
  if (attributes.resource.group === 'admissionregistration.k8s.io' && ADMISSION_CONFIG_RESOURCES.has(attributes.resource.resource)) {
    return { ...empty, exempt: `${groupResourceString(attributes.resource)} are never subject to ValidatingAdmissionPolicy` };
  }

  const reviews: PolicyReview[] = [];
  for (const policyName of [...bindingsByPolicy.keys()].sort(compareBytes)) {
    const policy = byName.get(policyName)!;
    let outcome: ReturnType<typeof reviewPolicy>;
    try {
      outcome = reviewPolicy(policy, bindingsByPolicy.get(policyName)!, attributes, options, state);
    } catch (error) {
      // bad input (e.g. an object CEL cannot represent) fails this policy's review, not the run
      const unsupported = error instanceof UnsupportedError;
      const message = unsupported ? describeError(error) : `could not evaluate the request: ${describeError(error)}`;
      if (unsupported) state.unsupported.push(`ValidatingAdmissionPolicy '${policy.name}': ${message}`);
      const outcome: BindingOutcome = unsupported ? 'unsupported' : 'error';
      const failed = bindingsByPolicy.get(policyName)!.map((binding): BindingReview => ({ policy: policy.name, binding: binding.name, validationActions: binding.validationActions, outcome, message, evaluations: [], denials: [], warnings: [], auditFailures: [] }));
      reviews.push({ policy: policy.name, failurePolicy: policy.failurePolicy, matched: true, configError: null, bindings: failed, auditAnnotations: {} });
      continue;
    }
    reviews.push(outcome.review);
    if (outcome.requestError) {
      return { allowed: false, status: outcome.requestError, exempt: null, warnings: state.warnings, auditAnnotations: state.annotations, policies: reviews, orphanBindings, unsupported: state.unsupported };
    }
  }
  const first = state.denials[0];
  let status: AdmissionStatus | null = null;
  if (first) {
    const message =
      first.binding !== null
        ? `ValidatingAdmissionPolicy '${first.policy}' with binding '${first.binding}' denied request: ${first.message}`
        : `ValidatingAdmissionPolicy '${first.policy}' denied request: ${first.message}`;
    status = { code: reasonToCode(first.reason), reason: first.reason, message: forbiddenMessage(attributes, message) };
  }
  return { allowed: status === null, status, exempt: null, warnings: state.warnings, auditAnnotations: state.annotations, policies: reviews, orphanBindings, unsupported: state.unsupported };
}

/** What accumulates across policies for one request. */
class RequestState {
  readonly denials: Denial[] = [];
  readonly warnings: string[] = [];
  readonly annotations: Record<string, string> = {};
  readonly unsupported: string[] = [];

  warn(text: string): void {
    // the warning recorder drops a warning already recorded
    if (!this.warnings.includes(text)) this.warnings.push(text);
  }

  /** attributes.AddAnnotation: a key keeps its first value (overwrites are refused). */
  annotate(key: string, value: string): void {
    if (!Object.hasOwn(this.annotations, key)) this.annotations[key] = value;
  }
}

function reviewPolicy(
  policy: ValidatingAdmissionPolicy,
  bindings: readonly ValidatingAdmissionPolicyBinding[],
  attributes: AdmissionAttributes,
  options: DispatchOptions,
  state: RequestState,
): { review: PolicyReview; requestError?: AdmissionStatus } {
  const bindingReviews: BindingReview[] = [];
  // Runs per request and policy: no named closures (tsx's keepNames makes each a defineProperty)
  // and no `{ ...base, more }` (far slower than a literal in V8 11 / Node 20).
  let match: MatchResult;
  try {
    match = matchResources(policy.matchConstraints, attributes, options.cluster);
  } catch (error) {
    if (error instanceof MatchError) return policyError(policy, bindings, state, error.message);
    throw error;
  }
  if (!match.matches) {
    return { review: policyReview(policy, false, skipAll(policy, bindings, 'not-matched', 'the policy does not match the request'), {}) };
  }
  const paramKind = paramKindGvk(policy);
  const paramMapping = paramKind ? options.cluster.scopeOf(paramKind) : null;
  if (paramKind && !paramMapping) return policyError(policy, bindings, state, `failed to find resource referenced by paramKind: '${gvkString(paramKind)}'`);

  const unsupported = unsupportedReason(policy, attributes, match, options);
  const collector = new Map<string, string[]>();
  for (const binding of bindings) {
    const reviewed = reviewBinding(policy, binding, attributes, options, state, { match, paramMapping, unsupported, collector });
    bindingReviews.push(reviewed.review);
    if (reviewed.requestError) return { review: policyReview(policy, true, bindingReviews, {}), requestError: reviewed.requestError };
  }
  // auditAnnotationCollector.publish: distinct values of a key joined with ", "
  const published: Record<string, string> = {};
  for (const [key, values] of collector) {
    published[`${policy.name}/${key}`] = values.join(', ');
    state.annotate(`${policy.name}/${key}`, values.join(', '));
  }
  return { review: policyReview(policy, true, bindingReviews, published) };
}

function policyReview(policy: ValidatingAdmissionPolicy, matched: boolean, bindings: BindingReview[], auditAnnotations: Record<string, string>): PolicyReview {
  return { policy: policy.name, failurePolicy: policy.failurePolicy, matched, configError: null, bindings, auditAnnotations };
}

/** A binding review, written out (see reviewPolicy). */
function bindingReview(
  binding: ValidatingAdmissionPolicyBinding,
  policy: ValidatingAdmissionPolicy,
  outcome: BindingOutcome,
  message: string,
  evaluations: readonly ParamEvaluation[] = [],
  denials: readonly Denial[] = [],
  warnings: readonly string[] = [],
  auditFailures: readonly ValidationFailure[] = [],
): BindingReview {
  return { policy: policy.name, binding: binding.name, validationActions: binding.validationActions, outcome, message, evaluations, denials, warnings, auditFailures };
}

function skipAll(policy: ValidatingAdmissionPolicy, bindings: readonly ValidatingAdmissionPolicyBinding[], outcome: BindingOutcome, message: string): BindingReview[] {
  return bindings.map((binding): BindingReview => ({ policy: policy.name, binding: binding.name, validationActions: binding.validationActions, outcome, message, evaluations: [], denials: [], warnings: [], auditFailures: [] }));
}

/** addConfigError: under Ignore a configuration error is dropped; under Fail it denies. */
function configError(policy: ValidatingAdmissionPolicy, state: RequestState, error: string, binding: ValidatingAdmissionPolicyBinding | null): Denial | null {
  if (policy.failurePolicy === 'Ignore') return null;
  const denial = { policy: policy.name, binding: binding?.name ?? null, message: `failed to configure ${binding ? 'binding' : 'policy'}: ${error}`, reason: 'Invalid' };
  state.denials.push(denial);
  return denial;
}

function policyError(policy: ValidatingAdmissionPolicy, bindings: readonly ValidatingAdmissionPolicyBinding[], state: RequestState, error: string): { review: PolicyReview } {
  const denial = configError(policy, state, error, null);
  const message = denial ? denial.message : `failed to configure policy: ${error} (ignored: failurePolicy Ignore)`;
  return { review: { policy: policy.name, failurePolicy: policy.failurePolicy, matched: true, configError: message, bindings: skipAll(policy, bindings, 'config-error', message), auditAnnotations: {} } };
}

function bindingError(policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding, state: RequestState, error: string): { review: BindingReview } {
  const denial = configError(policy, state, error, binding);
  const message = denial ? denial.message : `failed to configure binding: ${error} (ignored: failurePolicy Ignore)`;
  return {
    review: { policy: policy.name, binding: binding.name, validationActions: binding.validationActions, evaluations: [], denials: denial ? [denial] : [], warnings: [], auditFailures: [], outcome: 'config-error', message },
  };
}

interface PolicyContext {
  readonly match: Extract<MatchResult, { matches: true }>;
  readonly paramMapping: { readonly namespaced: boolean } | null;
  readonly unsupported: string | null;
  readonly collector: Map<string, string[]>;
}

function reviewBinding(
  policy: ValidatingAdmissionPolicy,
  binding: ValidatingAdmissionPolicyBinding,
  attributes: AdmissionAttributes,
  options: DispatchOptions,
  state: RequestState,
  context: PolicyContext,
): { review: BindingReview; requestError?: AdmissionStatus } {

  if (binding.matchResources) {
    let matched: MatchResult;
    try {
      matched = matchResources(binding.matchResources, attributes, options.cluster);
    } catch (error) {
      if (error instanceof MatchError) return bindingError(policy, binding, state, error.message);
      throw error;
    }
    if (!matched.matches) return { review: bindingReview(binding, policy, 'not-matched', 'the binding does not match the request') };
  }

  let params;
  try {
    params = collectParams(paramKindGvk(policy), context.paramMapping, options.cluster, binding.paramRef, attributes.namespace);
  } catch (error) {
    if (error instanceof UnsupportedError) return unsupportedBinding(policy, binding, describeError(error), state);
    throw error;
  }
  if ('error' in params) return bindingError(policy, binding, state, params.error);

  // the namespace is fetched even when no param was found (a failed lookup fails the whole request);
  // a Namespace request does not look up its own namespace
  const namespaceName = isNamespaceKind(attributes.kind) ? '' : attributes.namespace;
  let namespace: JsonObject | null = null;
  if (namespaceName !== '') {
    namespace = options.cluster.namespace(namespaceName);
    if (namespace === null) {
      const message = `namespaces ${JSON.stringify(namespaceName)} not found`;
      return { review: bindingReview(binding, policy, 'config-error', message), requestError: { code: 404, reason: 'NotFound', message } };
    }
  }
  if (params.params.length === 0) return { review: bindingReview(binding, policy, 'no-params', 'no params found; parameterNotFoundAction Allow skips the policy') };
  if (context.unsupported !== null) return unsupportedBinding(policy, binding, context.unsupported, state);

  const evaluations: ParamEvaluation[] = [];
  const denials: Denial[] = [];
  const warnings: string[] = [];
  const auditFailures: ValidationFailure[] = [];
  const request = celRequestFor(attributes, context.match);
  for (const param of params.params) {
    const result = policy.cel.validate(
      {
        object: attributes.object,
        oldObject: attributes.oldObject,
        request,
        params: param,
        namespaceObject: celNamespaceObject(namespace),
        ...(options.authorizer ? { authorizer: options.authorizer } : {}),
      },
      { failurePolicy: policy.failurePolicy },
    );
    evaluations.push({
      param: param ? { namespace: metadataName(param, 'namespace'), name: metadataName(param, 'name') } : null,
      matched: result.matched,
      decisions: result.decisions,
      auditAnnotations: result.auditAnnotations,
    });
    result.decisions.forEach((decision, index) => {
      if (decision.action !== 'deny') return;
      for (const action of binding.validationActions) {
        if (action === 'Deny') {
          const denial = { policy: policy.name, binding: binding.name, message: decision.message, reason: decision.reason ?? 'Invalid' };
          denials.push(denial);
          state.denials.push(denial);
        } else if (action === 'Audit') {
          const failure = { message: decision.message, policy: binding.policyName, binding: binding.name, expressionIndex: index, validationActions: binding.validationActions };
          auditFailures.push(failure);
          state.annotate(VALIDATION_FAILURE_ANNOTATION, goJson([failure]));
        } else if (action === 'Warn') {
          const warning = `Validation failed for ValidatingAdmissionPolicy '${policy.name}' with binding '${binding.name}': ${decision.message}`;
          warnings.push(warning);
          state.warn(warning);
        }
      }
    });
    for (const annotation of result.auditAnnotations) {
      if (annotation.action === 'publish' && annotation.value !== undefined) {
        const value = truncateBytes(annotation.value, MAX_AUDIT_ANNOTATION_VALUE_BYTES);
        const values = context.collector.get(annotation.key) ?? [];
        // the same key and value from several bindings or params is published once
        if (!values.includes(value)) values.push(value);
        context.collector.set(annotation.key, values);
      } else if (annotation.action === 'error') {
        // upstream denies on an audit annotation error whatever the binding's validationActions
        const denial = { policy: policy.name, binding: binding.name, message: annotation.error ?? '', reason: 'Invalid' };
        denials.push(denial);
        state.denials.push(denial);
      }
    }
  }
  return { review: bindingReview(binding, policy, 'evaluated', summarize(evaluations), evaluations, denials, warnings, auditFailures) };
}

// One `request` value per request and matched resource, so CEL converts it once for every binding and policy.
const celRequests = new WeakMap<AdmissionAttributes, Map<string, JsonObject>>();
function celRequestFor(attributes: AdmissionAttributes, match: Extract<MatchResult, { matches: true }>): JsonObject {
  let byMatch = celRequests.get(attributes);
  if (!byMatch) celRequests.set(attributes, (byMatch = new Map()));
  const key = `${match.resource.group}/${match.resource.version}/${match.resource.resource}\n${gvkString(match.kind)}`;
  let request = byMatch.get(key);
  if (!request) byMatch.set(key, (request = celRequest(attributes, match.resource, match.kind)));
  return request;
}

function unsupportedBinding(policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding, reason: string, state: RequestState): { review: BindingReview } {
  const message = reason.startsWith('unsupported: ') ? reason : `unsupported: ${reason}`;
  state.unsupported.push(`ValidatingAdmissionPolicy '${policy.name}' with binding '${binding.name}': ${message}`);
  return { review: bindingReview(binding, policy, 'unsupported', message) };
}

/** What this evaluator cannot reproduce for the policy on this request, if anything. */
function unsupportedReason(policy: ValidatingAdmissionPolicy, attributes: AdmissionAttributes, match: Extract<MatchResult, { matches: true }>, options: DispatchOptions): string | null {
  if (!sameGvk(match.kind, attributes.kind)) {
    return `the policy matched ${gvkString(match.kind)}, an equivalent of the request's ${gvkString(attributes.kind)}: the apiserver would convert the object, which this evaluator cannot`;
  }
  if (!options.authorizer) {
    const field = authorizerUse(policy);
    if (field !== null) return `spec.${field} uses the authorizer, and no authorizer was supplied`;
  }
  return null;
}

// A loaded policy never changes: which expression (if any) uses the authorizer is found once.
const authorizerUses = new WeakMap<ValidatingAdmissionPolicy, string | null>();
function authorizerUse(policy: ValidatingAdmissionPolicy): string | null {
  let field = authorizerUses.get(policy);
  if (field === undefined) {
    const programs = [...policy.cel.variables, ...policy.cel.matchConditions, ...policy.cel.validations, ...policy.cel.auditAnnotations];
    field = programs.find((entry) => entry.program && freeReference(entry.program.ast, 'authorizer'))?.field ?? null;
    authorizerUses.set(policy, field);
  }
  return field;
}

function summarize(evaluations: readonly ParamEvaluation[]): string {
  const decisions = evaluations.flatMap((e) => e.decisions);
  if (evaluations.every((e) => !e.matched)) return 'a match condition excluded the request';
  const failed = decisions.filter((d) => d.action === 'deny' || d.evaluation === 'error');
  if (failed.length === 0) return 'all validations passed';
  return failed.map((d) => d.message).join('; ');
}

function metadataName(object: JsonObject, key: string): string {
  const metadata = object['metadata'];
  const value = typeof metadata === 'object' && metadata !== null ? (metadata as JsonObject)[key] : undefined;
  return typeof value === 'string' ? value : '';
}

/** admission.NewForbidden: `<resource>.<group> "<name>" is forbidden: <message>`. */
function forbiddenMessage(attributes: AdmissionAttributes, message: string): string {
  const resource = groupResourceString(attributes.resource);
  let name = attributes.name;
  if (name === '') {
    name = 'Unknown';
    if (attributes.object !== null) name = metadataName(attributes.object, 'name') || metadataName(attributes.object, 'generateName') || 'Unknown';
  }
  if (resource === '') return `forbidden: ${message}`;
  return `${resource} ${JSON.stringify(name)} is forbidden: ${message}`;
}

function reasonToCode(reason: string): number {
  switch (reason) {
    case 'Forbidden':
      return 403;
    case 'Unauthorized':
      return 401;
    case 'RequestEntityTooLarge':
      return 413;
    default:
      return 422;
  }
}

/** encoding/json output: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** value[:n] on the UTF-8 bytes. */
function truncateBytes(value: string, bytes: number): string {
  const buffer = Buffer.from(value, 'utf8');
  return buffer.length <= bytes ? value : buffer.subarray(0, bytes).toString('utf8');
}
