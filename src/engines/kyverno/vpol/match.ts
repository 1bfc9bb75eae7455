/**
 * matchConstraints as Kyverno's CEL matcher applies them (pkg/cel/matching/matcher.go with the
 * apiserver's rules and object-selector predicates): namespaceSelector (a namespace without known
 * labels has only kubernetes.io/metadata.name), objectSelector, excludeResourceRules, then
 * resourceRules (operations, groups, versions, resources incl. subresources, scope, names).
 * Kyverno's matcher does not apply matchPolicy: Equivalent.
 */
import { isObject, type JsonObject } from '../../jmespath/index.ts';
import { getName, getNamespace, getStringMap } from '../match.ts';
import { SelectorError, selectorMatches } from '../selector.ts';

export interface MatchAttributes {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly operation: string;
  readonly name: string;
  readonly namespace: string;
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  /** The namespace object known to the CLI (values), if any. */
  readonly namespaceObject: JsonObject | null;
}

export class MatchError extends Error {}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The list holds `*` or the value (entries that are not strings never match). Runs per request and rule: no allocation. */
function listMatches(list: unknown, value: string): boolean {
  if (!Array.isArray(list)) return false;
  for (const entry of list) if (entry === '*' || entry === value) return true;
  return false;
}

function resourceMatches(resources: unknown, attr: MatchAttributes): boolean {
  if (!Array.isArray(resources)) return false;
  for (const r of resources) {
    if (typeof r !== 'string') continue;
    const slash = r.indexOf('/');
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? '' : r.slice(slash + 1);
    if ((res === '*' || res === attr.resource) && (sub === '*' || sub === attr.subresource)) return true;
  }
  return false;
}

function ruleMatches(rule: JsonObject, attr: MatchAttributes): boolean {
  if (!listMatches(rule['operations'], attr.operation)) return false;
  if (!listMatches(rule['apiGroups'], attr.group)) return false;
  if (!listMatches(rule['apiVersions'], attr.version)) return false;
  if (!resourceMatches(rule['resources'], attr)) return false;
  const scope = typeof rule['scope'] === 'string' ? rule['scope'] : '*';
  const isNamespaces = attr.resource === 'namespaces';
  if (scope === 'Cluster') return isNamespaces || attr.namespace === '';
  if (scope === 'Namespaced') return !isNamespaces && attr.namespace !== '';
  return true;
}

function matchesResourceRules(rules: unknown, attr: MatchAttributes): boolean {
  if (!Array.isArray(rules)) return false;
  for (const rule of rules) {
    if (!isObject(rule) || !ruleMatches(rule, attr)) continue;
    const names = strings(rule['resourceNames']);
    if (names.length === 0) return true;
    if (attr.name === '') {
      const obj = attr.object;
      const meta = obj && isObject(obj['metadata']) ? obj['metadata'] : {};
      const gen = typeof meta['generateName'] === 'string' ? meta['generateName'] : '';
      if (names.some((n) => gen.startsWith(n))) return true;
      continue;
    }
    if (names.includes(attr.name)) return true;
  }
  return false;
}

function isEmptySelector(sel: unknown): boolean {
  if (!isObject(sel)) return true;
  const ml = sel['matchLabels'];
  const me = sel['matchExpressions'];
  return (!isObject(ml) || Object.keys(ml).length === 0) && (!Array.isArray(me) || me.length === 0);
}

/** [matches, error]: errors from selectors or a namespace that cannot be found. */
function matchNamespaceSelector(constraints: JsonObject, attr: MatchAttributes): [boolean, string | null] {
  if (attr.namespace === '' && attr.resource !== 'namespaces') return [true, null];
  const selector = constraints['namespaceSelector'];
  if (isEmptySelector(selector)) return [true, null];
  let labels: Record<string, string> | null;
  if (attr.resource === 'namespaces' && attr.subresource === '' && (attr.operation === 'CREATE' || attr.operation === 'UPDATE')) {
    labels = attr.object ? getStringMap(attr.object, 'labels') : null;
  } else if (attr.namespaceObject === null) {
    labels = { 'kubernetes.io/metadata.name': attr.namespace };
  } else {
    if (getName(attr.namespaceObject) !== attr.namespace) return [false, `namespaces "${attr.namespace}" not found`];
    labels = namespaceLabels(attr.namespaceObject);
  }
  try {
    return [selectorMatches(selector, labels ?? {}), null];
  } catch (error) {
    if (error instanceof SelectorError) return [false, error.message];
    throw error;
  }
}

// A namespace object is matched against every policy of a request: its labels are read once.
const labelsOfNamespace = new WeakMap<JsonObject, Record<string, string> | null>();
function namespaceLabels(namespace: JsonObject): Record<string, string> | null {
  let labels = labelsOfNamespace.get(namespace);
  if (labels === undefined) labelsOfNamespace.set(namespace, (labels = getStringMap(namespace, 'labels')));
  return labels;
}

function matchObjectSelector(constraints: JsonObject, attr: MatchAttributes): [boolean, string | null] {
  const selector = constraints['objectSelector'];
  if (isEmptySelector(selector)) return [true, null];
  try {
    const matchesObj = (o: JsonObject | null) => o !== null && selectorMatches(selector, getStringMap(o, 'labels') ?? {});
    return [matchesObj(attr.object) || matchesObj(attr.oldObject), null];
  } catch (error) {
    if (error instanceof SelectorError) return [false, error.message];
    throw error;
  }
}

/** matcher.Match: true/false, or throws MatchError ("failed to execute matching"). */
export function matchConstraints(constraints: unknown, attr: MatchAttributes): boolean {
  if (!isObject(constraints)) return false;
  // Upstream checks the selectors first, but a selector error only surfaces when the rules match,
  // and the checks have no side effects: the (cheap) rules go first, with the same outcome.
  if (matchesResourceRules(constraints['excludeResourceRules'], attr)) return false;
  const rules = constraints['resourceRules'];
  const isMatch = !Array.isArray(rules) || rules.length === 0 ? true : matchesResourceRules(rules, attr);
  if (!isMatch) return false;
  const [nsMatch, nsErr] = matchNamespaceSelector(constraints, attr);
  if (!nsMatch && nsErr === null) return false;
  const [objMatch, objErr] = matchObjectSelector(constraints, attr);
  if (!objMatch && objErr === null) return false;
  if (nsErr !== null) throw new MatchError(nsErr);
  if (objErr !== null) throw new MatchError(objErr);
  return true;
}

export { getName, getNamespace };
