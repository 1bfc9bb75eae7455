import { HARDENING_LABEL_PREFIX, LEVEL_LABEL, type BuildModel, type ResolvedNamespace } from '../build/model.ts';
import { LABELS } from '../engines/psa/index.ts';
import { VARIANT_KINDS, type HarnessNamespace, type VariantKind } from './types.ts';

/**
 * The namespaces fixtures are admitted into. The project's own managed namespaces, with the labels
 * `kpc build` gives them (their level, hardening opt-ins, rollout mode and exemptions all show
 * there), plus synthetic ones so every level is covered whatever the config: an unmanaged namespace
 * (no labels: nothing applies) and, for each level no project namespace enforces (without exempting
 * everything), a namespace at that level (PSA enforce/warn/audit at the level and version, the kpc
 * level label), and a restricted one with every hardening control opted in if no project namespace
 * is.
 *
 * Every pod-controller variant is replayed in the primary namespaces: one at baseline, one at
 * restricted with every hardening control (between them, every control applies in one). The others
 * see the three ways a pod reaches admission — a Pod, a `spec.template` controller (Deployment), a
 * CronJob.
 */
export interface NamespacePlan {
  readonly namespace: HarnessNamespace;
  readonly variants: readonly VariantKind[];
}

export const SECONDARY_VARIANTS: readonly VariantKind[] = ['Pod', 'Deployment', 'CronJob'];

export function namespacePlan(model: BuildModel): NamespacePlan[] {
  const version = model.pssVersion;
  const hardening = model.controls.filter((c) => c.level === 'hardening').map((c) => c.id);
  const project = model.namespaces.map(projectNamespace);
  const enforcing = (ns: ResolvedNamespace) => ns.mode === 'enforce' && ns.enforce.level === ns.level;
  const hardened = model.namespaces.find((ns) => enforcing(ns) && ns.level === 'restricted' && hardening.every((id) => ns.hardening.includes(id)));
  const baseline = model.namespaces.find((ns) => enforcing(ns) && ns.level === 'baseline');
  const primary = [
    baseline ? project[model.namespaces.indexOf(baseline)]! : levelNamespace('baseline', version),
    hardened ? project[model.namespaces.indexOf(hardened)]! : levelNamespace('restricted', version, hardening, 'kpc-restricted-hardened'),
  ];
  const secondary = [namespace('kpc-unmanaged', {}), ...project.filter((ns) => !primary.includes(ns))];
  for (const level of ['privileged', 'restricted'] as const) {
    if (!model.namespaces.some((ns) => enforcing(ns) && ns.level === level && !exemptsEverything(model, ns.name))) secondary.push(levelNamespace(level, version));
  }
  return [...primary.map((namespace) => ({ namespace, variants: VARIANT_KINDS })), ...secondary.map((namespace) => ({ namespace, variants: SECONDARY_VARIANTS }))];
}

/** The namespace a managed namespace of the project is, with its generated labels. */
function projectNamespace(ns: ResolvedNamespace): HarnessNamespace {
  return namespace(ns.name, { ...ns.labels });
}

/** A namespace by name: the project's managed one with its labels, or an unmanaged one (no labels). */
export function managedNamespace(model: BuildModel, name: string): HarnessNamespace {
  const managed = model.namespaces.find((ns) => ns.name === name);
  return managed ? projectNamespace(managed) : namespace(name, {});
}

function exemptsEverything(model: BuildModel, name: string): boolean {
  return model.exemptions.some((e) => e.target.kind === 'namespaces' && e.target.namespaces.includes(name) && e.controls.length === model.controls.length);
}

/** A namespace managed at a level (PSA enforce, warn and audit all at that level and version). */
export function levelNamespace(level: string, version: string, hardening: readonly string[] = [], name = `kpc-${level}`): HarnessNamespace {
  const labels: Record<string, string> = {
    [LABELS.enforce]: level,
    [LABELS.enforceVersion]: version,
    [LABELS.warn]: level,
    [LABELS.warnVersion]: version,
    [LABELS.audit]: level,
    [LABELS.auditVersion]: version,
    [LEVEL_LABEL]: level,
  };
  for (const id of hardening) labels[`${HARDENING_LABEL_PREFIX}${id}`] = 'true';
  return namespace(name, labels);
}

function namespace(name: string, labels: Record<string, string>): HarnessNamespace {
  const metadata: Record<string, unknown> = { name };
  if (Object.keys(labels).length > 0) metadata['labels'] = { ...labels };
  return { name, labels, object: { apiVersion: 'v1', kind: 'Namespace', metadata } };
}
