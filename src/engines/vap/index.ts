/**
 * The embedded evaluator of native ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding
 * (admissionregistration.k8s.io v1; v1beta1 and v1alpha1 of the same shape), faithful to the
 * kube-apiserver's ValidatingAdmissionPolicy plugin: policy and binding validation as on create,
 * MatchResources (namespace/object selectors, resource rules, exclusions, matchPolicy Equivalent),
 * paramRef resolution, the CEL validator (shared layer: variables, matchConditions, validations,
 * messageExpression, auditAnnotations, costs) and the dispatcher's validationActions and
 * failurePolicy handling.
 *
 * ```ts
 * import { VapEngine } from '../engines/vap/index.ts';
 *
 * const engine = new VapEngine(loadedObjects, { namespaces: [ns], objects: [paramConfigMap] });
 * engine.problems;                        // policies/bindings the apiserver would reject, with file:line: field
 * const review = engine.review({ object: deployment });        // CREATE (UPDATE with oldObject too)
 * review.allowed; review.status;          // {code, reason, message} of the first denial
 * review.warnings; review.auditAnnotations;
 * engine.verdicts({ object: pod });       // [{policy, binding, verdict: pass|fail|skip|error, message}]
 * ```
 *
 * Known divergences:
 * - Not detectable per request (documented here, not reported): the object is evaluated as given,
 *   without the apiserver's defaulting and typed round trip (e.g. `spec.securityContext: {}` on
 *   every stored Pod, `metadata.creationTimestamp: null`), so an expression that tells an absent
 *   field from its default can decide differently. Callers who need it must default the object.
 * - Reported as unsupported: a match through an equivalent resource in another version
 *   (matchPolicy Equivalent) or a param stored in another version of its kind (both need a
 *   conversion); a policy using `authorizer` when no CelAuthorizer was supplied.
 * - Audit annotation expressions see the same reduced namespaceObject as validations (upstream
 *   hands them the whole Namespace); CEL `request`/`namespaceObject` are `dyn` (CEL layer), so a
 *   misspelt field there is a runtime error, not a compile error; no static cost estimate on load.
 * - Policies and bindings are visited in name order (upstream: map and informer order), so the
 *   denial reported first is reproducible.
 */
import type { CelAuthorizer } from '../cel/index.ts';
import { describeError, KpcError } from '../../util/errors.ts';
import type { LoadedObject } from '../../util/eval-row.ts';
import { attributesForObject, groupVersionKindOf, type AdmissionAttributes, type ObjectRequest } from './attributes.ts';
import { loadBinding, type ValidatingAdmissionPolicyBinding } from './binding.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { dispatch, type AdmissionReview } from './dispatch.ts';
import { admissionKind, loadPolicy, type ValidatingAdmissionPolicy } from './policy.ts';
import { bindingVerdict, type BindingVerdict } from './verdict.ts';

export { attributesForObject, celNamespaceObject, celRequest, namespaceAsStored, NAMESPACE_NAME_LABEL } from './attributes.ts';
export type { AdmissionAttributes, ObjectRequest, Operation, UserInfo } from './attributes.ts';
export { loadBinding } from './binding.ts';
export type { ParamRef, ValidatingAdmissionPolicyBinding, ValidationAction } from './binding.ts';
export { Cluster } from './cluster.ts';
export type { ClusterOptions, KindDeclaration } from './cluster.ts';
export { InvalidObjectError } from './decode.ts';
export type { FieldError } from './decode.ts';
export { dispatch, VALIDATION_FAILURE_ANNOTATION } from './dispatch.ts';
export type { AdmissionReview, AdmissionStatus, BindingOutcome, BindingReview, Denial, ParamEvaluation, PolicyReview, ValidationFailure } from './dispatch.ts';
export { matchResources, MatchError } from './match.ts';
export type { MatchEnvironment, MatchResources, MatchResult, NamedRule } from './match.ts';
export { collectParams } from './params.ts';
export { admissionKind, loadPolicy } from './policy.ts';
export type { ValidatingAdmissionPolicy } from './policy.ts';
export { builtinEquivalentResources, EquivalentResourceRegistry, guessResource } from './resources.ts';
export type { EquivalentResourceMapper, GroupVersionKind, GroupVersionResource } from './resources.ts';
export { bindingVerdict } from './verdict.ts';
export type { BindingVerdict } from './verdict.ts';

function isAttributes(request: ObjectRequest | AdmissionAttributes): request is AdmissionAttributes {
  return 'kind' in request && 'resource' in request && 'userInfo' in request;
}

