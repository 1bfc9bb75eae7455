/**
 * The review Gatekeeper builds for an object (gatekeeper:pkg/target/target.go, review.go):
 * an admission/v1 AdmissionRequest plus the Namespace object when known and the source
 * (original or generated). A bare object gets operation "" and a null oldObject, exactly as gator
 * sends it (`unstructuredToAdmissionRequest`); an AdmissionReview object is converted strictly and
 * its request used verbatim (pkg/gator/verify/runner.go `validateAndReviewAdmissionReviewRequest`).
 */
import { GatekeeperError } from './errors.ts';
import { metadataString, type SourceType } from './match.ts';
import { groupVersionOf } from './suite.ts';
import { describeJson, isJsonObject, type JsonObject, type JsonValue } from './values.ts';

import type { GroupVersionKind, GroupVersionResource } from '../k8s/gvk.ts';

export type { GroupVersionKind, GroupVersionResource };

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** admission/v1 AdmissionRequest with Go's zero values. `object`/`oldObject`/`options` null = RawExtension without Raw. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource: string;
  readonly requestKind: GroupVersionKind | undefined;
  readonly requestResource: GroupVersionResource | undefined;
  readonly requestSubResource: string;
  readonly name: string;
  readonly namespace: string;
  readonly operation: string;
  readonly userInfo: UserInfo;
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  readonly dryRun: boolean | undefined;
  readonly options: JsonValue;
}

/** gkReview: the request plus what the client knows about it. */
export interface Review {
  readonly request: AdmissionRequest;
  /**
   * The Namespace object the matchers use (AugmentedReview/AugmentedUnstructured.Namespace). gator
   * verify passes none, so matching falls back to the namespace cache filled from inventory.
   */
  readonly namespace: JsonObject | undefined;
  /** The reviews.Namespace option: what the drivers bind as namespaceObject (null in gator). */
  readonly namespaceObject: JsonObject | null;
  readonly source: SourceType | '';
}

export interface ObjectReviewOptions {
  /** The object's Namespace object for matching, when the caller has it (gator verify never passes one). */
  readonly namespace?: JsonObject | undefined;
  /** The Namespace the drivers see as namespaceObject (the webhook passes the one it fetched). */
  readonly namespaceObject?: JsonObject | null;
  /** Admission operation; gator uses "" for a bare object. */
  readonly operation?: string;
  /** The previous version of the object (UPDATE), as the webhook would send it. */
  readonly oldObject?: JsonObject | null;
  /** Original (default) or Generated (an expansion child). */
  readonly source?: SourceType;
}

/** augmentedUnstructuredToAdmissionRequest + setObjectOnDelete. */
export function reviewForObject(obj: JsonObject, options: ObjectReviewOptions = {}): Review {
  const [group, version] = groupVersionOf(obj);
  const operation = options.operation ?? '';
  let object: JsonObject | null = obj;
  let oldObject: JsonObject | null = options.oldObject ?? null;
  if (operation === 'DELETE') {
    oldObject = obj;
    object = null;
  }
  const request: AdmissionRequest = {
    uid: '',
    kind: { group, version, kind: typeof obj['kind'] === 'string' ? obj['kind'] : '' },
    resource: { group: '', version: '', resource: '' },
    subResource: '',
    requestKind: undefined,
    requestResource: undefined,
    requestSubResource: '',
    name: metadataString(obj, 'name'),
    namespace: metadataString(obj, 'namespace'),
    operation,
    userInfo: {},
    object,
    oldObject,
    dryRun: undefined,
    options: null,
  };
  return { request: setObjectOnDelete(request), namespace: options.namespace, namespaceObject: options.namespaceObject ?? null, source: options.source ?? 'Original' };
}

