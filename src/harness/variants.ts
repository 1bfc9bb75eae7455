import { normalizeForAdmission } from './normalize.ts';
import type { VariantKind } from './types.ts';

/**
 * Pod-controller variants of a fixture pod, generated (never hand-copied): the pod's labels,
 * annotations and spec become the pod template of each controller, and its name and labels the
 * controller's, in API-valid shapes (selector matching the template labels, a schedule for
 * CronJob, a Job restartPolicy).
 */

const API_VERSION: Record<Exclude<VariantKind, 'Pod'>, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  ReplicationController: 'v1',
};

/** The object of a variant (not yet normalized), placed in `namespace`. */
export function variantObject(pod: Record<string, unknown>, kind: VariantKind, namespace: string): Record<string, unknown> {
  const metadata = isObject(pod['metadata']) ? pod['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : 'fixture';
  if (kind === 'Pod') return { ...pod, apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, name, namespace } };

  const selectorLabels = { 'app.kubernetes.io/name': name };
  // The controller carries the pod's labels too, as workloads usually do (label-selector exemptions read them).
  const labels = { ...(isObject(metadata['labels']) ? metadata['labels'] : {}), ...selectorLabels };
  const templateMetadata: Record<string, unknown> = { labels };
  if (metadata['annotations'] !== undefined) templateMetadata['annotations'] = metadata['annotations'];
  let spec: unknown = pod['spec'];
  if ((kind === 'Job' || kind === 'CronJob') && isObject(spec) && (spec['restartPolicy'] === undefined || spec['restartPolicy'] === 'Always')) {
    spec = { ...spec, restartPolicy: 'OnFailure' }; // Job validation rejects Always (no control reads it)
  }
  const template = { metadata: templateMetadata, spec };
  const object = (specBody: Record<string, unknown>) => ({
    apiVersion: API_VERSION[kind],
    kind,
    metadata: { name, namespace, labels },
    spec: specBody,
  });
  switch (kind) {
    case 'Job':
      return object({ template });
    case 'CronJob':
      return object({ schedule: '*/5 * * * *', jobTemplate: { spec: { template } } });
    case 'ReplicationController':
      return object({ replicas: 1, selector: selectorLabels, template });
    case 'StatefulSet':
      return object({ serviceName: name, selector: { matchLabels: selectorLabels }, template });
    default:
      return object({ selector: { matchLabels: selectorLabels }, template });
  }
}

/** The variant as admission sees it, and the pod its checks read (the Pod, or its template). */
export function admittedVariant(pod: Record<string, unknown>, kind: VariantKind, namespace: string): { object: Record<string, unknown>; pod: Record<string, unknown> } {
  const object = normalizeForAdmission(variantObject(pod, kind, namespace)) as Record<string, unknown>;
  return { object, pod: podOf(object) };
}

/** The pod under review: the object itself for a Pod, else the pod template ({} when absent). */
export function podOf(object: Record<string, unknown>): Record<string, unknown> {
  if (object['kind'] === 'Pod') return object;
  let node: unknown = object;
  const path = object['kind'] === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return isObject(node) ? node : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
