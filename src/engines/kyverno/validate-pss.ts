/**
 * validate.podSecurity (kyverno pkg/engine/handlers/validation/validate_pss.go, pkg/pss): the PSA
 * checks of Kyverno's pod-security-admission fork run on the pod (or pod template; CronJobs use
 * the *job template's* metadata), then `exclude` entries (and PolicyException podSecurity entries)
 * remove matching field errors.
 *
 * Kyverno's evaluation differs from PSA's own: every check of the level runs (restricted also
 * runs the baseline variants it would override; any level other than baseline runs everything),
 * each check uses its newest implementation not newer than the requested version — or its first
 * one when all are newer — and no API defaulting is applied (typed decode only).
 *
 * The checks are the project's PSA engine (src/engines/psa), limited to what the fork Kyverno
 * pins (kyverno/pod-security-admission 46f2077, Kubernetes 1.34): implementations introduced after
 * v1.34 (procMount/runAsNonRoot/runAsUser v1.35, sysctls v1.37) and the procMount_restricted check
 * do not exist there. Implementations edited in place upstream after 1.34 are not separated.
 */
import { CHECKS, decodePod, isOlder, parseVersion, type CheckDefinition, type CheckResult, type FieldError, type PodView, type PsaVersion } from '../psa/index.ts';
import { cloneValue, isObject, type JsonObject } from '../jmespath/index.ts';
import { formatFloatG } from './go/fmt.ts';
import { checkPatterns } from './go/wildcard.ts';
import { exceptionKey, matchingExceptions, type PolicyException } from './exceptions.ts';
import { matchesResourceDescription } from './match.ts';
import { evaluateConditions } from './conditions.ts';
import { isDeleteRequest, isUpdateRequest, setOperation, setResources, type PolicyContext } from './policy-context.ts';
import type { Rule } from './policy.ts';
import { ruleError, ruleFail, rulePass, ruleSkip, type RuleResponse } from './responses.ts';
import { allowExistingViolations, enforceAction, isUnsupported } from './validate-resource.ts';

/** The newest check version in Kyverno's PSA fork. */
const FORK_LATEST = parseVersion('v1.34');
/** Checks of the fork, in its registration (file name) order. */
const FORK_CHECK_ORDER = [
  'allowPrivilegeEscalation',
  'appArmorProfile',
  'capabilities_baseline',
  'capabilities_restricted',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'privileged',
  'procMount',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'seccompProfile_restricted',
  'sysctls',
  'windowsHostProcess',
] as const;

/** pkg/pss/utils/mapping.go PSS_control_name_to_ids. */
const CONTROL_TO_IDS: Record<string, readonly string[]> = {
  Capabilities: ['capabilities_baseline', 'capabilities_restricted'],
  Seccomp: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  'Privileged Containers': ['privileged'],
  'Host Ports': ['hostPorts'],
  '/proc Mount Type': ['procMount'],
  HostProcess: ['windowsHostProcess'],
  SELinux: ['seLinuxOptions'],
  'Host Namespaces': ['hostNamespaces'],
  'HostPath Volumes': ['hostPathVolumes'],
  Sysctls: ['sysctls'],
  AppArmor: ['appArmorProfile'],
  'Privilege Escalation': ['allowPrivilegeEscalation'],
  'Running as Non-root': ['runAsNonRoot'],
  'Running as Non-root user': ['runAsUser'],
  'Volume Types': ['restrictedVolumes'],
};

interface CheckOutcome {
  readonly id: string;
  readonly result: CheckResult;
  /** Mutable copy of the field errors (exclusions remove from it). */
  errors: FieldError[];
}

interface LevelVersion {
  readonly level: string;
  readonly version: PsaVersion | 'latest';
}

const FORK_CHECKS: readonly CheckDefinition[] = FORK_CHECK_ORDER.map((id) => {
  const def = CHECKS.find((c) => c.id === id);
  if (!def) throw new Error(`PSA engine lacks check ${id}`);
  return { ...def, versions: def.versions.filter((v) => !isOlder(FORK_LATEST, v.minimumVersion)) };
});

function newer(a: PsaVersion | 'latest', b: PsaVersion): boolean {
  return a === 'latest' ? true : !isOlder(a, b);
}

