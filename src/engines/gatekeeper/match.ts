/**
 * Constraint `spec.match` exactly as Gatekeeper evaluates it (gatekeeper:pkg/mutation/match/match.go,
 * pkg/wildcard/wildcard.go, pkg/target/matcher.go). Every matcher must pass; an unset matcher passes.
 * A matcher error is returned as an Error (the client turns it into an autoreject result).
 */
import { labelSelectorMatches, type LabelSelector, type LabelSelectorRequirement } from '../k8s/label-selector.ts';
import { groupVersionOf } from './suite.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './values.ts';

export type SourceType = 'All' | 'Original' | 'Generated';

export interface MatchKinds {
  readonly apiGroups: readonly string[];
  readonly kinds: readonly string[];
}

export interface Match {
  readonly source: string;
  readonly kinds: readonly MatchKinds[];
  readonly scope: string;
  readonly namespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  readonly labelSelector: LabelSelector | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly name: string;
}

/** The object under test, its Namespace object when known, and whether it is original or generated. */
export interface Matchable {
  readonly object: JsonObject;
  readonly namespace: JsonObject | undefined;
  readonly source: SourceType | '';
}

/** json.Unmarshal of spec.match into match.Match; throws on a JSON type mismatch. */
export function decodeMatch(raw: JsonObject): Match {
  return {
    source: stringField(raw, 'source', 'source'),
    kinds: listField(raw, 'kinds', 'kinds').map((entry, i) => {
      if (!isJsonObject(entry)) throw typeError(`kinds[${i}]`, entry, 'match.Kinds');
      return { apiGroups: stringList(entry, 'apiGroups', `kinds[${i}].apiGroups`), kinds: stringList(entry, 'kinds', `kinds[${i}].kinds`) };
    }),
    scope: stringField(raw, 'scope', 'scope'),
    namespaces: stringList(raw, 'namespaces', 'namespaces'),
    excludedNamespaces: stringList(raw, 'excludedNamespaces', 'excludedNamespaces'),
    labelSelector: optionalSelector(raw, 'labelSelector'),
    namespaceSelector: optionalSelector(raw, 'namespaceSelector'),
    name: stringField(raw, 'name', 'name'),
  };
}

/** json.Unmarshal into *metav1.LabelSelector: undefined for absent/null. */
export function decodeLabelSelector(raw: JsonValue, path: string): LabelSelector {
  if (!isJsonObject(raw)) throw typeError(path, raw, 'v1.LabelSelector');
  const matchLabels: Record<string, string> = {};
  const labels = raw['matchLabels'];
  if (labels !== undefined && labels !== null) {
    if (!isJsonObject(labels)) throw typeError(`${path}.matchLabels`, labels, 'map[string]string');
    for (const [key, value] of Object.entries(labels)) {
      if (value !== null && typeof value !== 'string') throw typeError(`${path}.matchLabels.${key}`, value, 'string');
      matchLabels[key] = value ?? '';
    }
  }
  const matchExpressions: LabelSelectorRequirement[] = listField(raw, 'matchExpressions', `${path}.matchExpressions`).map((entry, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    if (entry === null) return { key: '', operator: '', values: [] };
    if (!isJsonObject(entry)) throw typeError(at, entry, 'v1.LabelSelectorRequirement');
    return { key: stringField(entry, 'key', `${at}.key`), operator: stringField(entry, 'operator', `${at}.operator`), values: stringList(entry, 'values', `${at}.values`) };
  });
  return { matchLabels, matchExpressions };
}

function optionalSelector(raw: JsonObject, key: string): LabelSelector | undefined {
  const value = raw[key];
  return value === undefined || value === null ? undefined : decodeLabelSelector(value, key);
}

