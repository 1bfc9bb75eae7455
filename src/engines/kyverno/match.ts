/**
 * Rule match/exclude (kyverno pkg/engine/utils/match.go, pkg/utils/match, pkg/utils/kube/kind.go):
 * `any`/`all`/legacy filters; inside a filter every present attribute must hold (kinds incl.
 * group/version/kind and subresource selectors, names, namespaces, annotations, selector,
 * namespaceSelector, operations, roles/clusterRoles/subjects). Match drops user info when the
 * request carries no admission info; exclude never does.
 */
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { wildcardMatch } from './go/wildcard.ts';
import { SelectorError, selectorMatches } from './selector.ts';

export interface UserInfo {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[] | null;
}

/** kyverno v2 RequestInfo: roles, cluster roles and the authenticated user. */
export interface RequestInfo {
  readonly roles: readonly string[] | null;
  readonly clusterRoles: readonly string[] | null;
  readonly userInfo: UserInfo;
}

export const EMPTY_REQUEST_INFO: RequestInfo = Object.freeze({ roles: null, clusterRoles: null, userInfo: Object.freeze({ username: '', uid: '', groups: null }) });

export function isEmptyRequestInfo(info: RequestInfo): boolean {
  return info.roles === null && info.clusterRoles === null && info.userInfo.username === '' && info.userInfo.uid === '' && info.userInfo.groups === null;
}

export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface MatchRequest {
  readonly gvk: Gvk;
  readonly subresource: string;
  readonly namespaceLabels: Readonly<Record<string, string>> | null;
  readonly policyNamespace: string;
  readonly operation: string;
  readonly admissionInfo: RequestInfo;
}

// ------------------------------------------------------------------ unstructured accessors

function metadata(resource: JsonObject): JsonObject {
  const m = resource['metadata'];
  return isObject(m) ? m : {};
}

export function getName(resource: JsonObject): string {
  const v = metadata(resource)['name'];
  return typeof v === 'string' ? v : '';
}

export function getNamespace(resource: JsonObject): string {
  const v = metadata(resource)['namespace'];
  return typeof v === 'string' ? v : '';
}

export function getKind(resource: JsonObject): string {
  const v = resource['kind'];
  return typeof v === 'string' ? v : '';
}

export function getApiVersion(resource: JsonObject): string {
  const v = resource['apiVersion'];
  return typeof v === 'string' ? v : '';
}

/** NestedStringMap: nil when absent or when any value is not a string. */
export function getStringMap(resource: JsonObject, field: 'labels' | 'annotations'): Record<string, string> | null {
  const v = metadata(resource)[field];
  if (!isObject(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') return null;
    out[k] = x;
  }
  return out;
}

export function gvkOf(resource: JsonObject): Gvk {
  const apiVersion = getApiVersion(resource);
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion, kind: getKind(resource) } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind: getKind(resource) };
}

// ------------------------------------------------------------------ kinds

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

/** kube.ParseKindSelector → [group, version, kind, subresource]. */
// Kind selectors come from loaded policies: each distinct text is parsed once.
const parsedKindSelectors = new Map<string, readonly [string, string, string, string]>();

export function parseKindSelector(input: string): readonly [string, string, string, string] {
  let parsed = parsedKindSelectors.get(input);
  if (!parsed) {
    if (parsedKindSelectors.size >= 10_000) parsedKindSelectors.clear();
    parsedKindSelectors.set(input, (parsed = parseKindSelectorText(input)));
  }
  return parsed;
}

