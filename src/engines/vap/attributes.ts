/**
 * The admission request a policy sees: admission.Attributes (operation, objects, kind, resource,
 * name, namespace, user), built from a manifest the way the apiserver would for that request, and
 * the `request` / `namespaceObject` values CEL is given (plugin/cel CreateAdmissionRequest,
 * CreateNamespaceObject).
 */
import { KpcError } from '../../util/errors.ts';
import { builtinMapping, guessResource, parseGroupVersion, type GroupVersionKind, type GroupVersionResource } from './resources.ts';

export type JsonObject = Record<string, unknown>;

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
export const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** admission.Attributes: what the request is about. */
export interface AdmissionAttributes {
  readonly operation: Operation;
  /** The new object (null for DELETE). */
  readonly object: JsonObject | null;
  /** The existing object (null for CREATE). */
  readonly oldObject: JsonObject | null;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subresource: string;
  readonly name: string;
  /** "" for cluster-scoped requests (and for creating a Namespace, whose name is not in the URL yet). */
  readonly namespace: string;
  readonly userInfo: UserInfo;
  readonly dryRun: boolean;
  /** The operation's options object (CreateOptions, UpdateOptions…; null for CONNECT). */
  readonly options: JsonObject | null;
}

export interface ObjectRequest {
  /** The object of a CREATE/UPDATE/CONNECT request. */
  readonly object?: JsonObject | null;
  /** The existing object of an UPDATE/DELETE request. */
  readonly oldObject?: JsonObject | null;
  /** Default: CREATE without oldObject, UPDATE with both, DELETE with only oldObject. */
  readonly operation?: Operation;
  readonly userInfo?: UserInfo;
  readonly subresource?: string;
  /** The resource the request is made against; default: the kind's REST mapping. */
  readonly resource?: GroupVersionResource;
  /** Whether the kind is namespaced; default: the built-in mapping, else whether the object has a namespace. */
  readonly namespaced?: boolean;
  readonly dryRun?: boolean;
  /** Default: `{kind: <Operation>Options, apiVersion: meta.k8s.io/v1}`. */
  readonly options?: JsonObject | null;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function metadataOf(object: JsonObject | null | undefined): JsonObject {
  const metadata = object?.['metadata'];
  return isJsonObject(metadata) ? metadata : {};
}

export function metadataString(object: JsonObject | null | undefined, key: string): string {
  const value = metadataOf(object)[key];
  return typeof value === 'string' ? value : '';
}

/** metadata.labels as a string map (non-string values are not labels). */
export function labelsOf(object: JsonObject | null | undefined): Record<string, string> {
  const labels = metadataOf(object)['labels'];
  const out: Record<string, string> = {};
  if (!isJsonObject(labels)) return out;
  for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') out[key] = value;
  return out;
}

export function groupVersionKindOf(object: JsonObject): GroupVersionKind {
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  const gv = parseGroupVersion(apiVersion);
  if (!gv || gv.version === '' || kind === '') {
    throw new KpcError(`object has no valid apiVersion/kind (${JSON.stringify(apiVersion)}, ${JSON.stringify(kind)})`, { field: 'apiVersion' });
  }
  return { group: gv.group, version: gv.version, kind };
}

const NAMESPACE_GVK: GroupVersionKind = { group: '', version: 'v1', kind: 'Namespace' };

export function isNamespaceKind(gvk: GroupVersionKind): boolean {
  return gvk.group === NAMESPACE_GVK.group && gvk.version === NAMESPACE_GVK.version && gvk.kind === NAMESPACE_GVK.kind;
}

/**
 * The attributes of a request about a manifest. The resource comes from the kind's REST mapping
 * (built-in kinds) or the lower-case plural a CRD gets by default. The namespace is the object's
 * (a namespaced kind without one is refused: the caller decides the default, as kubectl does);
 * a Namespace carries its own name as namespace except on CREATE, as in the apiserver's request info.
 */
export function attributesForObject(request: ObjectRequest): AdmissionAttributes {
  const object = request.object ?? null;
  const oldObject = request.oldObject ?? null;
  const subject = object ?? oldObject;
  if (!subject) throw new KpcError('a request needs an object or an oldObject');
  const operation = request.operation ?? (object === null ? 'DELETE' : oldObject === null ? 'CREATE' : 'UPDATE');
  const kind = groupVersionKindOf(subject);
  const mapping = builtinMapping(kind);
  const resource = request.resource ?? mapping?.resource ?? { group: kind.group, version: kind.version, resource: guessResource(kind.kind) };
  const name = metadataString(subject, 'name');
  let namespace = metadataString(subject, 'namespace');
  const namespaced = request.namespaced ?? mapping?.namespaced ?? namespace !== '';
  if (isNamespaceKind(kind)) namespace = operation === 'CREATE' ? '' : name;
  else if (!namespaced) namespace = '';
  else if (namespace === '') throw new KpcError(`${kind.kind} ${JSON.stringify(name)} is namespaced but has no metadata.namespace`, { field: 'metadata.namespace' });
  return {
    operation,
    object,
    oldObject,
    kind,
    resource,
    subresource: request.subresource ?? '',
    name,
    namespace,
    userInfo: request.userInfo ?? {},
    dryRun: request.dryRun ?? false,
    options: request.options === undefined ? defaultOptions(operation) : request.options,
  };
}

/**
 * The options object the apiserver's handlers decode from the query and stamp with their kind
 * (CreateOptions…; CONNECT has none). Client-set fields such as fieldManager are the caller's to add.
 */
function defaultOptions(operation: Operation): JsonObject | null {
  const kind = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: null }[operation];
  return kind === null ? null : { kind, apiVersion: 'meta.k8s.io/v1' };
}

