/**
 * The check registry as policy/registry.go builds it: every check's versioned implementations
 * inflated to each minor version, restricted = restricted checks + baseline checks not overridden
 * at that version, ordered baseline ids then restricted ids (each sorted), requests newer than the
 * newest check version clamped to it, optionally capped by the apiserver's emulation version.
 */
import { compareGoStrings } from './go-format.ts';
import { isOlder, majorMinor, sameVersion, type Level, type PsaVersion } from './version.ts';
import type { CheckDefinition, CheckId, VersionedCheck } from './checks/types.ts';
import { allowPrivilegeEscalation } from './checks/allowPrivilegeEscalation.ts';
import { appArmorProfile } from './checks/appArmorProfile.ts';
import { capabilities_baseline } from './checks/capabilities_baseline.ts';
import { capabilities_restricted } from './checks/capabilities_restricted.ts';
import { hostNamespaces } from './checks/hostNamespaces.ts';
import { hostPathVolumes } from './checks/hostPathVolumes.ts';
import { hostPorts } from './checks/hostPorts.ts';
import { hostProbesAndHostLifecycle } from './checks/hostProbesAndHostLifecycle.ts';
import { privileged } from './checks/privileged.ts';
import { procMount, procMount_restricted } from './checks/procMount.ts';
import { restrictedVolumes } from './checks/restrictedVolumes.ts';
import { runAsNonRoot } from './checks/runAsNonRoot.ts';
import { runAsUser } from './checks/runAsUser.ts';
import { seLinuxOptionsCheck } from './checks/seLinuxOptions.ts';
import { seccompProfile_baseline, seccompProfile_restricted } from './checks/seccompProfile.ts';
import { sysctls } from './checks/sysctls.ts';
import { windowsHostProcess } from './checks/windowsHostProcess.ts';

/** All 19 checks of the snapshot (policy.DefaultChecks()). */
export const CHECKS: readonly CheckDefinition[] = Object.freeze([
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilities_baseline,
  capabilities_restricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  procMount_restricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seLinuxOptionsCheck,
  seccompProfile_baseline,
  seccompProfile_restricted,
  sysctls,
  windowsHostProcess,
]);

const BY_ID: ReadonlyMap<CheckId, CheckDefinition> = new Map(CHECKS.map((check) => [check.id, check]));

/** Every check id, sorted as Go sorts them. */
export const CHECK_IDS: readonly CheckId[] = Object.freeze(CHECKS.map((c) => c.id).sort(compareGoStrings));

export function checkDefinition(id: string): CheckDefinition | undefined {
  return BY_ID.get(id as CheckId);
}

export function isCheckId(id: string): id is CheckId {
  return BY_ID.has(id as CheckId);
}

/** The newest MinimumVersion of any check: what `latest` (and any newer pin) means. */
export const LATEST_VERSION: PsaVersion = CHECKS.reduce((max, check) => {
  const last = check.versions[check.versions.length - 1]!.minimumVersion;
  return isOlder(max, last) ? last : max;
}, majorMinor(1, 0));

/** A check active at a level and version, with the implementation that applies. */
export interface ActiveCheck {
  readonly id: CheckId;
  readonly level: 'baseline' | 'restricted';
  readonly implementation: VersionedCheck;
}

/** The implementation of a check that covers `version` (already clamped), or undefined before its first one. */
export function implementationAt(check: CheckDefinition, version: PsaVersion): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const versioned of check.versions) {
    if (isOlder(version, versioned.minimumVersion)) break;
    found = versioned;
  }
  return found;
}

/** Go's populate(): per minor version 0..LATEST, the ordered checks of each level. */
function buildTables(): { baseline: ActiveCheck[][]; restricted: ActiveCheck[][] } {
  const ordered = [...CHECKS].sort((a, b) =>
    a.level === b.level ? compareGoStrings(a.id, b.id) : a.level === 'baseline' ? -1 : 1,
  );
  const baseline: ActiveCheck[][] = [];
  const restricted: ActiveCheck[][] = [];
  for (let minor = 0; minor <= LATEST_VERSION.minor; minor++) {
    const version = majorMinor(1, minor);
    const active = ordered.flatMap((check) => {
      const implementation = implementationAt(check, version);
      return implementation ? [{ id: check.id, level: check.level, implementation }] : [];
    });
    const overridden = new Set(active.filter((a) => a.level === 'restricted').flatMap((a) => a.implementation.overrides));
    baseline[minor] = Object.freeze(active.filter((a) => a.level === 'baseline')) as ActiveCheck[];
    restricted[minor] = Object.freeze(active.filter((a) => a.level === 'restricted' || !overridden.has(a.id))) as ActiveCheck[];
  }
  return { baseline, restricted };
}

const TABLES = buildTables();

/**
 * The version actually evaluated: requests newer than the newest check version (latest included)
 * become that version; an emulation version older than it lowers that cap (NewEvaluator).
 */
export function effectiveVersion(version: PsaVersion, emulationVersion?: PsaVersion): PsaVersion {
  let max = LATEST_VERSION;
  if (emulationVersion && isOlder(emulationVersion, max)) max = emulationVersion;
  return isOlder(max, version) ? max : version;
}

/** The checks PSA runs for a level at a version, in PSA's result order (none for privileged). */
export function activeChecks(level: Level, version: PsaVersion, emulationVersion?: PsaVersion): readonly ActiveCheck[] {
  if (level === 'privileged') return [];
  const v = effectiveVersion(version, emulationVersion);
  // Versions are v1.x only, so the minor indexes the table; an emulated version could in principle
  // be a major other than 1 (then Go's map lookup finds nothing and no check runs).
  if (v.major !== 1) return [];
  return (level === 'baseline' ? TABLES.baseline : TABLES.restricted)[v.minor] ?? [];
}

/** Checks whose overrides relation names `id` at some version (restricted replacements). */
export function overriddenBy(id: CheckId): { id: CheckId; since: PsaVersion }[] {
  const out: { id: CheckId; since: PsaVersion }[] = [];
  for (const check of CHECKS) {
    const first = check.versions.find((v) => v.overrides.includes(id));
    if (first) out.push({ id: check.id, since: first.minimumVersion });
  }
  return out;
}

/** policy/registry.go validateChecks: the invariants the registry relies on (used by tests). */
export function validateChecks(checks: readonly CheckDefinition[] = CHECKS): string[] {
  const errors: string[] = [];
  const levels = new Map<string, string>();
  for (const check of checks) {
    if (levels.has(check.id)) errors.push(`multiple checks registered for ID ${check.id}`);
    levels.set(check.id, check.level);
    if (check.versions.length === 0) errors.push(`check ${check.id}: empty`);
    let previous: PsaVersion | null = null;
    for (const v of check.versions) {
      if (v.minimumVersion.latest) errors.push(`check ${check.id}: version cannot be 'latest'`);
      if (previous && (sameVersion(previous, v.minimumVersion) || !isOlder(previous, v.minimumVersion))) {
        errors.push(`check ${check.id}: versions must be strictly increasing`);
      }
      previous = v.minimumVersion;
    }
  }
  for (const check of checks) {
    for (const v of check.versions) {
      if (v.overrides.length > 0 && check.level !== 'restricted') errors.push(`check ${check.id}: only restricted checks may set overrides`);
      for (const o of v.overrides) if (levels.has(o) && levels.get(o) !== 'baseline') errors.push(`check ${check.id}: overrides ${levels.get(o)} check ${o}`);
    }
  }
  return errors;
}