/** The AdmissionReview path of gator verify: strict conversion, then review of its request. */
export function reviewForAdmissionReview(obj: JsonObject): Review {
  const strict = new StrictDecoder();
  strict.keys(obj, ['apiVersion', 'kind', 'request', 'response'], '');
  const requestRaw = obj['request'];
  if (requestRaw === undefined || requestRaw === null) {
    throw new GatekeeperError('invalid-input', 'missing an AdmissionRequest object: request did not actually pass in an AdmissionRequest');
  }
  if (!isJsonObject(requestRaw)) throw strict.error('request', requestRaw, 'v1.AdmissionRequest');
  strict.keys(requestRaw, [...REQUEST_FIELDS], 'request');
  const response = obj['response'];
  if (response !== undefined && response !== null) {
    if (!isJsonObject(response)) throw strict.error('response', response, 'v1.AdmissionResponse');
    strict.keys(response, ['uid', 'allowed', 'status', 'patch', 'patchType', 'auditAnnotations', 'warnings'], 'response');
  }
  const request: AdmissionRequest = {
    uid: strict.string(requestRaw, 'uid', 'request.uid'),
    kind: strict.gvk(requestRaw['kind'], 'request.kind') ?? { group: '', version: '', kind: '' },
    resource: strict.gvr(requestRaw['resource'], 'request.resource') ?? { group: '', version: '', resource: '' },
    subResource: strict.string(requestRaw, 'subResource', 'request.subResource'),
    requestKind: strict.gvk(requestRaw['requestKind'], 'request.requestKind'),
    requestResource: strict.gvr(requestRaw['requestResource'], 'request.requestResource'),
    requestSubResource: strict.string(requestRaw, 'requestSubResource', 'request.requestSubResource'),
    name: strict.string(requestRaw, 'name', 'request.name'),
    namespace: strict.string(requestRaw, 'namespace', 'request.namespace'),
    operation: strict.string(requestRaw, 'operation', 'request.operation'),
    userInfo: strict.userInfo(requestRaw['userInfo']),
    object: rawObject(requestRaw['object'], 'object'),
    oldObject: rawObject(requestRaw['oldObject'], 'oldObject'),
    dryRun: strict.optionalBool(requestRaw, 'dryRun', 'request.dryRun'),
    options: requestRaw['options'] ?? null,
  };
  if (request.object === null && request.oldObject === null) {
    throw new GatekeeperError('invalid-input', 'no object or oldObject found to review: AdmissionRequest does not contain an "object" or "oldObject" to review');
  }
  return { request: setObjectOnDelete(request), namespace: undefined, namespaceObject: null, source: 'Original' };
}

const REQUEST_FIELDS = [
  'uid', 'kind', 'resource', 'subResource', 'requestKind', 'requestResource', 'requestSubResource', 'name', 'namespace',
  'operation', 'userInfo', 'object', 'oldObject', 'dryRun', 'options',
] as const;

/** A RawExtension holding an object gator re-decodes as Unstructured (kind required). */
function rawObject(value: JsonValue | undefined, field: string): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) {
    throw new GatekeeperError('invalid-input', `object or oldObject cannot be unmarshalled: json: cannot unmarshal ${describeJson(value)} into Go value of type map[string]interface {}`, { field: `request.${field}` });
  }
  if (typeof value['kind'] !== 'string' || value['kind'] === '') {
    throw new GatekeeperError('invalid-input', `object or oldObject cannot be unmarshalled: Object 'Kind' is missing in '${describeJson(value)}'`, { field: `request.${field}` });
  }
  return value;
}

/** setObjectOnDelete: on DELETE the old object is reviewed as the object; a missing oldObject is an error. */
function setObjectOnDelete(request: AdmissionRequest): AdmissionRequest {
  if (request.operation !== 'DELETE') return request;
  if (request.oldObject === null) throw new GatekeeperError('review', 'oldObject cannot be nil for DELETE operations');
  return { ...request, object: request.oldObject };
}

/**
 * `input.review` as the Rego driver sees it: json.Marshal of gkReview (omitempty fields left out,
 * RawExtensions without Raw as null) plus `namespaceObject`, which the driver sets from the review
 * options (null in gator).
 */
export function reviewJson(review: Review, namespaceObject: JsonObject | null = null): JsonObject {
  const r = review.request;
  const out: JsonObject = {
    uid: r.uid,
    kind: { group: r.kind.group, version: r.kind.version, kind: r.kind.kind },
    resource: { group: r.resource.group, version: r.resource.version, resource: r.resource.resource },
  };
  if (r.subResource !== '') out['subResource'] = r.subResource;
  if (r.requestKind) out['requestKind'] = { ...r.requestKind };
  if (r.requestResource) out['requestResource'] = { ...r.requestResource };
  if (r.requestSubResource !== '') out['requestSubResource'] = r.requestSubResource;
  if (r.name !== '') out['name'] = r.name;
  if (r.namespace !== '') out['namespace'] = r.namespace;
  out['operation'] = r.operation;
  out['userInfo'] = userInfoJson(r.userInfo);
  out['object'] = r.object;
  out['oldObject'] = r.oldObject;
  if (r.dryRun !== undefined) out['dryRun'] = r.dryRun;
  out['options'] = r.options;
  out['namespaceObject'] = namespaceObject;
  return out;
}