function parseKindSelectorText(input: string): [string, string, string, string] {
  let parts = input.split('/');
  parts = [...parts.slice(0, -1), ...parts[parts.length - 1]!.split('.')];
  switch (parts.length) {
    case 1:
      return ['*', '*', parts[0]!, ''];
    case 2:
      if (parts[0] === '*' && parts[1] === '*') return ['*', '*', '*', '*'];
      if (parts[0] === '*' && parts[1]!.toLowerCase() === parts[1]) return ['*', '*', parts[0], parts[1]!];
      if (VERSION_RE.test(parts[0]!)) return ['*', parts[0]!, parts[1]!, ''];
      return ['*', '*', parts[0]!, parts[1]!];
    case 3:
      if (VERSION_RE.test(parts[0]!)) return ['*', parts[0]!, parts[1]!, parts[2]!];
      return [parts[0]!, parts[1]!, parts[2]!, ''];
    case 4:
      return [parts[0]!, parts[1]!, parts[2]!, parts[3]!];
    default:
      return ['', '', '', ''];
  }
}

/** match.CheckKind (allowEphemeralContainers = true, as the engine calls it). */
export function checkKind(kinds: readonly string[], gvk: Gvk, subresource: string): boolean {
  for (const k of kinds) {
    const [group, version, kind, sub] = parseKindSelector(k);
    if (wildcardMatch(group, gvk.group) && wildcardMatch(version, gvk.version) && wildcardMatch(kind, gvk.kind)) {
      if (wildcardMatch(sub, subresource)) return true;
      if (gvk.group === '' && gvk.version === 'v1' && gvk.kind === 'Pod' && subresource === 'ephemeralcontainers') return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------ filters

export interface ResourceDescription {
  readonly kinds: readonly string[];
  readonly name: string;
  readonly names: readonly string[];
  readonly namespaces: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly selector: unknown;
  readonly namespaceSelector: unknown;
  readonly operations: readonly string[];
}

export interface FilterUserInfo {
  readonly roles: readonly string[] | null;
  readonly clusterRoles: readonly string[] | null;
  readonly subjects: readonly { readonly kind: string; readonly name: string; readonly namespace: string }[] | null;
}

export interface ResourceFilter {
  readonly resources: ResourceDescription;
  readonly userInfo: FilterUserInfo;
}

export interface MatchResources {
  readonly any: readonly ResourceFilter[];
  readonly all: readonly ResourceFilter[];
  readonly legacy: ResourceFilter;
}

export class MatchParseError extends Error {}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new MatchParseError(`${where}: expected a list of strings`);
  return v as string[];
}

function nullableStringList(v: unknown, where: string): string[] | null {
  if (v === undefined || v === null) return null;
  return stringList(v, where);
}

function parseDescription(raw: unknown, where: string): ResourceDescription {
  if (raw === undefined || raw === null) raw = {};
  if (!isObject(raw)) throw new MatchParseError(`${where}: expected an object`);
  const annotations = raw['annotations'];
  if (annotations !== undefined && annotations !== null && (!isObject(annotations) || !Object.values(annotations).every((x) => typeof x === 'string'))) {
    throw new MatchParseError(`${where}.annotations: expected a map of strings`);
  }
  const name = raw['name'];
  if (name !== undefined && name !== null && typeof name !== 'string') throw new MatchParseError(`${where}.name: expected a string`);
  return {
    kinds: stringList(raw['kinds'], `${where}.kinds`),
    name: typeof name === 'string' ? name : '',
    names: stringList(raw['names'], `${where}.names`),
    namespaces: stringList(raw['namespaces'], `${where}.namespaces`),
    annotations: (annotations as Record<string, string> | null | undefined) ?? {},
    selector: raw['selector'] ?? null,
    namespaceSelector: raw['namespaceSelector'] ?? null,
    operations: stringList(raw['operations'], `${where}.operations`),
  };
}

function parseUserInfo(raw: JsonObject, where: string): FilterUserInfo {
  const subjectsRaw = raw['subjects'];
  let subjects: FilterUserInfo['subjects'] = null;
  if (subjectsRaw !== undefined && subjectsRaw !== null) {
    if (!Array.isArray(subjectsRaw)) throw new MatchParseError(`${where}.subjects: expected a list`);
    subjects = subjectsRaw.map((s, i) => {
      if (!isObject(s)) throw new MatchParseError(`${where}.subjects[${i}]: expected an object`);
      return { kind: String(s['kind'] ?? ''), name: String(s['name'] ?? ''), namespace: String(s['namespace'] ?? '') };
    });
  }
  return { roles: nullableStringList(raw['roles'], `${where}.roles`), clusterRoles: nullableStringList(raw['clusterRoles'], `${where}.clusterRoles`), subjects };
}

function parseFilter(raw: unknown, where: string): ResourceFilter {
  if (!isObject(raw)) throw new MatchParseError(`${where}: expected an object`);
  return { resources: parseDescription(raw['resources'], `${where}.resources`), userInfo: parseUserInfo(raw, where) };
}

export function parseMatchResources(raw: unknown, where: string): MatchResources {
  if (raw === undefined || raw === null) raw = {};
  if (!isObject(raw)) throw new MatchParseError(`${where}: expected an object`);
  const list = (field: 'any' | 'all'): ResourceFilter[] => {
    const v = raw[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new MatchParseError(`${where}.${field}: expected a list`);
    return v.map((f, i) => parseFilter(f, `${where}.${field}[${i}]`));
  };
  return { any: list('any'), all: list('all'), legacy: parseFilter(raw, where) };
}

export function isEmptyDescription(d: ResourceDescription): boolean {
  return d.kinds.length === 0 && d.name === '' && d.names.length === 0 && d.namespaces.length === 0 && Object.keys(d.annotations).length === 0 && d.selector === null && d.namespaceSelector === null && d.operations.length === 0;
}

export function isEmptyUserInfo(u: FilterUserInfo): boolean {
  return u.roles === null && u.clusterRoles === null && u.subjects === null;
}

export function isEmptyMatch(m: MatchResources): boolean {
  return m.any.length === 0 && m.all.length === 0 && isEmptyDescription(m.legacy.resources) && isEmptyUserInfo(m.legacy.userInfo);
}

/** doesResourceMatchConditionBlock: the reasons it does not match (empty = match). */
function conditionBlockErrors(desc: ResourceDescription, userInfo: FilterUserInfo, resource: JsonObject, req: MatchRequest): string[] {
  if (desc.operations.length > 0 && !desc.operations.includes(req.operation)) return ['operation does not match'];
  const errs: string[] = [];
  if (desc.kinds.length > 0 && !checkKind(desc.kinds, req.gvk, req.subresource)) errs.push(`kind does not match [${desc.kinds.join(' ')}]`);
  let resourceName = getName(resource);
  if (resourceName === '') {
    const g = metadata(resource)['generateName'];
    resourceName = typeof g === 'string' ? g : '';
  }
  if (desc.name !== '' && !wildcardMatch(desc.name, resourceName)) errs.push('name does not match');
  if (desc.names.length > 0 && !desc.names.some((n) => wildcardMatch(n, resourceName))) errs.push('none of the names match');
  if (desc.namespaces.length > 0) {
    const ns = getKind(resource) === 'Namespace' ? getName(resource) : getNamespace(resource);
    if (!desc.namespaces.some((n) => wildcardMatch(n, ns))) errs.push('namespace does not match');
  }
  if (Object.keys(desc.annotations).length > 0) {
    const actual = getStringMap(resource, 'annotations') ?? {};
    const ok = Object.entries(desc.annotations).every(([k, v]) => Object.entries(actual).some(([k1, v1]) => wildcardMatch(k, k1) && wildcardMatch(v, v1)));
    if (!ok) errs.push('annotations does not match');
  }
  if (desc.selector !== null) {
    try {
      if (!selectorMatches(desc.selector, getStringMap(resource, 'labels'))) errs.push('selector does not match');
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      errs.push(`failed to parse selector: ${error.message}`);
    }
  }
  if (desc.namespaceSelector !== null) {
    if (getKind(resource) === 'Namespace') {
      errs.push('namespace selector is not applicable for namespace resource');
    } else if (getKind(resource) !== '' || (desc.kinds.includes('*') && wildcardMatch('*', getKind(resource)))) {
      try {
        if (!selectorMatches(desc.namespaceSelector, (req.namespaceLabels as Record<string, string> | null) ?? {})) errs.push('namespace selector does not match labels');
      } catch (error) {
        if (!(error instanceof SelectorError)) throw error;
        errs.push(`failed to parse namespace selector: ${error.message}`);
      }
    }
  }
  const info = req.admissionInfo;
  if (userInfo.roles !== null && userInfo.roles.length > 0 && !userInfo.roles.some((r) => (info.roles ?? []).includes(r))) {
    errs.push('user info does not match roles for the given conditionBlock');
  }
  if (userInfo.clusterRoles !== null && userInfo.clusterRoles.length > 0 && !userInfo.clusterRoles.some((r) => (info.clusterRoles ?? []).includes(r))) {
    errs.push('user info does not match clustersRoles for the given conditionBlock');
  }
  if (userInfo.subjects !== null && userInfo.subjects.length > 0 && !checkSubjects(userInfo.subjects, info.userInfo)) {
    errs.push('user info does not match subject for the given conditionBlock');
  }
  return errs;
}

function checkSubjects(subjects: NonNullable<FilterUserInfo['subjects']>, user: UserInfo): boolean {
  for (const s of subjects) {
    if (s.kind === 'ServiceAccount' && wildcardMatch(`system:serviceaccount:${s.namespace}:${s.name}`, user.username)) return true;
    if (s.kind === 'Group' && (user.groups ?? []).some((g) => wildcardMatch(s.name, g))) return true;
    if (s.kind === 'User' && wildcardMatch(s.name, user.username)) return true;
  }
  return false;
}

const NO_USER_INFO: FilterUserInfo = { roles: null, clusterRoles: null, subjects: null };

function matchHelper(filter: ResourceFilter, resource: JsonObject, req: MatchRequest): string[] {
  const userInfo = isEmptyRequestInfo(req.admissionInfo) ? NO_USER_INFO : filter.userInfo;
  if (!isEmptyDescription(filter.resources) || !isEmptyUserInfo(userInfo)) return conditionBlockErrors(filter.resources, userInfo, resource, req);
  return ['match cannot be empty'];
}

function excludeHelper(filter: ResourceFilter, resource: JsonObject, req: MatchRequest): string[] {
  if (!isEmptyDescription(filter.resources) || !isEmptyUserInfo(filter.userInfo)) {
    const errs = conditionBlockErrors(filter.resources, filter.userInfo, resource, req);
    if (errs.length === 0) return ['resource excluded since one of the criteria excluded it'];
  }
  return [];
}

/** MatchesResourceDescription: null when the rule applies, else the reason. */
export function matchesResourceDescription(resource: JsonObject | null, match: MatchResources, exclude: MatchResources | null, ruleName: string, req: MatchRequest): string | null {
  if (resource === null) return 'resource is empty';
  if (req.policyNamespace !== '' && req.policyNamespace !== getNamespace(resource)) return 'policy and resource namespaces mismatch';
  const reasons: string[] = [];
  if (match.any.length > 0) {
    if (!match.any.some((f) => matchHelper(f, resource, req).length === 0)) reasons.push('no resource matched');
  } else if (match.all.length > 0) {
    for (const f of match.all) reasons.push(...matchHelper(f, resource, req));
  } else {
    reasons.push(...matchHelper(match.legacy, resource, req));
  }
  if (reasons.length === 0 && exclude !== null && !isEmptyMatch(exclude)) {
    if (exclude.any.length > 0) {
      for (const f of exclude.any) reasons.push(...excludeHelper(f, resource, req));
    } else if (exclude.all.length > 0) {
      if (exclude.all.every((f) => excludeHelper(f, resource, req).length > 0)) reasons.push('resource excluded since the combination of all criteria exclude it');
    } else {
      reasons.push(...excludeHelper(exclude.legacy, resource, req));
    }
  }
  if (reasons.length === 0) return null;
  return `rule ${ruleName} not matched:` + reasons.map((r, i) => `\n ${i + 1}. ${r}`).join('');
}
