/**
 * The admission decision PSA makes for a request (admission/admission.go, as the in-tree plugin
 * runs it for CREATE and UPDATE): Pods get enforce, audit and warn; workloads (pod templates) only
 * audit and warn; namespaces get label validation and a dry run (admission-namespace.ts).
 */
import { describeError } from '../../util/errors.ts';
import { goQuote } from './go-format.ts';
import { isPlainObject } from '../../util/yaml.ts';
import {
  allowed,
  badRequest,
  denied,
  forbiddenStatus,
  IGNORED_POD_SUBRESOURCES,
  internalError,
  type AdmissionEnvironment,
  type AdmissionRequest,
  type AdmissionResponse,
  type GroupResource,
} from './admission-response.ts';
import { validateNamespaceRequest } from './admission-namespace.ts';
import { configurationOf, exemptNamespace, exemptRuntimeClass, exemptUser } from './config.ts';
import { decodePod } from './decode.ts';
import { evaluatePodView, type PodEvaluation } from './evaluate.ts';
import { aggregateErrorMessage, isFullyPrivileged, policyToEvaluate, type InvalidFieldError, type PodSecurityPolicy } from './namespace-policy.ts';
import type { PodView } from './pod-model.ts';
import { levelVersionString, type LevelVersion } from './version.ts';
import { extractPodSpec, podSpecResource, resourceByName } from './workloads.ts';

export * from './admission-response.ts';

const NAMESPACES: GroupResource = { group: '', resource: 'namespaces' };
const PODS: GroupResource = { group: '', resource: 'pods' };

export function admit(request: AdmissionRequest, env: AdmissionEnvironment = {}): AdmissionResponse {
  // The in-tree plugin registers for CREATE and UPDATE only.
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return allowed();
  const resource = request.resource ?? resourceOf(request.object);
  if (!resource) return allowed();
  if (resource.group === '' && resource.resource === 'namespaces') return validateNamespaceRequest(request, env);
  if (resource.group === '' && resource.resource === 'pods') return validatePod(request, env);
  if (resourceByName(resource.group, resource.resource)) return validatePodController(request, resource, env);
  return allowed(); // not a resource PSA looks at
}

function resourceOf(object: Record<string, unknown> | null | undefined): GroupResource | undefined {
  if (!object) return undefined;
  if (object['kind'] === 'Namespace' && object['apiVersion'] === 'v1') return NAMESPACES;
  const r = podSpecResource(object);
  return r ? { group: r.group, resource: r.resource } : undefined;
}

function metadataField(object: Record<string, unknown> | null | undefined, key: string): string {
  const meta = object?.['metadata'];
  const value = isPlainObject(meta) ? meta[key] : undefined;
  return typeof value === 'string' ? value : '';
}

function requestNamespace(request: AdmissionRequest): string {
  return request.namespace ?? metadataField(request.object, 'namespace');
}

/** The namespace's labels, or the lookup failure. */
function lookupNamespace(env: AdmissionEnvironment, namespace: string): { labels: Readonly<Record<string, string>> | null } | { error: string } {
  const found = env.namespace;
  if (!found) return { error: `namespaces ${goQuote(namespace)} not found` };
  if ('lookupError' in found) return { error: found.lookupError };
  return { labels: found.labels ?? null };
}

function validatePod(request: AdmissionRequest, env: AdmissionEnvironment): AdmissionResponse {
  if (IGNORED_POD_SUBRESOURCES.has(request.subresource ?? '')) return allowed();
  const config = configurationOf(env);
  const namespace = requestNamespace(request);
  if (exemptNamespace(config, namespace)) return allowed({ exempt: 'namespace' });
  if (exemptUser(config, request.username ?? '')) return allowed({ exempt: 'user' });

  const lookup = lookupNamespace(env, namespace);
  if ('error' in lookup) return internalError(`failed to lookup namespace ${goQuote(namespace)}`, lookup.error);
  const { policy, errors } = policyToEvaluate(lookup.labels, config.defaults);
  if (errors.length === 0 && isFullyPrivileged(policy)) return allowed({ 'enforce-policy': 'privileged:latest' });

  const object = request.object;
  if (!object || object['kind'] !== 'Pod') return badRequest('failed to decode pod');
  let pod: PodView;
  try {
    pod = decodePod(object['metadata'], object['spec'], 'pod');
  } catch (error) {
    return badRequest('failed to decode object', describeError(error));
  }
  if (request.operation === 'UPDATE') {
    const old = request.oldObject;
    if (!old || old['kind'] !== 'Pod') return badRequest('failed to decode old pod');
    let oldPod: PodView;
    try {
      oldPod = decodePod(old['metadata'], old['spec'], 'pod');
    } catch (error) {
      return badRequest('failed to decode old object', describeError(error));
    }
    // Nothing PSA cares about changed: always allowed, even if the pod violates the policy.
    if (!isSignificantPodUpdate(pod, oldPod)) return allowed();
  }
  const name = request.name ?? metadataField(object, 'name');
  return evaluateAdmission(policy, errors, pod, PODS, name, env, true);
}

