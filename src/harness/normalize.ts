import { VOLUME_SOURCE_FIELDS } from '../engines/psa/index.ts';

/**
 * What the API server does to a pod before any admission webhook or PSA sees it, as far as it can
 * change a verdict: it decodes the object into typed fields (a null field is simply unset; a null
 * value in a string map is the empty string) and applies defaults (a volume with no source becomes
 * an emptyDir; with hostNetwork, a Pod's ports get hostPort = containerPort). The harness and
 * `kpc audit` evaluate every engine on the normalized object, as they would in a cluster.
 */
export function normalizeForAdmission(object: unknown, options: { isPod?: boolean } = {}): unknown {
  const stripped = stripNulls(object, []);
  if (!isObject(stripped)) return stripped;
  const kind = stripped['kind'];
  if (kind === 'Pod' || options.isPod) {
    const spec = stripped['spec'];
    if (isObject(spec)) stripped['spec'] = defaultPodSpec(spec, true);
    return stripped;
  }
  const template = templatePath(String(kind));
  if (!template) return stripped;
  let node: unknown = stripped;
  for (const key of template) {
    if (!isObject(node)) return stripped;
    node = node[key];
  }
  if (isObject(node) && isObject(node['spec'])) node['spec'] = defaultPodSpec(node['spec'], false);
  return stripped;
}

function templatePath(kind: string): readonly string[] | null {
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template'];
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'].includes(kind)) return ['spec', 'template'];
  if (kind === 'PodTemplate') return ['template'];
  return null;
}

const STRING_MAPS = new Set(['annotations', 'labels', 'nodeSelector']);

function stripNulls(value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => stripNulls(item, path));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  const stringMap = STRING_MAPS.has(path.at(-1) ?? '');
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) {
      if (stringMap) out[key] = ''; // Go decodes null into a map[string]string value as ""
      continue;
    }
    out[key] = stripNulls(item, [...path, key]);
  }
  return out;
}

function defaultPodSpec(spec: Record<string, unknown>, isPod: boolean): Record<string, unknown> {
  const out = { ...spec };
  if (Array.isArray(out['volumes'])) {
    out['volumes'] = out['volumes'].map((volume) => {
      if (!isObject(volume)) return volume;
      const hasSource = VOLUME_SOURCE_FIELDS.some((field) => volume[field] !== undefined);
      return hasSource ? volume : { ...volume, emptyDir: {} };
    });
  }
  // SetDefaults_Pod (pkg/apis/core/v1/defaults.go): a container's missing requests default to its limits (Pods only).
  if (isPod) {
    for (const key of ['initContainers', 'containers']) {
      const list = out[key];
      if (Array.isArray(list)) out[key] = list.map(defaultRequestsFromLimits);
    }
  }
  // k8s.io/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_PodSpec: hostNetwork pods get hostPort = containerPort (Pods only).
  if (isPod && out['hostNetwork'] === true) {
    for (const key of ['initContainers', 'containers']) { // not ephemeral containers (SetDefaults_Pod)
      const list = out[key];
      if (!Array.isArray(list)) continue;
      out[key] = list.map((container) => {
        if (!isObject(container) || !Array.isArray(container['ports'])) return container;
        return {
          ...container,
          ports: container['ports'].map((port) =>
            isObject(port) && (port['hostPort'] === undefined || port['hostPort'] === 0) && port['containerPort'] !== undefined
              ? { ...port, hostPort: port['containerPort'] }
              : port,
          ),
        };
      });
    }
  }
  return out;
}

function defaultRequestsFromLimits(container: unknown): unknown {
  if (!isObject(container) || !isObject(container['resources']) || !isObject(container['resources']['limits'])) return container;
  const resources = container['resources'];
  const limits = resources['limits'] as Record<string, unknown>;
  const requests = isObject(resources['requests']) ? { ...resources['requests'] } : {};
  let changed = false;
  for (const [name, quantity] of Object.entries(limits)) {
    if (requests[name] === undefined) {
      requests[name] = quantity;
      changed = true;
    }
  }
  return changed ? { ...container, resources: { ...resources, requests } } : container;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
