/**
 * v1.MatchResources as read from a policy or binding: strict decoding, the v1 defaults
 * (matchPolicy Equivalent, empty selectors, rule scope "*") and the apiserver's validation
 * (pkg/apis/admissionregistration/validation: validateMatchResources, validateNamedRuleWithOperations).
 */
import { labelSelectorErrors } from '../k8s/label-selector.ts';
import { FieldErrors, pathSegmentNameErrors, StrictReader } from './decode.ts';
import type { MatchResources, NamedRule } from './match.ts';

const RULE_FIELDS = ['resourceNames', 'operations', 'apiGroups', 'apiVersions', 'resources', 'scope'];

/** Reads (and defaults) a MatchResources; null when absent. */
export function readMatchResources(reader: StrictReader, value: unknown, field: string): MatchResources | null {
  const raw = reader.object(value, field, ['namespaceSelector', 'objectSelector', 'resourceRules', 'excludeResourceRules', 'matchPolicy']);
  if (raw === null) return null;
  const readRule = (item: unknown, path: string): NamedRule | null => {
    const rule = reader.object(item, path, RULE_FIELDS);
    if (rule === null) return null;
    return {
      resourceNames: reader.stringList(rule, 'resourceNames', path),
      operations: reader.stringList(rule, 'operations', path),
      apiGroups: reader.stringList(rule, 'apiGroups', path),
      apiVersions: reader.stringList(rule, 'apiVersions', path),
      resources: reader.stringList(rule, 'resources', path),
      scope: reader.string(rule, 'scope', path) ?? '*',
    };
  };
  const empty = { matchLabels: {}, matchExpressions: [] };
  return {
    namespaceSelector: reader.labelSelector(raw['namespaceSelector'], `${field}.namespaceSelector`) ?? empty,
    objectSelector: reader.labelSelector(raw['objectSelector'], `${field}.objectSelector`) ?? empty,
    resourceRules: reader.list(raw, 'resourceRules', field, readRule) ?? [],
    excludeResourceRules: reader.list(raw, 'excludeResourceRules', field, readRule) ?? [],
    matchPolicy: reader.string(raw, 'matchPolicy', field) ?? 'Equivalent',
  };
}

const MATCH_POLICIES = ['Equivalent', 'Exact'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

/** validateMatchResources. */
export function validateMatchResources(match: MatchResources, field: string, errors: FieldErrors): void {
  if (match.matchPolicy === null) errors.required(`${field}.matchPolicy`);
  else if (!MATCH_POLICIES.includes(match.matchPolicy)) errors.notSupported(`${field}.matchPolicy`, match.matchPolicy, MATCH_POLICIES);
  for (const [name, selector] of [['namespaceSelector', match.namespaceSelector], ['objectSelector', match.objectSelector]] as const) {
    if (selector === null) errors.required(`${field}.${name}`);
    else errors.addAll(`${field}.${name}`, labelSelectorErrors(selector, `${field}.${name}`));
  }
  match.resourceRules.forEach((rule, i) => validateNamedRule(rule, `${field}.resourceRules[${i}]`, errors));
  match.excludeResourceRules.forEach((rule, i) => validateNamedRule(rule, `${field}.excludeResourceRules[${i}]`, errors));
}

function validateNamedRule(rule: NamedRule, field: string, errors: FieldErrors): void {
  const seen = new Set<string>();
  rule.resourceNames.forEach((name, i) => {
    for (const message of pathSegmentNameErrors(name)) errors.invalid(`${field}.resourceNames[${i}]`, name, message);
    if (seen.has(name)) errors.duplicate(`${field}.resourceNames[${i}]`, name);
    seen.add(name);
  });
  // validateRuleWithOperations
  if (rule.operations.length === 0) errors.required(`${field}.operations`);
  if (rule.operations.length > 1 && rule.operations.includes('*')) {
    errors.invalid(`${field}.operations`, rule.operations, "if '*' is present, must not specify other operations");
  }
  rule.operations.forEach((operation, i) => {
    if (!OPERATIONS.includes(operation)) errors.notSupported(`${field}.operations[${i}]`, operation, OPERATIONS);
  });
  // validateRule
  if (rule.apiGroups.length === 0) errors.required(`${field}.apiGroups`);
  if (rule.apiGroups.length > 1 && rule.apiGroups.includes('*')) {
    errors.invalid(`${field}.apiGroups`, rule.apiGroups, "if '*' is present, must not specify other API groups");
  }
  if (rule.apiVersions.length === 0) errors.required(`${field}.apiVersions`);
  if (rule.apiVersions.length > 1 && rule.apiVersions.includes('*')) {
    errors.invalid(`${field}.apiVersions`, rule.apiVersions, "if '*' is present, must not specify other API versions");
  }
  rule.apiVersions.forEach((version, i) => {
    if (version === '') errors.required(`${field}.apiVersions[${i}]`);
  });
  validateResources(rule.resources, `${field}.resources`, errors);
  if (rule.scope !== null && !SCOPES.includes(rule.scope)) errors.notSupported(`${field}.scope`, rule.scope, SCOPES);
}

/** validateResources (subresources allowed). */
function validateResources(resources: readonly string[], field: string, errors: FieldErrors): void {
  if (resources.length === 0) errors.required(field);
  const resourcesWithWildcardSubresources = new Set<string>();
  const subresourcesWithWildcardResource = new Set<string>();
  let hasDoubleWildcard = false;
  let hasSingleWildcard = false;
  let hasResourceWithoutSubresource = false;
  resources.forEach((entry, i) => {
    if (entry === '') {
      errors.required(`${field}[${i}]`);
      return;
    }
    if (entry === '*/*') hasDoubleWildcard = true;
    if (entry === '*') hasSingleWildcard = true;
    const slash = entry.indexOf('/');
    if (slash < 0) {
      // upstream keeps only the last such entry's verdict (the flag is assigned, not or-ed)
      hasResourceWithoutSubresource = entry !== '*';
      return;
    }
    const res = entry.slice(0, slash);
    const sub = entry.slice(slash + 1);
    if (resourcesWithWildcardSubresources.has(res)) errors.invalid(`${field}[${i}]`, entry, `if '${res}/*' is present, must not specify ${entry}`);
    if (subresourcesWithWildcardResource.has(sub)) errors.invalid(`${field}[${i}]`, entry, `if '*/${sub}' is present, must not specify ${entry}`);
    if (sub === '*') resourcesWithWildcardSubresources.add(res);
    if (res === '*') subresourcesWithWildcardResource.add(sub);
  });
  if (resources.length > 1 && hasDoubleWildcard) errors.invalid(field, resources, "if '*/*' is present, must not specify other resources");
  if (hasSingleWildcard && hasResourceWithoutSubresource) {
    errors.invalid(field, resources, "if '*' is present, must not specify other resources without subresources");
  }
}
