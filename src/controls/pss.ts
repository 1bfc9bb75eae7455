import { KpcError } from '../util/errors.ts';

/** The Pod Security Standards check ids, exactly as PSA names them (kubernetes/pod-security-admission). */
export const PSS_CHECK_IDS = [
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
  'procMount_restricted',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'seccompProfile_restricted',
  'sysctls',
  'windowsHostProcess',
] as const;

export type PssCheckId = (typeof PSS_CHECK_IDS)[number];
export type PssLevel = 'baseline' | 'restricted';

/** A PSS version pin as written in PSA labels: `v1.<minor>`. */
export type PssVersion = `v1.${number}`;

/** The newest check version in the PSA snapshot we follow (kubernetes/pod-security-admission 8f84a87). */
export const LATEST_PSS_MINOR = 37;
export const LATEST_PSS_VERSION: PssVersion = `v1.${LATEST_PSS_MINOR}`;

export function isPssCheckId(id: string): id is PssCheckId {
  return (PSS_CHECK_IDS as readonly string[]).includes(id);
}

/**
 * The minor version of a pin: `latest` and pins above the newest check clamp to it, as PSA does.
 * Accepts PSA's syntax only (`^v1\.(0|[1-9][0-9]*)$`).
 */
export function pssMinor(version: string, where: { file?: string; field?: string } = {}): number {
  if (version === 'latest') return LATEST_PSS_MINOR;
  const match = /^v1\.(0|[1-9][0-9]*)$/.exec(version);
  if (!match) throw new KpcError(`invalid PSS version "${version}" (expected latest or v1.0 … v1.${LATEST_PSS_MINOR})`, where);
  return Math.min(Number(match[1]), LATEST_PSS_MINOR);
}

export const versionOfMinor = (minor: number): PssVersion => `v1.${minor}`;
