/**
 * Built-in Kubernetes kinds as the Kyverno CLI knows them (its embedded API discovery data): the
 * resource name of a kind and whether it is namespaced. Used for the CLI's "default" namespace
 * defaulting and for kind → resource mapping (ValidatingPolicy match rules).
 */

// [group, kind, resource, namespaced]
const BUILTIN: readonly (readonly [string, string, string, boolean])[] = [
  ['', 'Binding', 'bindings', true],
  ['', 'ComponentStatus', 'componentstatuses', false],
  ['', 'ConfigMap', 'configmaps', true],
  ['', 'Endpoints', 'endpoints', true],
  ['', 'Event', 'events', true],
  ['', 'LimitRange', 'limitranges', true],
  ['', 'Namespace', 'namespaces', false],
  ['', 'Node', 'nodes', false],
  ['', 'PersistentVolume', 'persistentvolumes', false],
  ['', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['', 'Pod', 'pods', true],
  ['', 'PodTemplate', 'podtemplates', true],
  ['', 'ReplicationController', 'replicationcontrollers', true],
  ['', 'ResourceQuota', 'resourcequotas', true],
  ['', 'Secret', 'secrets', true],
  ['', 'Service', 'services', true],
  ['', 'ServiceAccount', 'serviceaccounts', true],
  ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false],
  ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
  ['apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions', false],
  ['apiregistration.k8s.io', 'APIService', 'apiservices', false],
  ['apps', 'ControllerRevision', 'controllerrevisions', true],
  ['apps', 'DaemonSet', 'daemonsets', true],
  ['apps', 'Deployment', 'deployments', true],
  ['apps', 'ReplicaSet', 'replicasets', true],
  ['apps', 'StatefulSet', 'statefulsets', true],
  ['authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', false],
  ['authentication.k8s.io', 'TokenReview', 'tokenreviews', false],
  ['authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true],
  ['authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false],
  ['authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false],
  ['authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews', false],
  ['autoscaling', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  ['batch', 'CronJob', 'cronjobs', true],
  ['batch', 'Job', 'jobs', true],
  ['certificates.k8s.io', 'CertificateSigningRequest', 'certificatesigningrequests', false],
  ['coordination.k8s.io', 'Lease', 'leases', true],
  ['discovery.k8s.io', 'EndpointSlice', 'endpointslices', true],
  ['events.k8s.io', 'Event', 'events', true],
  ['flowcontrol.apiserver.k8s.io', 'FlowSchema', 'flowschemas', false],
  ['flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', false],
  ['networking.k8s.io', 'IPAddress', 'ipaddresses', false],
  ['networking.k8s.io', 'Ingress', 'ingresses', true],
  ['networking.k8s.io', 'IngressClass', 'ingressclasses', false],
  ['networking.k8s.io', 'NetworkPolicy', 'networkpolicies', true],
  ['networking.k8s.io', 'ServiceCIDR', 'servicecidrs', false],
  ['node.k8s.io', 'RuntimeClass', 'runtimeclasses', false],
  ['policy', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  ['rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['rbac.authorization.k8s.io', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', true],
  ['resource.k8s.io', 'DeviceClass', 'deviceclasses', false],
  ['resource.k8s.io', 'ResourceClaim', 'resourceclaims', true],
  ['resource.k8s.io', 'ResourceClaimTemplate', 'resourceclaimtemplates', true],
  ['resource.k8s.io', 'ResourceSlice', 'resourceslices', false],
  ['scheduling.k8s.io', 'PriorityClass', 'priorityclasses', false],
  ['storage.k8s.io', 'CSIDriver', 'csidrivers', false],
  ['storage.k8s.io', 'CSINode', 'csinodes', false],
  ['storage.k8s.io', 'CSIStorageCapacity', 'csistoragecapacities', true],
  ['storage.k8s.io', 'StorageClass', 'storageclasses', false],
  ['storage.k8s.io', 'VolumeAttachment', 'volumeattachments', false],
  ['storage.k8s.io', 'VolumeAttributesClass', 'volumeattributesclasses', false],
];

const BY_GROUP_KIND = new Map(BUILTIN.map(([group, kind, resource, namespaced]) => [`${group}/${kind}`, { resource, namespaced }]));

function groupOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  return parts.length === 2 ? parts[0]! : '';
}

/** isClusterScopedKind: only known cluster-scoped built-ins; unknown kinds count as namespaced. */
export function isClusterScopedKind(apiVersion: string, kind: string): boolean {
  const hit = BY_GROUP_KIND.get(`${groupOf(apiVersion)}/${kind}`);
  return hit !== undefined && !hit.namespaced;
}

/** The plural resource name of a built-in kind, or null when unknown. */
export function resourceNameOf(group: string, kind: string): string | null {
  return BY_GROUP_KIND.get(`${group}/${kind}`)?.resource ?? null;
}
