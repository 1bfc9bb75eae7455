import { Ajv } from 'ajv';
import { relative } from 'node:path';
import type { NamespaceConfig, NamespaceLevel, PsaModeSetting, ProjectConfigSpec } from '../controls/config.ts';
import { isPssControl, type ControlSpec, type RuleSpec } from '../controls/define.ts';
import { resolveParam, type ParamSpec } from '../controls/params.ts';
import { isPssCheckId, pssMinor, versionOfMinor, type PssCheckId, type PssLevel } from '../controls/pss.ts';
import { refFor } from '../controls/refs.ts';
import { ir } from '../ir/build.ts';
import { exemptContainerImages } from '../ir/transform.ts';
import { exemptImagesFor, resolveExemptions } from './exemptions.ts';
import { controlRollout, namespaceMode, resolveRollout, type ResolvedRollout } from './rollout.ts';
import { lossyNotes } from './lossy.ts';
import { OBJECT, type Pred, type Scalar } from '../ir/nodes.ts';
import { KpcError } from '../util/errors.ts';
import { displayPath } from '../util/files.ts';
import { lineOf, type LoadedPolicies } from './1-load.ts';
import {
  HARDENING_LABEL_PREFIX, LEVEL_LABEL, type BuildModel, type PsaModePin, type ResolvedControl, type ResolvedNamespace,
  type ResolvedParam, type ResolvedRule, type ScopeRequirement,
} from './model.ts';

/** Phase 2: validate the definitions and the config, and resolve every control at the pinned version. */

/** The level each PSS check belongs to in PSA (kubernetes/pod-security-admission policy/check_*.go). */
const PSS_CHECK_LEVEL: Record<PssCheckId, PssLevel> = {
  allowPrivilegeEscalation: 'restricted', appArmorProfile: 'baseline', capabilities_baseline: 'baseline',
  capabilities_restricted: 'restricted', hostNamespaces: 'baseline', hostPathVolumes: 'baseline', hostPorts: 'baseline',
  hostProbesAndHostLifecycle: 'baseline', privileged: 'baseline', procMount: 'baseline', procMount_restricted: 'restricted',
  restrictedVolumes: 'restricted', runAsNonRoot: 'restricted', runAsUser: 'restricted', seLinuxOptions: 'baseline',
  seccompProfile_baseline: 'baseline', seccompProfile_restricted: 'restricted', sysctls: 'baseline', windowsHostProcess: 'baseline',
};

