/**
 * MatchResources as the apiserver applies them (admission/plugin/policy/matching/matching.go with
 * webhook/predicates/{namespace,object,rules}): namespaceSelector, objectSelector,
 * excludeResourceRules, then resourceRules (exact first, then equivalent resources under
 * matchPolicy Equivalent). Selector and namespace errors only surface when the rules match.
 */
import type { AdmissionAttributes } from './attributes.ts';
import { labelsOf } from './attributes.ts';
import { gvrString, sameGvr, type EquivalentResourceMapper, type GroupVersionKind, type GroupVersionResource } from './resources.ts';
import { compileSelector, type LabelSelector, type Labels } from './selector.ts';

export interface NamedRule {
  readonly resourceNames: readonly string[];
  readonly operations: readonly string[];
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  /** `Cluster`, `Namespaced`, `*`; null means all scopes. */
  readonly scope: string | null;
}

/** v1.MatchResources (selectors null when unset: LabelSelectorAsSelector(nil) selects nothing). */
export interface MatchResources {
  readonly namespaceSelector: LabelSelector | null;
  readonly objectSelector: LabelSelector | null;
  readonly resourceRules: readonly NamedRule[];
  readonly excludeResourceRules: readonly NamedRule[];
  /** `Exact` or `Equivalent`; null behaves as Exact here (the API defaults it to Equivalent). */
  readonly matchPolicy: string | null;
}

/** An apiserver StatusError from matching: its message, HTTP code and reason. */
export class MatchError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'MatchError';
  }
}

export function internalError(message: string): MatchError {
  return new MatchError(`Internal error occurred: ${message}`, 500, 'InternalError');
}

export function namespaceNotFound(name: string): MatchError {
  return new MatchError(`namespaces ${JSON.stringify(name)} not found`, 404, 'NotFound');
}

export interface MatchEnvironment {
  /** The labels of a namespace; throws a MatchError (namespaceNotFound) when there is none. */
  namespaceLabels(name: string): Labels;
  readonly equivalents: EquivalentResourceMapper;
}

export type MatchResult = { readonly matches: false } | { readonly matches: true; readonly resource: GroupVersionResource; readonly kind: GroupVersionKind };

const NO_MATCH: MatchResult = { matches: false };

/** matching.Matcher.Matches; throws MatchError where it returns an error. */
export function matchResources(criteria: MatchResources, attributes: AdmissionAttributes, env: MatchEnvironment): MatchResult {
  const [namespaceMatches, namespaceError] = capture(() => matchNamespaceSelector(criteria.namespaceSelector, attributes, env));
  if (!namespaceMatches && namespaceError === null) return NO_MATCH;
  const [objectMatches, objectError] = capture(() => matchObjectSelector(criteria.objectSelector, attributes));
  if (!objectMatches && objectError === null) return NO_MATCH;

  const excluded = matchRules(criteria.excludeResourceRules, criteria.matchPolicy, attributes, env);
  if (excluded.matches) return NO_MATCH;

  const included: MatchResult =
    criteria.resourceRules.length === 0
      ? { matches: true, resource: attributes.resource, kind: attributes.kind }
      : matchRules(criteria.resourceRules, criteria.matchPolicy, attributes, env);
  if (!included.matches) return NO_MATCH;
  // the request is in scope: now a selector (or namespace lookup) error is the policy's error
  if (namespaceError !== null) throw namespaceError;
  if (objectError !== null) throw objectError;
  return included;
}

function capture(run: () => boolean): [boolean, MatchError | null] {
  try {
    return [run(), null];
  } catch (error) {
    if (error instanceof MatchError) return [false, error];
    throw error;
  }
}