function stringField(raw: JsonObject, key: string, path: string): string {
  const value = raw[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw typeError(path, value, 'string');
  return value;
}

function listField(raw: JsonObject, key: string, path: string): JsonValue[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw typeError(path, value, 'array');
  return value;
}

function stringList(raw: JsonObject, key: string, path: string): string[] {
  return listField(raw, key, path).map((item, i) => {
    if (item === null) return '';
    if (typeof item !== 'string') throw typeError(`${path}[${i}]`, item, 'string');
    return item;
  });
}

function typeError(path: string, value: JsonValue, want: string): Error {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : isJsonObject(value) ? 'object' : typeof value === 'bigint' ? 'number' : typeof value;
  return new Error(`json: cannot unmarshal ${kind} into Go struct field Match.${path} of type ${want}`);
}

// ---------------------------------------------------------------------------------------------

/** wildcard.Wildcard.Matches: `*x*` contains, `*x` suffix, `x*` prefix, else exact. */
export function wildcardMatches(pattern: string, candidate: string): boolean {
  const prefix = pattern.startsWith('*');
  const suffix = pattern.endsWith('*');
  if (prefix && suffix) return candidate.includes(trimStar(pattern));
  if (prefix) return candidate.endsWith(pattern.slice(1));
  if (suffix) return candidate.startsWith(pattern.slice(0, -1));
  return pattern === candidate;
}

/** wildcard.Wildcard.MatchesGenerateName: only `*x*` and `x*` globs can match a generateName. */
export function wildcardMatchesGenerateName(pattern: string, candidate: string): boolean {
  const prefix = pattern.startsWith('*');
  const suffix = pattern.endsWith('*');
  if (prefix && suffix) return candidate.includes(trimStar(pattern));
  if (suffix) return candidate.startsWith(pattern.slice(0, -1));
  return false;
}

function trimStar(pattern: string): string {
  // strings.TrimSuffix(strings.TrimPrefix(w, "*"), "*"): "*" alone trims to "".
  const withoutPrefix = pattern.slice(1);
  return withoutPrefix.endsWith('*') ? withoutPrefix.slice(0, -1) : withoutPrefix;
}

/** match.Matches: true when every matcher passes; throws the matcher's error. */
export function matches(match: Match, target: Matchable): boolean {
  const matchers: ((m: Match, t: Matchable) => boolean)[] = [
    kindsMatch,
    scopeMatch,
    namespacesMatch,
    excludedNamespacesMatch,
    labelSelectorMatch,
    namespaceSelectorMatch,
    namesMatch,
    sourceMatch,
  ];
  for (const matcher of matchers) {
    let ok: boolean;
    try {
      ok = matcher(match, target);
    } catch (error) {
      throw new Error(`failed to run Match criteria: ${(error as Error).message}`);
    }
    if (!ok) return false;
  }
  return true;
}

export function objectGroupKind(obj: JsonObject): { group: string; kind: string } {
  const [group] = groupVersionOf(obj);
  return { group, kind: typeof obj['kind'] === 'string' ? obj['kind'] : '' };
}

/** match.IsNamespace: kind Namespace in the core group. */
export function isNamespace(obj: JsonObject): boolean {
  const { group, kind } = objectGroupKind(obj);
  return kind === 'Namespace' && group === '';
}

/** unstructured GetNamespace/GetName/GetGenerateName/GetLabels: a wrong type reads as empty. */
export function metadataString(obj: JsonObject, key: string): string {
  const metadata = obj['metadata'];
  if (!isJsonObject(metadata)) return '';
  const value = metadata[key];
  return typeof value === 'string' ? value : '';
}

// Read once per object: every constraint of a review matches against the same object and namespace
// (reviewed objects are not mutated, see evaluator.ts). The maps returned are shared: read only.
const labelsOfObject = new WeakMap<JsonObject, Readonly<Record<string, string>>>();

export function metadataLabels(obj: JsonObject | undefined): Readonly<Record<string, string>> {
  if (obj === undefined) return {};
  let labels = labelsOfObject.get(obj);
  if (!labels) labelsOfObject.set(obj, (labels = readLabels(obj)));
  return labels;
}

function readLabels(obj: JsonObject): Record<string, string> {
  const metadata = obj['metadata'];
  if (!isJsonObject(metadata)) return {};
  const labels = metadata['labels'];
  if (!isJsonObject(labels)) return {};
  // NestedStringMap: any non-string value makes the whole map unreadable (GetLabels returns nil).
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') return {};
    out[key] = value;
  }
  return out;
}