/**
 * cel.CreateAdmissionRequest as unstructured JSON: kind/resource are the ones the policy matched
 * (an equivalent of the request's under matchPolicy Equivalent), requestKind/requestResource the
 * request's own; empty strings and absent user fields are omitted as in the JSON form.
 */
export function celRequest(attributes: AdmissionAttributes, matchedResource: GroupVersionResource, matchedKind: GroupVersionKind): JsonObject {
  const userInfo: JsonObject = {};
  const user = attributes.userInfo;
  if (user.username) userInfo['username'] = user.username;
  if (user.uid) userInfo['uid'] = user.uid;
  if (user.groups && user.groups.length > 0) userInfo['groups'] = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) userInfo['extra'] = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
  const request: JsonObject = {
    uid: '',
    kind: { group: matchedKind.group, version: matchedKind.version, kind: matchedKind.kind },
    resource: { group: matchedResource.group, version: matchedResource.version, resource: matchedResource.resource },
    requestKind: { group: attributes.kind.group, version: attributes.kind.version, kind: attributes.kind.kind },
    requestResource: { group: attributes.resource.group, version: attributes.resource.version, resource: attributes.resource.resource },
    operation: attributes.operation,
    userInfo,
    dryRun: attributes.dryRun,
  };
  if (attributes.subresource) {
    request['subResource'] = attributes.subresource;
    request['requestSubResource'] = attributes.subresource;
  }
  if (attributes.name) request['name'] = attributes.name;
  if (attributes.namespace) request['namespace'] = attributes.namespace;
  if (attributes.options) request['options'] = attributes.options;
  return request;
}

const NAMESPACE_METADATA_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'finalizers',
];

/**
 * cel.CreateNamespaceObject: the namespace reduced to these metadata fields, spec and status, as
 * the typed object converts to unstructured (no apiVersion/kind; creationTimestamp null when unset;
 * spec and status always present).
 */
export function celNamespaceObject(namespace: JsonObject | null): JsonObject | null {
  if (namespace === null) return null;
  // One value per stored namespace, so CEL converts it once (values handed to CEL are never mutated).
  let reduced = namespaceObjects.get(namespace);
  if (!reduced) namespaceObjects.set(namespace, (reduced = reduceNamespace(namespace)));
  return reduced;
}

const namespaceObjects = new WeakMap<JsonObject, JsonObject>();

function reduceNamespace(namespace: JsonObject): JsonObject {
  const source = metadataOf(namespace);
  const metadata: JsonObject = { creationTimestamp: null };
  for (const field of NAMESPACE_METADATA_FIELDS) if (source[field] !== undefined && source[field] !== null) metadata[field] = source[field];
  const spec = isJsonObject(namespace['spec']) ? namespace['spec'] : {};
  const status = isJsonObject(namespace['status']) ? namespace['status'] : {};
  return { metadata, spec, status };
}

/** kubernetes.io/metadata.name: the label the apiserver sets on every namespace (1.21+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * A Namespace manifest as the apiserver stores it: the kubernetes.io/metadata.name label set to its
 * name, the `kubernetes` finalizer and phase Active (namespace strategy PrepareForCreate).
 */
export function namespaceAsStored(namespace: JsonObject): JsonObject {
  const metadata = metadataOf(namespace);
  const name = metadataString(namespace, 'name');
  const spec = isJsonObject(namespace['spec']) ? namespace['spec'] : {};
  const status = isJsonObject(namespace['status']) ? namespace['status'] : {};
  return {
    ...namespace,
    metadata: { ...metadata, labels: { ...labelsOf(namespace), [NAMESPACE_NAME_LABEL]: name } },
    spec: { finalizers: ['kubernetes'], ...spec },
    status: { phase: 'Active', ...status },
  };
}
