/**
 * Namespace requests (Admission.ValidateNamespace): label validation on CREATE and on UPDATE when
 * the label errors changed, the exempt-namespace warning, and the dry run of the namespace's
 * existing pods when an UPDATE tightens enforce (warnings only, never a denial).
 */
import { compareGoStrings, goQuote } from './go-format.ts';
import { allowed, badRequest, denied, type AdmissionEnvironment, type AdmissionRequest, type AdmissionResponse } from './admission-response.ts';
import { configurationOf, exemptNamespace, exemptRuntimeClass, type PodSecurityConfiguration } from './config.ts';
import { decodePod } from './decode.ts';
import { evaluatePodView } from './evaluate.ts';
import {
  aggregateErrorMessage,
  equivalentPolicy,
  isFullyPrivileged,
  LABELS,
  policyToEvaluate,
  sameLevelVersion,
  type InvalidFieldError,
  type PodSecurityPolicy,
} from './namespace-policy.ts';
import { compareLevels, levelVersionString, sameVersion, type LevelVersion } from './version.ts';
import { isPlainObject } from '../../util/yaml.ts';
import { describeError } from '../../util/errors.ts';

export const DEFAULT_MAX_PODS_TO_CHECK = 3000;

export function validateNamespaceRequest(request: AdmissionRequest, env: AdmissionEnvironment): AdmissionResponse {
  if ((request.subresource ?? '') !== '') return allowed();
  const config = configurationOf(env);
  const namespace = namespaceObject(request.object);
  if (!namespace) return badRequest('failed to decode namespace');
  if ('error' in namespace) return badRequest('failed to decode object', namespace.error);
  const requestNamespace = request.namespace ?? namespace.name;
  const name = request.name ?? namespace.name;
  const next = policyToEvaluate(namespace.labels, config.defaults);

  if (request.operation === 'CREATE') {
    if (next.errors.length > 0) return invalidNamespace(name, next.errors);
    if (exemptNamespace(config, requestNamespace)) {
      const warning = exemptNamespaceWarning(namespace.name, next.policy, namespace.labels, config);
      if (warning) return allowed({}, [warning]);
    }
    return allowed();
  }

  const oldNamespace = namespaceObject(request.oldObject);
  if (!oldNamespace) return badRequest('failed to decode  old namespace'); // sic: two spaces upstream
  if ('error' in oldNamespace) return badRequest('failed to decode  old object', oldNamespace.error);
  const previous = policyToEvaluate(oldNamespace.labels, config.defaults);
  // Invalid labels are rejected on UPDATE only when the errors changed.
  if (next.errors.length > 0 && (previous.errors.length === 0 || !sameErrors(next.errors, previous.errors))) {
    return invalidNamespace(name, next.errors);
  }

  const enforce = next.policy.enforce;
  const oldEnforce = previous.policy.enforce;
  if (sameLevelVersion(enforce, oldEnforce)) return allowed();
  if (enforce.level === 'privileged') return allowed();
  if (sameVersion(enforce.version, oldEnforce.version) && compareLevels(enforce.level, oldEnforce.level) < 1) return allowed();
  if (exemptNamespace(config, requestNamespace)) {
    const warning = exemptNamespaceWarning(namespace.name, next.policy, namespace.labels, config);
    return warning ? allowed({}, [warning]) : allowed();
  }
  return allowed({}, evaluatePodsInNamespace(namespace.name, enforce, env.existingPods ?? [], env));
}

interface NamespaceObject {
  readonly name: string;
  readonly labels: Record<string, string>;
}

function namespaceObject(object: Record<string, unknown> | null | undefined): NamespaceObject | { error: string } | null {
  if (!object || object['kind'] !== 'Namespace') return null;
  const meta = isPlainObject(object['metadata']) ? object['metadata'] : {};
  const labels = meta['labels'] ?? {};
  if (!isPlainObject(labels)) return { error: 'metadata.labels: expected an object' };
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') return { error: `metadata.labels[${key}]: expected a string` };
  }
  return { name: typeof meta['name'] === 'string' ? meta['name'] : '', labels: labels as Record<string, string> };
}

function sameErrors(a: readonly InvalidFieldError[], b: readonly InvalidFieldError[]): boolean {
  return a.length === b.length && a.every((e, i) => e.message === b[i]!.message);
}

/** apierrors.NewInvalid for kind Namespace. */
function invalidNamespace(name: string, errors: readonly InvalidFieldError[]): AdmissionResponse {
  return denied({
    code: 422,
    reason: 'Invalid',
    message: `Namespace ${goQuote(name)} is invalid: ${aggregateErrorMessage(errors.map((e) => e.message))}`,
  });
}