function kindsMatch(match: Match, target: Matchable): boolean {
  if (match.kinds.length === 0) return true;
  const { group, kind } = objectGroupKind(target.object);
  return match.kinds.some(
    (entry) =>
      (entry.kinds.length === 0 || entry.kinds.includes('*') || entry.kinds.includes(kind)) &&
      (entry.apiGroups.length === 0 || entry.apiGroups.includes('*') || entry.apiGroups.includes(group)),
  );
}

function scopeMatch(match: Match, target: Matchable): boolean {
  const hasNamespace = metadataString(target.object, 'namespace') !== '' || target.namespace !== undefined;
  const namespaceObject = isNamespace(target.object);
  switch (match.scope) {
    case 'Cluster':
      return namespaceObject || !hasNamespace;
    case 'Namespaced':
      return !namespaceObject && hasNamespace;
    default:
      return true; // "*", empty and typos such as "cluster" all match
  }
}

/** The namespace name the namespace matchers use, or undefined for a cluster-scoped non-Namespace. */
function namespaceName(target: Matchable): string | undefined {
  if (isNamespace(target.object)) return metadataString(target.object, 'name');
  if (target.namespace !== undefined) return metadataString(target.namespace, 'name');
  const declared = metadataString(target.object, 'namespace');
  return declared !== '' ? declared : undefined;
}

function namespacesMatch(match: Match, target: Matchable): boolean {
  if (match.namespaces.length === 0) return true;
  const namespace = namespaceName(target);
  if (namespace === undefined) return true;
  return match.namespaces.some((pattern) => wildcardMatches(pattern, namespace));
}

function excludedNamespacesMatch(match: Match, target: Matchable): boolean {
  if (match.excludedNamespaces.length === 0) return true;
  const namespace = namespaceName(target);
  if (namespace === undefined) return true;
  return !match.excludedNamespaces.some((pattern) => wildcardMatches(pattern, namespace));
}

function labelSelectorMatch(match: Match, target: Matchable): boolean {
  if (!match.labelSelector) return true;
  return labelSelectorMatches(match.labelSelector, metadataLabels(target.object));
}

function namespaceSelectorMatch(match: Match, target: Matchable): boolean {
  if (!match.namespaceSelector) return true;
  const namespaceObject = isNamespace(target.object);
  if (!namespaceObject && target.namespace === undefined && metadataString(target.object, 'namespace') === '') return true;
  if (namespaceObject) return labelSelectorMatches(match.namespaceSelector, metadataLabels(target.object));
  if (target.namespace === undefined) throw new Error('namespace selector for namespace-scoped object but missing Namespace');
  return labelSelectorMatches(match.namespaceSelector, metadataLabels(target.namespace));
}

function namesMatch(match: Match, target: Matchable): boolean {
  if (match.name === '') return true;
  return wildcardMatches(match.name, metadataString(target.object, 'name')) || wildcardMatchesGenerateName(match.name, metadataString(target.object, 'generateName'));
}

const VALID_SOURCES = new Set(['All', 'Original', 'Generated']);

function sourceMatch(match: Match, target: Matchable): boolean {
  const wanted = match.source === '' ? 'All' : match.source;
  if (!VALID_SOURCES.has(wanted)) throw new Error(`invalid source field ${JSON.stringify(wanted)}`);
  if (target.source === '' && wanted !== 'All') throw new Error(`source field not specified for resource ${metadataString(target.object, 'name')}`);
  if (wanted === 'All') return true;
  if (!VALID_SOURCES.has(target.source)) throw new Error(`invalid source field ${JSON.stringify(target.source)}`);
  return wanted === target.source;
}
