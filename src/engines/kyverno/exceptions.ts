/**
 * PolicyException (kyverno.io/v2, v2beta1, v2alpha1): which exceptions name a policy/rule
 * (pkg/exceptions/selector.go, api Exception.Contains — rule names are wildcards matched against
 * the computed rule name, so `foo` does not cover `autogen-foo`), and whether one matches the
 * resource (pkg/engine/utils/exceptions.go: only any/all filters, user info always checked,
 * conditions with `all` first then `any`, where an empty `any` passes).
 */
import { KpcError } from '../../util/errors.ts';
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { evaluateCondition, parseConditions, ConditionError, type Condition } from './conditions.ts';
import { wildcardMatch } from './go/wildcard.ts';
import { checkKind, getKind, getName, getNamespace, getStringMap, MatchParseError, parseMatchResources, type MatchResources, type ResourceFilter } from './match.ts';
import type { PolicyContext } from './policy-context.ts';
import { SelectorError, selectorMatches } from './selector.ts';

export interface PolicyException {
  readonly name: string;
  readonly namespace: string;
  readonly exceptions: readonly { readonly policyName: string; readonly ruleNames: readonly string[] }[];
  readonly match: MatchResources;
  readonly conditions: { readonly any: readonly Condition[]; readonly all: readonly Condition[] } | null;
  /** spec.podSecurity: partial PSS exemptions. */
  readonly podSecurity: readonly JsonObject[];
  readonly source: { readonly file: string; readonly line: number };
}

export const EXCEPTION_API_VERSIONS = new Set(['kyverno.io/v2', 'kyverno.io/v2beta1', 'kyverno.io/v2alpha1']);

export function loadPolicyException(value: JsonObject, source: { file: string; line: number }): PolicyException {
  const where = { file: source.file, line: source.line };
  const metadata = isObject(value['metadata']) ? value['metadata'] : {};
  const spec = value['spec'];
  if (!isObject(spec)) throw new KpcError('PolicyException has no spec', { ...where, field: 'spec' });
  const rawExceptions = spec['exceptions'];
  if (!Array.isArray(rawExceptions)) throw new KpcError('spec.exceptions must be a list', { ...where, field: 'spec.exceptions' });
  const exceptions = rawExceptions.map((e, i) => {
    if (!isObject(e)) throw new KpcError('an exception must be an object', { ...where, field: `spec.exceptions[${i}]` });
    const ruleNames = Array.isArray(e['ruleNames']) ? e['ruleNames'].filter((r): r is string => typeof r === 'string') : [];
    if (typeof e['policyName'] !== 'string' || e['policyName'] === '') throw new KpcError('An exception requires a policy name', { ...where, field: `spec.exceptions[${i}].policyName` });
    return { policyName: e['policyName'], ruleNames };
  });
  let match: MatchResources;
  let conditions: PolicyException['conditions'] = null;
  try {
    match = parseMatchResources(spec['match'], 'spec.match');
    const parsed = parseConditions(spec['conditions'], 'spec.conditions');
    if (parsed) conditions = 'legacy' in parsed ? { any: [], all: parsed.legacy } : { any: parsed.any ?? [], all: parsed.all ?? [] };
  } catch (error) {
    if (error instanceof MatchParseError || error instanceof ConditionError) throw new KpcError(error.message, where);
    throw error;
  }
  const podSecurity = Array.isArray(spec['podSecurity']) ? spec['podSecurity'].filter(isObject) : [];
  return {
    name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '',
    exceptions,
    match,
    conditions,
    podSecurity,
    source,
  };
}

/** cache.MetaNamespaceKeyFunc. */
export const exceptionKey = (e: PolicyException): string => (e.namespace === '' ? e.name : `${e.namespace}/${e.name}`);

/** The exceptions that name this policy (`ns/name` for a Policy) and rule. */
export function exceptionsFor(all: readonly PolicyException[], policyKey: string, ruleName: string): PolicyException[] {
  return all.filter((e) => e.exceptions.some((x) => x.policyName === policyKey && x.ruleNames.some((r) => wildcardMatch(r, ruleName))));
}