/** The object's scope from the cluster's kinds (declared CRDs) when the caller did not say. */
function withScope(request: ObjectRequest, cluster: Cluster): ObjectRequest {
  const subject = request.object ?? request.oldObject;
  if (request.namespaced !== undefined || !subject) return request;
  try {
    const scope = cluster.scopeOf(groupVersionKindOf(subject));
    return scope ? { ...request, namespaced: scope.namespaced } : request;
  } catch {
    return request;
  }
}

/** A policy or binding that could not be loaded (the apiserver would reject it). */
export interface LoadProblem {
  readonly source: LoadedObject;
  readonly kind: 'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding';
  readonly name: string;
  readonly message: string;
}

export interface LoadedVapObjects {
  readonly policies: readonly ValidatingAdmissionPolicy[];
  readonly bindings: readonly ValidatingAdmissionPolicyBinding[];
  readonly problems: readonly LoadProblem[];
  /** Every other object (candidate params, namespaces). */
  readonly others: readonly LoadedObject[];
}

/** Splits objects into loaded policies, loaded bindings, load problems and everything else. */
export function loadVapObjects(objects: readonly LoadedObject[]): LoadedVapObjects {
  const policies: ValidatingAdmissionPolicy[] = [];
  const bindings: ValidatingAdmissionPolicyBinding[] = [];
  const problems: LoadProblem[] = [];
  const others: LoadedObject[] = [];
  for (const object of objects) {
    const type = admissionKind(object.value);
    if (!type) {
      others.push(object);
      continue;
    }
    try {
      // names are unique per kind in a cluster: a second object of the same name is refused
      if (type.kind === 'ValidatingAdmissionPolicy') {
        const policy = loadPolicy(object);
        if (policies.some((p) => p.name === policy.name)) throw alreadyExists(type.kind, policy.name, object);
        policies.push(policy);
      } else {
        const binding = loadBinding(object);
        if (bindings.some((b) => b.name === binding.name)) throw alreadyExists(type.kind, binding.name, object);
        bindings.push(binding);
      }
    } catch (error) {
      const metadata = object.value['metadata'];
      const name = typeof metadata === 'object' && metadata !== null && typeof (metadata as Record<string, unknown>)['name'] === 'string' ? ((metadata as Record<string, unknown>)['name'] as string) : '';
      problems.push({ source: object, kind: type.kind, name, message: describeError(error) });
    }
  }
  return { policies, bindings, problems, others };
}

function alreadyExists(kind: string, name: string, object: LoadedObject): KpcError {
  const plural = kind === 'ValidatingAdmissionPolicy' ? 'validatingadmissionpolicies' : 'validatingadmissionpolicybindings';
  return new KpcError(`${plural}.admissionregistration.k8s.io ${JSON.stringify(name)} already exists`, { file: object.file, line: object.line, field: 'metadata.name' });
}

export interface VapEngineOptions extends ClusterOptions {
  readonly authorizer?: CelAuthorizer;
}

/** Policies, bindings and cluster state, ready to review requests. */
export class VapEngine {
  readonly policies: readonly ValidatingAdmissionPolicy[];
  readonly bindings: readonly ValidatingAdmissionPolicyBinding[];
  readonly problems: readonly LoadProblem[];
  readonly cluster: Cluster;
  readonly #authorizer: CelAuthorizer | undefined;

  constructor(objects: readonly LoadedObject[], options: VapEngineOptions = {}) {
    const loaded = loadVapObjects(objects);
    this.policies = loaded.policies;
    this.bindings = loaded.bindings;
    this.problems = loaded.problems;
    this.cluster = new Cluster({ ...options, objects: [...(options.objects ?? []), ...loaded.others.map((o) => o.value)] });
    this.#authorizer = options.authorizer;
  }

  /** The plugin's decision on a request (given as attributes, or as an object request). */
  review(request: ObjectRequest | AdmissionAttributes): AdmissionReview {
    const attributes = isAttributes(request) ? request : attributesForObject(withScope(request, this.cluster));
    return dispatch(this.policies, this.bindings, attributes, { cluster: this.cluster, ...(this.#authorizer ? { authorizer: this.#authorizer } : {}) });
  }

  /** One verdict per policy × binding that was considered for the request. */
  verdicts(request: ObjectRequest | AdmissionAttributes): BindingVerdict[] {
    return this.review(request).policies.flatMap((policy) => policy.bindings.map(bindingVerdict));
  }
}
