/**
 * Group/version/kind ↔ resource as the kube-apiserver serves them: the REST mapping of the built-in
 * kinds (resource name and scope), the fallback plural guess for other kinds, and the equivalent
 * resource registry that matchPolicy: Equivalent consults (apimachinery runtime/mapper.go).
 */

import type { GroupVersionKind, GroupVersionResource } from '../k8s/gvk.ts';

export type { GroupVersionKind, GroupVersionResource };

export interface ResourceMapping {
  readonly resource: GroupVersionResource;
  readonly kind: GroupVersionKind;
  readonly namespaced: boolean;
}

/** schema.ParseGroupVersion: "" → {"", ""}, "v1" → {"", "v1"}, "apps/v1" → {"apps", "v1"}; more slashes → null. */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } | null {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return null;
}

/** schema.GroupVersionKind.String(): `apps/v1, Kind=Deployment` (`/v1, Kind=Pod` for the core group). */
export function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/** schema.GroupVersionResource.String(): `apps/v1, Resource=deployments`. */
export function gvrString(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}

/** schema.GroupResource.String(): `deployments.apps`, `pods`. */
export function groupResourceString(gvr: { group: string; resource: string }): string {
  return gvr.group === '' ? gvr.resource : `${gvr.resource}.${gvr.group}`;
}

export function sameGvk(a: GroupVersionKind, b: GroupVersionKind): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function sameGvr(a: GroupVersionResource, b: GroupVersionResource): boolean {
  return a.group === b.group && a.version === b.version && a.resource === b.resource;
}