/** authentication/v1 UserInfo JSON: every field omitempty. */
export function userInfoJson(userInfo: UserInfo): JsonObject {
  const out: JsonObject = {};
  if (userInfo.username) out['username'] = userInfo.username;
  if (userInfo.uid) out['uid'] = userInfo.uid;
  if (userInfo.groups && userInfo.groups.length > 0) out['groups'] = [...userInfo.groups];
  if (userInfo.extra && Object.keys(userInfo.extra).length > 0) {
    const extra: JsonObject = {};
    for (const [key, values] of Object.entries(userInfo.extra)) extra[key] = [...values];
    out['extra'] = extra;
  }
  return out;
}

/** runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(…, true): unknown fields and type mismatches are errors. */
class StrictDecoder {
  keys(obj: JsonObject, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        throw new GatekeeperError('invalid-input', `not a valid AdmissionReview object: unable to convert to an AdmissionReview object, error: unknown field "${path ? `${path}.` : ''}${key}"`);
      }
    }
  }

  string(obj: JsonObject, key: string, path: string): string {
    const value = obj[key];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw this.error(path, value, 'string');
    return value;
  }

  optionalBool(obj: JsonObject, key: string, path: string): boolean | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.error(path, value, 'bool');
    return value;
  }

  gvk(value: JsonValue | undefined, path: string): GroupVersionKind | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) throw this.error(path, value, 'v1.GroupVersionKind');
    this.keys(value, ['group', 'version', 'kind'], path);
    return { group: this.string(value, 'group', `${path}.group`), version: this.string(value, 'version', `${path}.version`), kind: this.string(value, 'kind', `${path}.kind`) };
  }

  gvr(value: JsonValue | undefined, path: string): GroupVersionResource | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) throw this.error(path, value, 'v1.GroupVersionResource');
    this.keys(value, ['group', 'version', 'resource'], path);
    return { group: this.string(value, 'group', `${path}.group`), version: this.string(value, 'version', `${path}.version`), resource: this.string(value, 'resource', `${path}.resource`) };
  }

  userInfo(value: JsonValue | undefined): UserInfo {
    if (value === undefined || value === null) return {};
    if (!isJsonObject(value)) throw this.error('request.userInfo', value, 'v1.UserInfo');
    this.keys(value, ['username', 'uid', 'groups', 'extra'], 'request.userInfo');
    const groupsRaw = value['groups'];
    let groups: string[] | undefined;
    if (groupsRaw !== undefined && groupsRaw !== null) {
      if (!Array.isArray(groupsRaw)) throw this.error('request.userInfo.groups', groupsRaw, '[]string');
      groups = groupsRaw.map((g, i) => {
        if (typeof g !== 'string') throw this.error(`request.userInfo.groups[${i}]`, g, 'string');
        return g;
      });
    }
    const extraRaw = value['extra'];
    let extra: Record<string, string[]> | undefined;
    if (extraRaw !== undefined && extraRaw !== null) {
      if (!isJsonObject(extraRaw)) throw this.error('request.userInfo.extra', extraRaw, 'map[string]v1.ExtraValue');
      extra = {};
      for (const [key, list] of Object.entries(extraRaw)) {
        if (list === null) {
          extra[key] = [];
          continue;
        }
        if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw this.error(`request.userInfo.extra.${key}`, list, 'v1.ExtraValue');
        extra[key] = list as string[];
      }
    }
    return {
      ...(value['username'] !== undefined ? { username: this.string(value, 'username', 'request.userInfo.username') } : {}),
      ...(value['uid'] !== undefined ? { uid: this.string(value, 'uid', 'request.userInfo.uid') } : {}),
      ...(groups ? { groups } : {}),
      ...(extra ? { extra } : {}),
    };
  }

  error(path: string, value: JsonValue, want: string): GatekeeperError {
    return new GatekeeperError('invalid-input', `not a valid AdmissionReview object: unable to convert to an AdmissionReview object, error: ${path}: expected ${want}, got ${describeJson(value)}`);
  }
}
