/**
 * Which objects carry a pod spec, and where (admission/admission.go DefaultPodSpecExtractor):
 * the Pod itself, or the pod template of a workload, whose metadata (annotations) counts too.
 */
import { KpcError } from '../../util/errors.ts';
import { PodDecodeError, type Defaulting } from './decode.ts';

export interface PodSpecResource {
  readonly kind: string;
  /** API group ('' for core). */
  readonly group: string;
  /** The resource name admission sees, e.g. `deployments`. */
  readonly resource: string;
  /** Path of the pod template in the object; empty for a Pod. */
  readonly templatePath: readonly string[];
  /** ReplicationController.spec.template is a pointer: absent means nothing to evaluate. */
  readonly templateOptional: boolean;
}

const RESOURCES: readonly PodSpecResource[] = [
  { kind: 'Pod', group: '', resource: 'pods', templatePath: [], templateOptional: false },
  { kind: 'ReplicationController', group: '', resource: 'replicationcontrollers', templatePath: ['spec', 'template'], templateOptional: true },
  { kind: 'PodTemplate', group: '', resource: 'podtemplates', templatePath: ['template'], templateOptional: false },
  { kind: 'ReplicaSet', group: 'apps', resource: 'replicasets', templatePath: ['spec', 'template'], templateOptional: false },
  { kind: 'Deployment', group: 'apps', resource: 'deployments', templatePath: ['spec', 'template'], templateOptional: false },
  { kind: 'StatefulSet', group: 'apps', resource: 'statefulsets', templatePath: ['spec', 'template'], templateOptional: false },
  { kind: 'DaemonSet', group: 'apps', resource: 'daemonsets', templatePath: ['spec', 'template'], templateOptional: false },
  { kind: 'Job', group: 'batch', resource: 'jobs', templatePath: ['spec', 'template'], templateOptional: false },
  { kind: 'CronJob', group: 'batch', resource: 'cronjobs', templatePath: ['spec', 'jobTemplate', 'spec', 'template'], templateOptional: false },
];

export const POD_SPEC_KINDS: readonly string[] = RESOURCES.map((r) => r.kind);

/** The API group of an apiVersion (`apps/v1` → apps, `v1` → ''). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The pod-spec resource of an object by apiVersion and kind, or undefined for any other object. */
export function podSpecResource(object: Record<string, unknown>): PodSpecResource | undefined {
  const kind = object['kind'];
  const apiVersion = object['apiVersion'];
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
  const group = apiGroup(apiVersion);
  return RESOURCES.find((r) => r.kind === kind && r.group === group);
}

/** The resource admitting this kind in the given group (for requests naming a resource). */
export function resourceByName(group: string, resource: string): PodSpecResource | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}

export interface ExtractedPod {
  readonly resource: PodSpecResource;
  readonly metadata: unknown;
  readonly spec: unknown;
  /** Path of the evaluated pod in the object, e.g. `spec.template` ('' for a Pod). */
  readonly path: string;
  /** Pods get SetDefaults_Pod; templates only the PodSpec defaults. */
  readonly defaulting: Defaulting;
}

/**
 * The pod (metadata + spec) PSA evaluates for an object; null when a ReplicationController has no
 * template (skipped, as upstream). Other kinds are a KpcError. A missing non-pointer template is an
 * empty pod, as Go's zero value.
 */
export function extractPodSpec(object: Record<string, unknown>): ExtractedPod | null {
  const resource = podSpecResource(object);
  if (!resource) {
    throw new KpcError(`${String(object['apiVersion'])}/${String(object['kind'])} has no pod spec PSA evaluates (expected one of ${POD_SPEC_KINDS.join(', ')})`, {
      field: 'kind',
    });
  }
  let current: unknown = object;
  const walked: string[] = [];
  for (const key of resource.templatePath) {
    const parent = current as Record<string, unknown> | null;
    current = parent === null ? null : parent[key];
    walked.push(key);
    if (current === undefined || current === null) {
      if (resource.templateOptional) return null;
      current = null; // zero value: keep walking through an empty object
      continue;
    }
    if (typeof current !== 'object' || Array.isArray(current)) throw new PodDecodeError(walked.join('.'), 'expected an object');
  }
  const pod = (current ?? {}) as Record<string, unknown>;
  return {
    resource,
    metadata: pod['metadata'],
    spec: pod['spec'],
    path: walked.join('.'),
    defaulting: resource.kind === 'Pod' ? 'pod' : 'template',
  };
}