/** evaluatePSS: the failing checks, with their field errors. */
function evaluatePss(lv: LevelVersion, pod: PodView): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  for (const check of FORK_CHECKS) {
    if (lv.level === 'baseline' && check.level !== 'baseline') continue;
    let selected = check.versions[0]!;
    for (const next of check.versions.slice(1)) {
      if (newer(lv.version, next.minimumVersion) && isOlder(selected.minimumVersion, next.minimumVersion)) selected = next;
    }
    const result = selected.checkPod(pod);
    if (!result.allowed) out.push({ id: check.id, result, errors: [...result.fieldErrors] });
  }
  return out;
}

const INDEX_RE = /\d+/g;
const WORD_RE = /[a-zA-Z]+/g;
const isContainerType = (s: string | undefined) => s === 'containers' || s === 'initContainers' || s === 'ephemeralContainers';

function parseField(field: string): { field: string; index: number; type: string; containerLevel: boolean } {
  const indexes = Array.from(field.matchAll(INDEX_RE), (m) => Number(m[0]));
  const words = Array.from(field.matchAll(WORD_RE), (m) => m[0]);
  const type = words[1];
  if (type === undefined) throw new Error(`runtime error: index out of range [1] parsing field ${field}`);
  return { field: field.replace(INDEX_RE, '*'), index: indexes[0] ?? 0, type, containerLevel: isContainerType(type) };
}

function containerAt(spec: JsonObject, type: string, index: number): JsonObject {
  const list = spec[type];
  const c = Array.isArray(list) ? list[index] : undefined;
  return isObject(c) ? c : {};
}

function badValues(err: FieldError): string[] {
  const v = err.badValue;
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'boolean') return [v ? 'true' : 'false'];
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return [];
}

/** exemptExclusions: remove from `defaults` the errors the exclusion's own evaluation reproduces. */
function exemptExclusions(defaults: CheckOutcome[], excluded: CheckOutcome[], exclude: JsonObject, podSpec: JsonObject, matchingSpec: JsonObject | null): CheckOutcome[] {
  const byId = new Map(defaults.map((d) => [d.id, d]));
  const controlIds = CONTROL_TO_IDS[String(exclude['controlName'] ?? '')] ?? [];
  const restrictedField = typeof exclude['restrictedField'] === 'string' ? exclude['restrictedField'] : '';
  const values = Array.isArray(exclude['values']) ? exclude['values'].filter((x): x is string => typeof x === 'string') : [];
  const containerLevel = matchingSpec !== null;
  for (const ex of excluded) {
    if (!controlIds.includes(ex.id)) continue;
    for (const exErr of ex.errors) {
      let exField: string;
      let exContainer: JsonObject | null = null;
      if (containerLevel) {
        const p = parseField(exErr.field);
        exField = p.field;
        if (p.containerLevel) exContainer = containerAt(matchingSpec, p.type, p.index);
      } else exField = exErr.field.replace(INDEX_RE, '*');
      if (!(exField === restrictedField || restrictedField === '')) continue;
      if (values.length > 0 && !badValues(exErr).every((bv) => checkPatterns(values, bv))) continue;
      const def = byId.get(ex.id);
      if (!def) continue;
      for (let idx = 0; idx < def.errors.length; idx++) {
        const defErr = def.errors[idx]!;
        let same: boolean;
        if (containerLevel) {
          const p = parseField(defErr.field);
          same = p.field === exField && (!p.containerLevel || (exContainer !== null && containerAt(podSpec, p.type, p.index)['name'] === exContainer['name']));
          if (p.containerLevel && exContainer === null) same = false;
        } else same = defErr.field.replace(INDEX_RE, '*') === exField;
        if (same) {
          // Go's remove: swap with the last element and truncate
          def.errors[idx] = def.errors[def.errors.length - 1]!;
          def.errors.pop();
          break;
        }
      }
      if (def.errors.length === 0) byId.delete(ex.id);
    }
  }
  return [...byId.values()];
}