function checkDescription(filter: ResourceFilter, resource: JsonObject, pc: PolicyContext): boolean {
  const d = filter.resources;
  if (d.kinds.length > 0 && !checkKind(d.kinds, pc.gvk, pc.subresource)) return false;
  if (d.name !== '' || d.names.length > 0) {
    let name = getName(resource);
    if (name === '') {
      const g = isObject(resource['metadata']) ? resource['metadata']['generateName'] : undefined;
      name = typeof g === 'string' ? g : '';
    }
    if (d.name !== '' && !wildcardMatch(d.name, name)) return false;
    if (d.names.length > 0 && !d.names.some((n) => wildcardMatch(n, name))) return false;
  }
  if (d.namespaces.length > 0) {
    const ns = getKind(resource) === 'Namespace' ? getName(resource) : getNamespace(resource);
    if (!d.namespaces.some((n) => wildcardMatch(n, ns))) return false;
  }
  if (Object.keys(d.annotations).length > 0) {
    const actual = getStringMap(resource, 'annotations') ?? {};
    if (!Object.entries(d.annotations).every(([k, v]) => Object.entries(actual).some(([k1, v1]) => wildcardMatch(k, k1) && wildcardMatch(v, v1)))) return false;
  }
  try {
    if (d.selector !== null && !selectorMatches(d.selector, getStringMap(resource, 'labels'))) return false;
    if (d.namespaceSelector !== null && getKind(resource) !== 'Namespace' && getKind(resource) !== '' && !selectorMatches(d.namespaceSelector, (pc.namespaceLabels as Record<string, string>) ?? {})) return false;
  } catch (error) {
    if (error instanceof SelectorError) return false;
    throw error;
  }
  return true;
}

function checkUserInfo(filter: ResourceFilter, pc: PolicyContext): boolean {
  const u = filter.userInfo;
  const info = pc.admissionInfo;
  if (u.roles && u.roles.length > 0 && !u.roles.some((r) => (info.roles ?? []).includes(r))) return false;
  if (u.clusterRoles && u.clusterRoles.length > 0 && !u.clusterRoles.some((r) => (info.clusterRoles ?? []).includes(r))) return false;
  if (u.subjects && u.subjects.length > 0) {
    const user = info.userInfo;
    const ok = u.subjects.some(
      (s) =>
        (s.kind === 'ServiceAccount' && wildcardMatch(`system:serviceaccount:${s.namespace}:${s.name}`, user.username)) ||
        (s.kind === 'Group' && (user.groups ?? []).some((g) => wildcardMatch(s.name, g))) ||
        (s.kind === 'User' && wildcardMatch(s.name, user.username)),
    );
    if (!ok) return false;
  }
  return true;
}

function filterMatches(filter: ResourceFilter, resource: JsonObject, pc: PolicyContext): boolean {
  const d = filter.resources;
  const emptyDescription = d.kinds.length === 0 && d.name === '' && d.names.length === 0 && d.namespaces.length === 0 && Object.keys(d.annotations).length === 0 && d.selector === null && d.namespaceSelector === null && d.operations.length === 0;
  const u = filter.userInfo;
  if (emptyDescription && u.roles === null && u.clusterRoles === null && u.subjects === null) return false;
  return checkDescription(filter, resource, pc) && checkUserInfo(filter, pc);
}

/** MatchesException: the candidate exceptions that apply to the request. */
export function matchingExceptions(candidates: readonly PolicyException[], pc: PolicyContext): PolicyException[] {
  if (candidates.length === 0) return [];
  const resource = pc.newResource ?? pc.oldResource ?? {};
  const out: PolicyException[] = [];
  for (const polex of candidates) {
    const m = polex.match;
    let matched = false;
    if (m.any.length > 0) matched = m.any.some((f) => filterMatches(f, resource, pc));
    else if (m.all.length > 0) matched = m.all.every((f) => filterMatches(f, resource, pc));
    if (!matched) continue;
    if (polex.conditions) {
      try {
        if (!checkExceptionConditions(polex.conditions, pc)) continue;
      } catch (error) {
        if (error instanceof Error && error.name === 'UnsupportedError') throw error;
        continue; // Go logs "failed to evaluate exception conditions" and skips it
      }
    }
    out.push(polex);
  }
  return out;
}

function checkExceptionConditions(c: NonNullable<PolicyException['conditions']>, pc: PolicyContext): boolean {
  for (const cond of c.all) if (!evaluateCondition(pc.json, cond)[0]) return false;
  for (const cond of c.any) if (evaluateCondition(pc.json, cond)[0]) return true;
  return c.any.length === 0;
}
