import type { ContainerKind, ContainerView, PodView } from '../pod-model.ts';
import type { PsaVersion } from '../version.ts';
import { joinQuote, pluralize } from '../go-format.ts';

/** PSA's check ids, exactly (the identifiers other tooling joins on). */
export type CheckId =
  | 'allowPrivilegeEscalation'
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'capabilities_restricted'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'hostProbesAndHostLifecycle'
  | 'privileged'
  | 'procMount'
  | 'procMount_restricted'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'seccompProfile_restricted'
  | 'sysctls'
  | 'windowsHostProcess';

/** A container a result blames, so callers (Kyverno's podSecurity exclusions, explain) can act on it. */
export interface ContainerRef {
  readonly kind: ContainerKind;
  readonly index: number;
  readonly name: string;
  readonly image: string;
}

/**
 * One offending field, shaped like the field errors of kyverno/pod-security-admission (the PSA fork
 * Kyverno's `validate.podSecurity` runs with WithFieldErrors): `Forbidden` with the bad value, or
 * `Required` for a field that must be set. Paths carry indices (`spec.containers[0]...`).
 */
export interface FieldError {
  readonly type: 'Forbidden' | 'Required';
  readonly field: string;
  /** Absent for Required, and for Forbidden errors the fork reports without a value. */
  readonly badValue?: unknown;
}

export interface CheckResult {
  readonly allowed: boolean;
  /** Empty when allowed. */
  readonly forbiddenReason: string;
  readonly forbiddenDetail: string;
  /** Containers named by the result, in PSA's visiting order. */
  readonly containers: readonly ContainerRef[];
  readonly fieldErrors: readonly FieldError[];
}

export type CheckPodFn = (pod: PodView) => CheckResult;

export interface VersionedCheck {
  readonly minimumVersion: PsaVersion;
  readonly checkPod: CheckPodFn;
  /** Baseline checks this (restricted) implementation replaces at its versions. */
  readonly overrides: readonly CheckId[];
}

export interface CheckDefinition {
  readonly id: CheckId;
  readonly level: 'baseline' | 'restricted';
  /** Ordered by increasing minimumVersion; each covers versions up to the next one's minimum. */
  readonly versions: readonly VersionedCheck[];
}

export const ALLOWED: CheckResult = Object.freeze({
  allowed: true,
  forbiddenReason: '',
  forbiddenDetail: '',
  containers: Object.freeze([]) as readonly ContainerRef[],
  fieldErrors: Object.freeze([]) as readonly FieldError[],
});

export function forbiddenResult(reason: string, detail: string, containers: readonly ContainerView[], fieldErrors: readonly FieldError[]): CheckResult {
  return { allowed: false, forbiddenReason: reason, forbiddenDetail: detail, containers: containers.map(containerRef), fieldErrors };
}

export function containerRef(container: ContainerView): ContainerRef {
  return { kind: container.kind, index: container.index, name: container.name, image: container.image };
}

export function forbiddenField(field: string, badValue?: unknown): FieldError {
  return badValue === undefined ? { type: 'Forbidden', field } : { type: 'Forbidden', field, badValue };
}

export function requiredField(field: string): FieldError {
  return { type: 'Required', field };
}

/** `container "a"` / `containers "a", "b"`: the setter phrase most checks build. */
export function containersPhrase(containers: readonly ContainerView[]): string {
  return `${pluralize('container', 'containers', containers.length)} ${joinQuote(containers.map((c) => c.name))}`;
}

/** Go's relaxPolicyForUserNamespacePod: spec.hostUsers explicitly false. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

/** spec.os.name == "windows" (exact, as corev1.Windows). */
export function isWindowsPod(pod: PodView): boolean {
  return pod.spec.osName === 'windows';
}