// [group, served versions, kind, resource, namespaced]; kube-apiserver 1.33 with its default APIs.
const BUILTIN: readonly (readonly [string, readonly string[], string, string, boolean])[] = [
  ['', ['v1'], 'Binding', 'bindings', true],
  ['', ['v1'], 'ComponentStatus', 'componentstatuses', false],
  ['', ['v1'], 'ConfigMap', 'configmaps', true],
  ['', ['v1'], 'Endpoints', 'endpoints', true],
  ['', ['v1'], 'Event', 'events', true],
  ['', ['v1'], 'LimitRange', 'limitranges', true],
  ['', ['v1'], 'Namespace', 'namespaces', false],
  ['', ['v1'], 'Node', 'nodes', false],
  ['', ['v1'], 'PersistentVolume', 'persistentvolumes', false],
  ['', ['v1'], 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['', ['v1'], 'Pod', 'pods', true],
  ['', ['v1'], 'PodTemplate', 'podtemplates', true],
  ['', ['v1'], 'ReplicationController', 'replicationcontrollers', true],
  ['', ['v1'], 'ResourceQuota', 'resourcequotas', true],
  ['', ['v1'], 'Secret', 'secrets', true],
  ['', ['v1'], 'Service', 'services', true],
  ['', ['v1'], 'ServiceAccount', 'serviceaccounts', true],
  ['admissionregistration.k8s.io', ['v1'], 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', ['v1'], 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', ['v1'], 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false],
  ['admissionregistration.k8s.io', ['v1'], 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false],
  ['apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false],
  ['apiregistration.k8s.io', ['v1'], 'APIService', 'apiservices', false],
  ['apps', ['v1'], 'ControllerRevision', 'controllerrevisions', true],
  ['apps', ['v1'], 'DaemonSet', 'daemonsets', true],
  ['apps', ['v1'], 'Deployment', 'deployments', true],
  ['apps', ['v1'], 'ReplicaSet', 'replicasets', true],
  ['apps', ['v1'], 'StatefulSet', 'statefulsets', true],
  ['autoscaling', ['v1', 'v2'], 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  ['batch', ['v1'], 'CronJob', 'cronjobs', true],
  ['batch', ['v1'], 'Job', 'jobs', true],
  ['certificates.k8s.io', ['v1'], 'CertificateSigningRequest', 'certificatesigningrequests', false],
  ['coordination.k8s.io', ['v1'], 'Lease', 'leases', true],
  ['discovery.k8s.io', ['v1'], 'EndpointSlice', 'endpointslices', true],
  ['events.k8s.io', ['v1'], 'Event', 'events', true],
  ['flowcontrol.apiserver.k8s.io', ['v1'], 'FlowSchema', 'flowschemas', false],
  ['flowcontrol.apiserver.k8s.io', ['v1'], 'PriorityLevelConfiguration', 'prioritylevelconfigurations', false],
  ['networking.k8s.io', ['v1'], 'Ingress', 'ingresses', true],
  ['networking.k8s.io', ['v1'], 'IngressClass', 'ingressclasses', false],
  ['networking.k8s.io', ['v1'], 'IPAddress', 'ipaddresses', false],
  ['networking.k8s.io', ['v1'], 'NetworkPolicy', 'networkpolicies', true],
  ['networking.k8s.io', ['v1'], 'ServiceCIDR', 'servicecidrs', false],
  ['node.k8s.io', ['v1'], 'RuntimeClass', 'runtimeclasses', false],
  ['policy', ['v1'], 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  ['rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true],
  ['rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true],
  ['scheduling.k8s.io', ['v1'], 'PriorityClass', 'priorityclasses', false],
  ['storage.k8s.io', ['v1'], 'CSIDriver', 'csidrivers', false],
  ['storage.k8s.io', ['v1'], 'CSINode', 'csinodes', false],
  ['storage.k8s.io', ['v1'], 'CSIStorageCapacity', 'csistoragecapacities', true],
  ['storage.k8s.io', ['v1'], 'StorageClass', 'storageclasses', false],
  ['storage.k8s.io', ['v1'], 'VolumeAttachment', 'volumeattachments', false],
];

const BUILTIN_BY_GROUP_KIND = new Map(BUILTIN.map(([group, versions, kind, resource, namespaced]) => [`${group}/${kind}`, { versions, resource, namespaced }]));

/** The built-in mapping of a kind, when its group serves that version; else null. */
export function builtinMapping(gvk: GroupVersionKind): ResourceMapping | null {
  const entry = BUILTIN_BY_GROUP_KIND.get(`${gvk.group}/${gvk.kind}`);
  if (!entry || !entry.versions.includes(gvk.version)) return null;
  return { resource: { group: gvk.group, version: gvk.version, resource: entry.resource }, kind: gvk, namespaced: entry.namespaced };
}

/** Kinds with no REST mapping of their own are never pluralised (meta.unpluralizedSuffixes). */
const UNPLURALIZED_SUFFIXES = ['endpoints'];

/** meta.UnsafeGuessKindToResource: lower-case plural of a kind (what a CRD's default plural is). */
export function guessResource(kind: string): string {
  if (kind === '') return '';
  const singular = kind.toLowerCase();
  if (UNPLURALIZED_SUFFIXES.some((suffix) => singular.endsWith(suffix))) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/** What matchPolicy: Equivalent needs (admission.EquivalentResourceMapper). */
export interface EquivalentResourceMapper {
  /** Every resource stored as the same data as `resource` (itself included), for a subresource. */
  equivalentResourcesFor(resource: GroupVersionResource, subresource: string): readonly GroupVersionResource[];
  /** The kind served at a resource (and subresource), or null when unknown. */
  kindFor(resource: GroupVersionResource, subresource: string): GroupVersionKind | null;
}

/**
 * runtime.EquivalentResourceRegistry: resources grouped by an identity key (the storage prefix in
 * the kube-apiserver), in registration order, with the kind served at each (resource, subresource).
 */
export class EquivalentResourceRegistry implements EquivalentResourceMapper {
  readonly #keyFor: (group: string, resource: string) => string;
  readonly #keys = new Map<string, string>();
  readonly #resources = new Map<string, Map<string, GroupVersionResource[]>>();
  readonly #kinds = new Map<string, GroupVersionKind>();

  /** `identity` returns the storage key of a group/resource; "" means the group/resource itself. */
  constructor(identity: (group: string, resource: string) => string = () => '') {
    this.#keyFor = (group, resource) => identity(group, resource) || groupResourceString({ group, resource });
  }

  registerKindFor(resource: GroupVersionResource, subresource: string, kind: GroupVersionKind): void {
    const groupResource = `${resource.group}/${resource.resource}`;
    const key = this.#keyFor(resource.group, resource.resource);
    this.#keys.set(groupResource, key);
    let bySubresource = this.#resources.get(key);
    if (!bySubresource) this.#resources.set(key, (bySubresource = new Map()));
    const list = bySubresource.get(subresource) ?? [];
    if (!list.some((r) => sameGvr(r, resource))) list.push(resource);
    bySubresource.set(subresource, list);
    this.#kinds.set(kindKey(resource, subresource), kind);
  }

  equivalentResourcesFor(resource: GroupVersionResource, subresource: string): readonly GroupVersionResource[] {
    const key = this.#keys.get(`${resource.group}/${resource.resource}`);
    if (key === undefined) return [];
    return this.#resources.get(key)?.get(subresource) ?? [];
  }

  kindFor(resource: GroupVersionResource, subresource: string): GroupVersionKind | null {
    return this.#kinds.get(kindKey(resource, subresource)) ?? null;
  }
}

function kindKey(resource: GroupVersionResource, subresource: string): string {
  return `${resource.group}/${resource.version}/${resource.resource}/${subresource}`;
}

// The kube-apiserver keys equivalence by storage prefix: core and events.k8s.io events share one.
const SHARED_STORAGE = new Map([['events.k8s.io/events', '/events'], ['/events', '/events']]);

let builtinRegistry: EquivalentResourceRegistry | undefined;

/** The equivalences among the built-in resources (every served version of a kind, shared storage). */
export function builtinEquivalentResources(): EquivalentResourceRegistry {
  if (!builtinRegistry) {
    builtinRegistry = new EquivalentResourceRegistry((group, resource) => SHARED_STORAGE.get(`${group}/${resource}`) ?? '');
    for (const [group, versions, kind, resource] of BUILTIN) {
      for (const version of versions) builtinRegistry.registerKindFor({ group, version, resource }, '', { group, version, kind });
    }
  }
  return builtinRegistry;
}