/** Non-empty when an exempt namespace sets a non-privileged policy other than the defaults. */
export function exemptNamespaceWarning(
  namespace: string,
  policy: PodSecurityPolicy,
  labels: Readonly<Record<string, string>>,
  config: PodSecurityConfiguration,
): string {
  if (isFullyPrivileged(policy) || equivalentPolicy(policy, config.defaults)) return '';
  const parts: string[] = [];
  const mode = (label: string, lv: LevelVersion, levelKey: string, versionKey: string) => {
    if (lv.level !== 'privileged' && (Object.hasOwn(labels, levelKey) || Object.hasOwn(labels, versionKey))) parts.push(`${label}=${levelVersionString(lv)}`);
  };
  mode('enforce', policy.enforce, LABELS.enforce, LABELS.enforceVersion);
  mode('audit', policy.audit, LABELS.audit, LABELS.auditVersion);
  mode('warn', policy.warn, LABELS.warn, LABELS.warnVersion);
  return `namespace ${goQuote(namespace)} is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
}

/**
 * Admission.EvaluatePodsInNamespace: evaluate existing pods at the new enforce level; one warning
 * per distinct reason list, named by the lexically first pod and a count. Pods with an exempt
 * runtimeClass are skipped; extra pods of one controller go after one representative each.
 */
export function evaluatePodsInNamespace(
  namespace: string,
  enforce: LevelVersion,
  pods: readonly Record<string, unknown>[],
  env: AdmissionEnvironment = {},
): string[] {
  const prioritized = prioritizePods(pods, configurationOf(env));
  const total = prioritized.length;
  const checked = prioritized.slice(0, env.maxPodsToCheck ?? DEFAULT_MAX_PODS_TO_CHECK);
  const counts = new Map<string, { podName: string; count: number }>();
  const order: string[] = [];
  for (const pod of checked) {
    let reason: string;
    const podName = podField(pod, 'name');
    try {
      const view = decodePod(pod['metadata'], pod['spec'], 'pod');
      const result = evaluatePodView(enforce.level, enforce.version, view, env.emulationVersion === undefined ? {} : { emulationVersion: env.emulationVersion });
      if (result.allowed) continue;
      reason = result.forbiddenReason;
    } catch (error) {
      reason = `invalid pod: ${describeError(error)}`; // not reachable with typed Go pods
    }
    const seen = counts.get(reason);
    if (!seen) {
      counts.set(reason, { podName, count: 1 });
      order.push(reason);
    } else {
      seen.count++;
      if (compareGoStrings(podName, seen.podName) < 0) seen.podName = podName;
    }
  }
  const warnings: string[] = [];
  if (checked.length < total) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${total} existing pods`);
  if (order.length > 0) warnings.push(`existing pods in namespace ${goQuote(namespace)} violate the new PodSecurity enforce level ${goQuote(levelVersionString(enforce))}`);
  const decorated = order.map((reason) => {
    const { podName, count } = counts.get(reason)!;
    if (count === 1) return `${podName}: ${reason}`;
    if (count === 2) return `${podName} (and 1 other pod): ${reason}`;
    return `${podName} (and ${count - 1} other pods): ${reason}`;
  });
  return [...warnings, ...decorated.sort(compareGoStrings)];
}

function podField(pod: Record<string, unknown>, key: string): string {
  const meta = pod['metadata'];
  const value = isPlainObject(meta) ? meta[key] : undefined;
  return typeof value === 'string' ? value : '';
}

function prioritizePods(pods: readonly Record<string, unknown>[], config: PodSecurityConfiguration): Record<string, unknown>[] {
  const first: Record<string, unknown>[] = [];
  const duplicates: Record<string, unknown>[] = [];
  const controllers = new Set<string>();
  for (const pod of pods) {
    const spec = isPlainObject(pod['spec']) ? pod['spec'] : {};
    const runtimeClass = typeof spec['runtimeClassName'] === 'string' ? spec['runtimeClassName'] : null;
    if (exemptRuntimeClass(config, runtimeClass)) continue;
    const controller = controllerUid(pod);
    if (controller === null) first.push(pod);
    else if (controllers.has(controller)) duplicates.push(pod);
    else {
      controllers.add(controller);
      first.push(pod);
    }
  }
  return [...first, ...duplicates];
}

/** metav1.GetControllerOf: the first ownerReference with controller: true. */
function controllerUid(pod: Record<string, unknown>): string | null {
  const meta = isPlainObject(pod['metadata']) ? pod['metadata'] : {};
  const owners = Array.isArray(meta['ownerReferences']) ? meta['ownerReferences'] : [];
  for (const owner of owners) {
    if (isPlainObject(owner) && owner['controller'] === true) return typeof owner['uid'] === 'string' ? owner['uid'] : '';
  }
  return null;
}