/** predicates/namespace Matcher.MatchNamespaceSelector. */
function matchNamespaceSelector(selector: LabelSelector | null, attributes: AdmissionAttributes, env: MatchEnvironment): boolean {
  const isNamespaceResource = attributes.resource.resource === 'namespaces';
  // cluster-scoped requests other than namespaces are never exempted by a namespace selector
  if (attributes.namespace === '' && !isNamespaceResource) return true;
  const compiled = compileOrInternal(selector);
  if (compiled.empty) return true;
  let labels: Labels;
  if (isNamespaceResource && attributes.subresource === '' && (attributes.operation === 'CREATE' || attributes.operation === 'UPDATE')) {
    // creating or updating a namespace: its labels come from the request object
    if (attributes.object === null) throw internalError('object does not implement the Object interfaces');
    labels = labelsOf(attributes.object);
  } else {
    labels = env.namespaceLabels(attributes.namespace);
  }
  return compiled.matches(labels);
}

/** predicates/object Matcher.MatchObjectSelector: the object's or the old object's labels. */
function matchObjectSelector(selector: LabelSelector | null, attributes: AdmissionAttributes): boolean {
  const compiled = compileOrInternal(selector);
  if (compiled.empty) return true;
  const matchesObject = (object: Record<string, unknown> | null) => object !== null && compiled.matches(labelsOf(object));
  return matchesObject(attributes.object) || matchesObject(attributes.oldObject);
}

function compileOrInternal(selector: LabelSelector | null) {
  try {
    return compileSelector(selector);
  } catch (error) {
    throw internalError(error instanceof Error ? error.message : String(error));
  }
}

/** matching.matchesResourceRules: the request's own resource first, then its equivalents. */
function matchRules(rules: readonly NamedRule[], matchPolicy: string | null, attributes: AdmissionAttributes, env: MatchEnvironment): MatchResult {
  for (const rule of rules) {
    if (!ruleMatches(rule, attributes, attributes.resource)) continue;
    if (rule.resourceNames.length === 0 || rule.resourceNames.includes(attributes.name)) {
      return { matches: true, resource: attributes.resource, kind: attributes.kind };
    }
  }
  if (matchPolicy === null || matchPolicy === 'Exact') return NO_MATCH;

  const equivalents = env.equivalents.equivalentResourcesFor(attributes.resource, attributes.subresource);
  for (const rule of rules) {
    for (const equivalent of equivalents) {
      if (sameGvr(equivalent, attributes.resource)) continue;
      if (!ruleMatches(rule, attributes, equivalent)) continue;
      const kind = env.equivalents.kindFor(equivalent, attributes.subresource);
      if (kind === null || kind.kind === '') throw new MatchError(`unable to convert to ${gvrString(equivalent)}: unknown kind`, 500, 'InternalError');
      // an empty name list always matches; GetName() may be empty when the server generates it
      if (rule.resourceNames.length === 0 || rule.resourceNames.includes(attributes.name)) return { matches: true, resource: equivalent, kind };
    }
  }
  return NO_MATCH;
}

/** predicates/rules Matcher.Matches for a request whose resource is `resource`. */
export function ruleMatches(rule: NamedRule, attributes: AdmissionAttributes, resource: GroupVersionResource): boolean {
  return (
    scopeMatches(rule.scope, attributes, resource) &&
    (rule.operations.includes('*') || rule.operations.includes(attributes.operation)) &&
    exactOrWildcard(rule.apiGroups, resource.group) &&
    exactOrWildcard(rule.apiVersions, resource.version) &&
    rule.resources.some((entry) => {
      const slash = entry.indexOf('/');
      const [res, sub] = slash < 0 ? [entry, ''] : [entry.slice(0, slash), entry.slice(slash + 1)];
      return (res === '*' || res === resource.resource) && (sub === '*' || sub === attributes.subresource);
    })
  );
}

function exactOrWildcard(items: readonly string[], requested: string): boolean {
  return items.includes('*') || items.includes(requested);
}

function scopeMatches(scope: string | null, attributes: AdmissionAttributes, resource: GroupVersionResource): boolean {
  if (scope === null || scope === '*') return true;
  // a Namespace request carries the namespace's name as its namespace, but namespaces are cluster-scoped
  const isNamespaceResource = resource.group === '' && resource.version === 'v1' && resource.resource === 'namespaces';
  if (scope === 'Namespaced') return !isNamespaceResource && attributes.namespace !== '';
  if (scope === 'Cluster') return isNamespaceResource || attributes.namespace === '';
  return false;
}