/** ApplyPodSecurityExclusion for each exclude entry. */
function applyExclusions(lv: LevelVersion, excludes: readonly JsonObject[], checks: CheckOutcome[], metadata: JsonObject, spec: JsonObject): CheckOutcome[] {
  let current = checks;
  for (const exclude of excludes) {
    const images = Array.isArray(exclude['images']) ? exclude['images'].filter((x): x is string => typeof x === 'string') : [];
    if (images.length === 0) {
      // pod-level: the pod with one fake container and no init/ephemeral containers
      const podSpec: JsonObject = { ...spec, containers: [{ name: 'fake' }] };
      delete podSpec['initContainers'];
      delete podSpec['ephemeralContainers'];
      const excluded = evaluatePss(lv, decode(metadata, podSpec));
      current = exemptExclusions(current, excluded, exclude, spec, null);
    } else {
      const matching: JsonObject = {};
      for (const type of ['containers', 'initContainers', 'ephemeralContainers']) {
        const list = Array.isArray(spec[type]) ? (spec[type] as unknown[]).filter(isObject) : [];
        const kept = list.filter((c) => checkPatterns(images, typeof c['image'] === 'string' ? c['image'] : ''));
        if (kept.length > 0) matching[type] = kept;
      }
      const meta: JsonObject = {};
      if (typeof metadata['name'] === 'string') meta['name'] = metadata['name'];
      if (typeof metadata['namespace'] === 'string') meta['namespace'] = metadata['namespace'];
      const excluded = evaluatePss(lv, decode(meta, matching));
      current = exemptExclusions(current, excluded, exclude, spec, matching);
    }
  }
  return current;
}

function decode(metadata: unknown, spec: unknown): PodView {
  return decodePod(metadata, spec, 'none');
}

const CONTROLLERS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** getSpec: the pod spec and metadata Kyverno evaluates (CronJob: jobTemplate's metadata). */
function getSpec(resource: JsonObject): { spec: JsonObject; metadata: JsonObject } {
  const kind = resource['kind'];
  const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});
  if (typeof kind === 'string' && CONTROLLERS.has(kind)) {
    const template = obj(obj(resource['spec'])['template']);
    return { spec: obj(template['spec']), metadata: obj(template['metadata']) };
  }
  if (kind === 'CronJob') {
    const jobTemplate = obj(obj(resource['spec'])['jobTemplate']);
    return { spec: obj(obj(obj(jobTemplate['spec'])['template'])['spec']), metadata: obj(jobTemplate['metadata']) };
  }
  if (kind === 'Pod') return { spec: obj(resource['spec']), metadata: obj(resource['metadata']) };
  throw new Error('could not find correct resource type');
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (typeof v === 'number') return formatFloatG(v);
  return String(v);
}

/** FormatChecksPrint. */
function formatChecks(checks: readonly CheckOutcome[], kind: string): string {
  const rewrite = (field: string): string => {
    let f = field;
    if (CONTROLLERS.has(kind)) f = f.replaceAll('spec', 'spec.template.spec');
    else if (kind === 'CronJob') f = f.replaceAll('spec', 'spec.jobTemplate.spec.template.spec');
    return f.replaceAll('metadata', 'spec.template.metadata');
  };
  return checks
    .map((c) => {
      const errs = c.errors.map((e) => {
        const field = rewrite(e.field);
        const hasValue = !(e.badValue === undefined || e.badValue === '');
        if (e.type === 'Forbidden') return hasValue ? `${field} is forbidden, forbidden values found: ${formatValue(e.badValue)}` : `${field}: Forbidden`;
        return `${field}: Required value`;
      });
      return `(Forbidden reason: ${c.result.forbiddenReason}, field error list: [${errs.join(', ')}])`;
    })
    .join('');
}