const CONTROL_ID = /^[a-z][A-Za-z0-9]*(_[a-z][A-Za-z0-9]*)*$/;
const RULE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LEVELS: readonly NamespaceLevel[] = ['privileged', 'baseline', 'restricted'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export interface ResolveOptions {
  /** Overrides the config's pssVersion (`kpc build --pss-version`). */
  readonly pssVersion?: string;
  /** The project root, for source paths in the output. */
  readonly projectRoot: string;
}

export function resolveModel(loaded: LoadedPolicies, options: ResolveOptions): BuildModel {
  const config = loaded.config.spec;
  const configFile = displayPath(loaded.configFile);
  const pin = options.pssVersion ?? config.pssVersion;
  const minor = pssMinor(String(pin), options.pssVersion ? { field: '--pss-version' } : { file: configFile, field: 'pssVersion' });
  const version = versionOfMinor(minor);

  validateDefinitions(loaded);
  const specs = loaded.controls.map((c) => c.definition.spec as ControlSpec);
  const overridden = overriddenAt(specs, minor);
  const allIds = specs.map((s) => s.id);
  const exemptions = resolveExemptions(config.exemptions, allIds, { file: configFile, line: (needle) => lineOf(loaded.configFile, needle) });
  const namespaceNames = Array.isArray(config.namespaces) ? config.namespaces.map((ns) => ns.name) : [];
  const rollout = resolveRollout(config.rollout, allIds, namespaceNames, configFile);

  const controls: ResolvedControl[] = [];
  for (const { file, definition } of loaded.controls) {
    const spec = definition.spec as ControlSpec;
    const where = { file: displayPath(file), line: lineOf(file, spec.id) };
    const params = resolveParams(spec, config.controls?.[spec.id]?.parameters, where, configFile);
    const exemptImages = exemptImagesFor(spec.id, exemptions);
    if (exemptImages.length > 0) {
      if (params.some((p) => p.name === EXEMPT_IMAGES)) throw new KpcError(`parameter name "${EXEMPT_IMAGES}" is reserved for image exemptions`, { ...where, field: `parameters.${EXEMPT_IMAGES}` });
      params.push({ name: EXEMPT_IMAGES, description: 'Containers whose image equals an entry, or starts with an entry\'s text before its trailing *, are exempt.', schema: { type: 'array', items: { type: 'string' } }, value: exemptImages });
    }
    const paramValues = Object.fromEntries(params.map((p) => [p.name, resolveParam(p.name, p.value)]));
    const pod = refFor(ir.path(OBJECT, []));

    let rulesBuilder;
    let variantSince = null;
    let activeLevels: PssLevel[] = [];
    let scope: ScopeRequirement;
    if (isPssControl(spec)) {
      const variant = [...spec.versions].reverse().find((v) => pssMinor(v.since) <= minor);
      if (!variant) continue; // the check does not exist at this version: not emitted
      rulesBuilder = variant.rules;
      variantSince = variant.since;
      const level = spec.pss.level;
      activeLevels = level === 'restricted' ? ['restricted'] : overridden.has(spec.pss.check) ? ['baseline'] : ['baseline', 'restricted'];
      scope = { key: LEVEL_LABEL, operator: 'In', values: activeLevels };
    } else {
      rulesBuilder = spec.rules;
      scope = { key: `${HARDENING_LABEL_PREFIX}${spec.id}`, operator: 'In', values: ['true'] };
    }
    let rules = validateRules(rulesBuilder(pod as never, paramValues as never), where);
    if (exemptImages.length > 0) {
      const patterns = ir.param(EXEMPT_IMAGES, exemptImages);
      rules = rules.map((rule) => ({ ...rule, check: exemptContainerImages(rule.check, patterns) }));
    }
    controls.push({
      id: spec.id,
      title: spec.title,
      description: spec.description,
      severity: spec.severity,
      category: spec.category,
      remediation: spec.remediation,
      level: isPssControl(spec) ? spec.pss.level : 'hardening',
      pssCheck: isPssControl(spec) ? spec.pss.check : null,
      source: relative(options.projectRoot, file),
      variantSince,
      rules,
      params,
      activeLevels,
      scope,
      exemptions: exemptions.filter((e) => e.target.kind !== 'images' && e.controls.includes(spec.id)),
      rollout: controlRollout(rollout, spec.id, namespacesWhereApplies(config, spec.id, activeLevels, isPssControl(spec))),
    });
  }
  controls.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const hardeningIds = controls.filter((c) => c.level === 'hardening').map((c) => c.id);
  const knownIds = new Set(specs.map((s) => s.id));
  for (const id of Object.keys(config.controls ?? {})) {
    if (!knownIds.has(id)) throw new KpcError(`unknown control "${id}"`, { file: configFile, field: `controls.${id}`, line: lineOf(loaded.configFile, id) });
  }
  const namespaces = resolveNamespaces(config, version, hardeningIds, loaded.configFile, rollout);
  const partial = { pssVersionPin: String(pin), pssVersion: version, controls, namespaces, exemptions };
  return { ...partial, lossy: lossyNotes(partial, rollout) };
}

/** Managed namespaces a control applies in: by level for PSS controls, by opt-in for hardening ones. */
function namespacesWhereApplies(config: ProjectConfigSpec, id: string, activeLevels: readonly PssLevel[], pss: boolean): string[] {
  const namespaces = Array.isArray(config.namespaces) ? config.namespaces : [];
  return namespaces
    .filter((ns) => (pss ? activeLevels.includes(ns.level as PssLevel) : ns.hardening === true || (Array.isArray(ns.hardening) && ns.hardening.includes(id))))
    .map((ns) => ns.name);
}

/** PSS checks replaced at restricted by a restricted check active at this minor version. */
function overriddenAt(specs: readonly ControlSpec[], minor: number): Set<PssCheckId> {
  const out = new Set<PssCheckId>();
  for (const spec of specs) {
    if (!isPssControl(spec) || spec.pss.level !== 'restricted') continue;
    const variant = [...spec.versions].reverse().find((v) => pssMinor(v.since) <= minor);
    for (const id of variant?.overrides ?? []) out.add(id);
  }
  return out;
}

function validateDefinitions(loaded: LoadedPolicies): void {
  const seenIds = new Map<string, string>();
  const seenChecks = new Map<string, string>();
  for (const { file, definition } of loaded.controls) {
    const spec = definition.spec as ControlSpec;
    const where = { file: displayPath(file), line: lineOf(file, 'id:') };
    if (typeof spec.id !== 'string' || !CONTROL_ID.test(spec.id) || spec.id.length > 50) {
      throw new KpcError(`invalid control id ${JSON.stringify(spec.id)} (camelCase letters and digits, words joined by _, at most 50 characters)`, { ...where, field: 'id' });
    }
    const previous = seenIds.get(spec.id);
    if (previous) throw new KpcError(`duplicate control id "${spec.id}" (also defined in ${previous})`, { ...where, field: 'id' });
    seenIds.set(spec.id, displayPath(file));
    for (const field of ['title', 'description', 'category', 'remediation'] as const) {
      if (typeof spec[field] !== 'string' || spec[field].trim() === '') {
        throw new KpcError('must be a non-empty string', { ...where, field, line: lineOf(file, field) });
      }
    }
    if (!SEVERITIES.includes(spec.severity)) throw new KpcError(`must be one of ${SEVERITIES.join(', ')}`, { ...where, field: 'severity' });
    if (isPssControl(spec)) {
      const check = spec.pss?.check as string;
      const pssWhere = { ...where, line: lineOf(file, 'pss:') };
      if (!isPssCheckId(check)) throw new KpcError(`unknown PSS check "${check}"`, { ...pssWhere, field: 'pss.check' });
      if (spec.pss.level !== PSS_CHECK_LEVEL[check]) {
        throw new KpcError(`PSS check "${check}" belongs to level ${PSS_CHECK_LEVEL[check]}, not ${spec.pss.level}`, { ...pssWhere, field: 'pss.level' });
      }
      const other = seenChecks.get(check);
      if (other) throw new KpcError(`PSS check "${check}" is already mirrored by ${other}`, { ...pssWhere, field: 'pss.check' });
      seenChecks.set(check, displayPath(file));
      if (!Array.isArray(spec.versions) || spec.versions.length === 0) {
        throw new KpcError('empty check: a PSS control needs at least one entry in versions', { ...where, field: 'versions' });
      }
      let previousMinor = -1;
      for (const [index, variant] of spec.versions.entries()) {
        const minor = pssMinor(String(variant.since), { ...where, field: `versions[${index}].since` });
        if (minor <= previousMinor) throw new KpcError('versions must be in increasing order of since', { ...where, field: `versions[${index}].since` });
        previousMinor = minor;
        for (const id of variant.overrides ?? []) {
          if (!isPssCheckId(id)) throw new KpcError(`unknown PSS check "${id}"`, { ...where, field: `versions[${index}].overrides` });
        }
      }
    } else if (typeof (spec as { rules?: unknown }).rules !== 'function') {
      throw new KpcError('empty check: a control needs rules (or pss + versions)', { ...where, field: 'rules' });
    }
  }
}

function validateRules(rules: readonly RuleSpec[], where: { file: string; line: number | undefined }): ResolvedRule[] {
  if (!Array.isArray(rules) || rules.length === 0) throw new KpcError('empty check: rules returned no rule', { ...where, field: 'rules' });
  const names = new Set<string>();
  return rules.map((rule, index) => {
    const field = `rules[${index}]`;
    if (typeof rule.name !== 'string' || !RULE_NAME.test(rule.name) || rule.name.length > 40) {
      throw new KpcError(`invalid rule name ${JSON.stringify(rule.name)} (kebab-case, at most 40 characters)`, { ...where, field: `${field}.name` });
    }
    if (names.has(rule.name)) throw new KpcError(`duplicate rule name "${rule.name}"`, { ...where, field: `${field}.name` });
    names.add(rule.name);
    if (typeof rule.message !== 'string' || rule.message.trim() === '') throw new KpcError('must be a non-empty string', { ...where, field: `${field}.message` });
    if (!isPred(rule.check)) throw new KpcError('must be a check built with the authoring API', { ...where, field: `${field}.check` });
    if (rule.check.kind === 'const') throw new KpcError(`empty check: the check is the constant ${rule.check.value}`, { ...where, field: `${field}.check` });
    return { name: rule.name, message: rule.message, check: rule.check };
  });
}

function isPred(value: unknown): value is Pred {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

const ajv = new Ajv({ strict: true, allErrors: true });

function resolveParams(
  spec: ControlSpec,
  overrides: Readonly<Record<string, unknown>> | undefined,
  where: { file: string; line: number | undefined },
  configFile: string,
): ResolvedParam[] {
  const specs = (spec.parameters ?? {}) as Record<string, ParamSpec<Scalar | readonly Scalar[]>>;
  for (const name of Object.keys(overrides ?? {})) {
    if (!Object.hasOwn(specs, name)) throw new KpcError(`unknown parameter "${name}" of control ${spec.id}`, { file: configFile, field: `controls.${spec.id}.parameters.${name}` });
  }
  return Object.keys(specs)
    .sort()
    .map((name) => {
      const paramSpec = specs[name]!;
      let validate;
      try {
        validate = ajv.compile(paramSpec.schema);
      } catch (error) {
        throw new KpcError(`invalid parameter schema: ${(error as Error).message}`, { ...where, field: `parameters.${name}` });
      }
      if (!validate(paramSpec.schema.default)) {
        throw new KpcError(`default fails its schema: ${ajv.errorsText(validate.errors)}`, { ...where, field: `parameters.${name}.default` });
      }
      const overridden = overrides !== undefined && Object.hasOwn(overrides, name);
      const value = overridden ? overrides[name] : paramSpec.schema.default;
      if (overridden && !validate(value)) {
        throw new KpcError(`parameter fails its schema: ${ajv.errorsText(validate.errors, { dataVar: name })}`, { file: configFile, field: `controls.${spec.id}.parameters.${name}` });
      }
      const { default: _default, ...schema } = paramSpec.schema;
      return { name, description: paramSpec.description, schema, value: value as Scalar | readonly Scalar[] };
    });
}

function resolveNamespaces(config: ProjectConfigSpec, version: string, hardeningIds: readonly string[], configPath: string, rollout: ResolvedRollout): ResolvedNamespace[] {
  const file = displayPath(configPath);
  if (!Array.isArray(config.namespaces)) throw new KpcError('must be a list', { file, field: 'namespaces' });
  const seen = new Set<string>();
  return config.namespaces.map((ns: NamespaceConfig, index) => {
    const field = `namespaces[${index}]`;
    const where = { file, line: lineOf(configPath, `'${ns.name}'`) };
    if (typeof ns.name !== 'string' || !NAMESPACE_NAME.test(ns.name) || ns.name.length > 63) {
      throw new KpcError(`invalid namespace name ${JSON.stringify(ns.name)}`, { ...where, field: `${field}.name` });
    }
    if (seen.has(ns.name)) throw new KpcError(`duplicate namespace "${ns.name}"`, { ...where, field: `${field}.name` });
    seen.add(ns.name);
    const level = checkLevel(ns.level, { ...where, field: `${field}.level` });
    const mode = (setting: NamespaceLevel | PsaModeSetting | undefined, name: string): PsaModePin => {
      if (setting === undefined) return { level, version };
      if (typeof setting === 'string') return { level: checkLevel(setting, { ...where, field: `${field}.${name}` }), version };
      const pinned = setting.version ?? version;
      if (pinned !== 'latest') pssMinor(pinned, { ...where, field: `${field}.${name}.version` });
      return { level: checkLevel(setting.level, { ...where, field: `${field}.${name}.level` }), version: pinned };
    };
    let hardening: string[] = [];
    if (ns.hardening === true) hardening = [...hardeningIds];
    else if (Array.isArray(ns.hardening)) {
      for (const id of ns.hardening) {
        if (!hardeningIds.includes(id)) throw new KpcError(`unknown hardening control "${id}" (known: ${hardeningIds.join(', ')})`, { ...where, field: `${field}.hardening` });
      }
      hardening = [...ns.hardening].sort();
    } else if (ns.hardening !== undefined && ns.hardening !== false) {
      throw new KpcError('must be true, false or a list of hardening control ids', { ...where, field: `${field}.hardening` });
    }
    const isolation = ns.networkIsolation;
    const networkIsolation = isolation === true ? { allowDns: false } : isolation ? { allowDns: isolation.allowDns === true } : null;
    // Staged rollout of the namespace: below enforce, PSA enforces nothing and warns or audits the level.
    const nsMode = namespaceMode(rollout, ns.name);
    const enforce = nsMode === 'enforce' ? { level, version } : { level: 'privileged' as const, version };
    // In audit mode nothing warns unless the config says so; in warn mode PSA warns at least at the level.
    let warn = nsMode === 'audit' && ns.warn === undefined ? { level: 'privileged' as const, version } : mode(ns.warn, 'warn');
    if (nsMode === 'warn' && stricter(level, warn.level)) warn = { level, version: warn.version };
    let audit = mode(ns.audit, 'audit');
    if (nsMode !== 'enforce' && stricter(level, audit.level)) audit = { level, version: audit.version };
    const labels: Record<string, string> = { ...(ns.labels ?? {}) };
    for (const [name, pin] of [['enforce', enforce], ['warn', warn], ['audit', audit]] as const) {
      labels[`pod-security.kubernetes.io/${name}`] = pin.level;
      labels[`pod-security.kubernetes.io/${name}-version`] = pin.version;
    }
    labels[LEVEL_LABEL] = level;
    for (const id of hardening) labels[`${HARDENING_LABEL_PREFIX}${id}`] = 'true';
    const sortedLabels = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { name: ns.name, level, enforce, warn, audit, hardening, mode: nsMode, networkIsolation, labels: sortedLabels };
  });
}

/** Name of the parameter that carries image exemptions (Gatekeeper's convention). */
export const EXEMPT_IMAGES = 'exemptImages';

function stricter(a: NamespaceLevel, b: NamespaceLevel): boolean {
  return LEVELS.indexOf(a) > LEVELS.indexOf(b);
}

function checkLevel(level: unknown, where: { file: string; line: number | undefined; field: string }): NamespaceLevel {
  if (!LEVELS.includes(level as NamespaceLevel)) {
    throw new KpcError(`unknown level ${JSON.stringify(level)} (expected ${LEVELS.join(', ')})`, where);
  }
  return level as NamespaceLevel;
}