function validatePodController(request: AdmissionRequest, resource: GroupResource, env: AdmissionEnvironment): AdmissionResponse {
  if ((request.subresource ?? '') !== '') return allowed();
  const config = configurationOf(env);
  const namespace = requestNamespace(request);
  if (exemptNamespace(config, namespace)) return allowed({ exempt: 'namespace' });
  if (exemptUser(config, request.username ?? '')) return allowed({ exempt: 'user' });

  // For workloads every failure allows the request, with an `error` audit annotation.
  const lookup = lookupNamespace(env, namespace);
  if ('error' in lookup) return allowed({ error: `failed to lookup namespace ${goQuote(namespace)}: ${lookup.error}` });
  const { policy, errors } = policyToEvaluate(lookup.labels, config.defaults);
  if (errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return allowed();

  const object = request.object;
  if (!object) return allowed({ error: 'failed to decode object: no object in the request' });
  const objectResource = podSpecResource(object);
  if (!objectResource || objectResource.resource !== resource.resource || objectResource.group !== resource.group) {
    return allowed({ error: `failed to extract pod template: unexpected object type: ${String(object['apiVersion'])}, Kind=${String(object['kind'])}` });
  }
  let pod: PodView;
  try {
    const extracted = extractPodSpec(object);
    if (!extracted) return allowed(); // a controller without a pod template is skipped
    pod = decodePod(extracted.metadata, extracted.spec, extracted.defaulting, extracted.path);
  } catch (error) {
    return allowed({ error: `failed to decode object: ${describeError(error)}` });
  }
  const name = request.name ?? metadataField(object, 'name');
  return evaluateAdmission(policy, errors, pod, resource, name, env, false);
}

/** Admission.EvaluatePod: runtimeClass exemption, then enforce (Pods only), audit and warn. */
function evaluateAdmission(
  policy: PodSecurityPolicy,
  policyErrors: readonly InvalidFieldError[],
  pod: PodView,
  resource: GroupResource,
  name: string,
  env: AdmissionEnvironment,
  enforce: boolean,
): AdmissionResponse {
  if (exemptRuntimeClass(configurationOf(env), pod.spec.runtimeClassName)) return allowed({ exempt: 'runtimeClass' });

  const annotations: Record<string, string> = {};
  if (policyErrors.length > 0) annotations['error'] = `Failed to parse policy: ${aggregateErrorMessage(policyErrors.map((e) => e.message))}`;

  const cache = new Map<string, PodEvaluation>();
  const evaluate = (lv: LevelVersion): PodEvaluation => {
    const key = levelVersionString(lv);
    let result = cache.get(key);
    if (!result) {
      result = evaluatePodView(lv.level, lv.version, pod, env.emulationVersion === undefined ? {} : { emulationVersion: env.emulationVersion });
      cache.set(key, result);
    }
    return result;
  };

  let deniedStatus;
  if (enforce) {
    annotations['enforce-policy'] = levelVersionString(policy.enforce);
    const result = evaluate(policy.enforce);
    if (!result.allowed) {
      deniedStatus = forbiddenStatus(resource, name, `violates PodSecurity ${goQuote(levelVersionString(policy.enforce))}: ${result.message}`);
    }
  }
  const audit = evaluate(policy.audit);
  if (!audit.allowed) annotations['audit-violations'] = `would violate PodSecurity ${goQuote(levelVersionString(policy.audit))}: ${audit.message}`;
  if (deniedStatus) return denied(deniedStatus, annotations);

  // Warnings only on requests that are not rejected.
  const warnings: string[] = [];
  const warn = evaluate(policy.warn);
  if (!warn.allowed) warnings.push(`would violate PodSecurity ${goQuote(levelVersionString(policy.warn))}: ${warn.message}`);
  return allowed(annotations, warnings);
}

/**
 * isSignificantPodUpdate: container or initContainer counts changed, an image changed at the same
 * index, or an ephemeral container was added (by name) or changed image. Annotations are not read.
 */
export function isSignificantPodUpdate(pod: PodView, oldPod: PodView): boolean {
  const spec = pod.spec;
  const old = oldPod.spec;
  if (spec.containers.length !== old.containers.length) return true;
  if (spec.initContainers.length !== old.initContainers.length) return true;
  if (spec.containers.some((c, i) => c.image !== old.containers[i]!.image)) return true;
  if (spec.initContainers.some((c, i) => c.image !== old.initContainers[i]!.image)) return true;
  return spec.ephemeralContainers.some((c) => {
    const previous = old.ephemeralContainers.find((o) => o.name === c.name);
    return previous === undefined || previous.image !== c.image;
  });
}