function parseLevelVersion(podSecurity: JsonObject): LevelVersion | string {
  const level = typeof podSecurity['level'] === 'string' ? podSecurity['level'] : '';
  const version = typeof podSecurity['version'] === 'string' ? podSecurity['version'] : '';
  if (version === '' || version === 'latest') return { level, version: 'latest' };
  try {
    return { level, version: parseVersion(version) };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** validatePssHandler.Process. */
export function processValidatePss(pc: PolicyContext, rule: Rule, exceptions: readonly PolicyException[]): RuleResponse | null {
  return validatePss(pc, rule, exceptions, pc.newResource);
}

function validatePss(pc: PolicyContext, rule: Rule, exceptions: readonly PolicyException[], resourceIn: JsonObject | null): RuleResponse | null {
  if (isDeleteRequest(pc)) return null;
  const matched = matchingExceptions(exceptions, pc);
  const fullExemption = matched.find((e) => e.podSecurity.length === 0);
  if (fullExemption) {
    const key = exceptionKey(fullExemption);
    return { ...ruleSkip(rule.name, 'rule is skipped due to policy exception ' + key), exceptions: [key] };
  }
  const podSecurity = isObject(rule.validate?.['podSecurity']) ? (rule.validate!['podSecurity'] as JsonObject) : {};
  const resource = resourceIn ?? pc.oldResource ?? {};
  let spec: JsonObject;
  let metadata: JsonObject;
  let pod: PodView;
  try {
    ({ spec, metadata } = getSpec(resource));
    pod = decode(metadata, spec);
  } catch (error) {
    return ruleError(rule.name, 'Error while getting new resource', error);
  }
  const lv = parseLevelVersion(podSecurity);
  if (typeof lv === 'string') return ruleError(rule.name, 'failed to parse pod security api version', lv);
  const excludes = Array.isArray(podSecurity['exclude']) ? podSecurity['exclude'].filter(isObject) : [];
  let checks: CheckOutcome[];
  try {
    checks = evaluatePss(lv, pod);
    if (excludes.length > 0) checks = applyExclusions(lv, excludes, checks, cloneValue(metadata), cloneValue(spec));
  } catch (error) {
    if (isUnsupported(error)) throw error;
    return ruleError(rule.name, 'failed to evaluate pod security', error);
  }
  if (checks.length === 0) return rulePass(rule.name, `Validation rule '${rule.name}' passed.`);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    const remaining = applyExclusions(lv, matched.flatMap((e) => e.podSecurity), checks, cloneValue(metadata), cloneValue(spec));
    if (remaining.length === 0) return { ...ruleSkip(rule.name, 'rule is skipped due to policy exceptions ' + keys.join(', ')), exceptions: keys };
    checks = remaining;
  }
  const level = String(podSecurity['level'] ?? '');
  const version = String(podSecurity['version'] ?? '');
  const response = ruleFail(rule.name, `Validation rule '${rule.name}' failed. It violates PodSecurity "${level}:${version}": ${formatChecks(checks, String(resource['kind'] ?? ''))}`);
  if (enforceAction(pc, rule) && isUpdateRequest(pc) && allowExistingViolations(rule)) {
    let prior: RuleResponse | null;
    try {
      prior = validateOldObject(pc, rule, exceptions);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return ruleSkip(rule.name, 'failed to validate old object');
    }
    if (prior !== null && prior.status === response.status) return ruleSkip(rule.name, 'skipping the rule evaluation as pre-existing violations are allowed');
  }
  return response;
}

function validateOldObject(pc: PolicyContext, rule: Rule, exceptions: readonly PolicyException[]): RuleResponse | null {
  if (pc.operation !== 'UPDATE') return null;
  const newResource = pc.newResource;
  const oldResource = pc.oldResource;
  setResources(pc, null, oldResource);
  setOperation(pc, 'CREATE');
  try {
    if (rule.raw['preconditions'] !== undefined && rule.raw['preconditions'] !== null) {
      try {
        if (!evaluateConditions(pc.json, rule.preconditions)[0]) return null;
      } catch {
        return null;
      }
    }
    const fakeUser = { roles: ['kyverno:invalidrole'], clusterRoles: ['kyverno:invalidrole'], userInfo: { username: 'kyverno:kyverno-invalid-controller', uid: 'kyverno:invaliduid', groups: ['kyverno:invalidgroup'] } };
    if (oldResource === null) return null;
    const apiVersion = typeof oldResource['apiVersion'] === 'string' ? oldResource['apiVersion'] : '';
    const slash = apiVersion.indexOf('/');
    const gvk = { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind: String(oldResource['kind'] ?? '') };
    const req = { gvk, subresource: '', namespaceLabels: pc.namespaceLabels, policyNamespace: pc.policy.namespace, operation: 'CREATE', admissionInfo: fakeUser };
    if (matchesResourceDescription(oldResource, rule.match, rule.exclude, rule.name, req) !== null) return null;
    return validatePss(pc, rule, exceptions, oldResource);
  } finally {
    setResources(pc, oldResource, newResource);
    setOperation(pc, 'UPDATE');
  }
}
