/**
 * The typed view of a Pod that the checks read: exactly the fields PSA's checks look at, decoded
 * and defaulted as the apiserver would (see decode.ts). Unset and null are both `null`.
 */

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface CapabilitiesView {
  readonly add: readonly string[];
  readonly drop: readonly string[];
}

export interface SeLinuxOptionsView {
  readonly type: string;
  readonly user: string;
  readonly role: string;
}

/** A profile object (seccompProfile, appArmorProfile): present with a possibly empty type. */
export interface ProfileView {
  readonly type: string;
}

export interface WindowsOptionsView {
  readonly hostProcess: boolean | null;
}

export interface SecurityContextView {
  readonly privileged: boolean | null;
  readonly allowPrivilegeEscalation: boolean | null;
  readonly capabilities: CapabilitiesView | null;
  readonly procMount: string | null;
  readonly runAsNonRoot: boolean | null;
  readonly runAsUser: number | null;
  readonly seccompProfile: ProfileView | null;
  readonly seLinuxOptions: SeLinuxOptionsView | null;
  readonly appArmorProfile: ProfileView | null;
  readonly windowsOptions: WindowsOptionsView | null;
}

export interface PodSecurityContextView {
  readonly runAsNonRoot: boolean | null;
  readonly runAsUser: number | null;
  readonly seccompProfile: ProfileView | null;
  readonly seLinuxOptions: SeLinuxOptionsView | null;
  readonly appArmorProfile: ProfileView | null;
  readonly windowsOptions: WindowsOptionsView | null;
  readonly sysctls: readonly { readonly name: string }[];
}

/** A probe or lifecycle handler: only the host-bearing actions matter to PSA. */
export interface HandlerView {
  readonly httpGet: { readonly host: string } | null;
  readonly tcpSocket: { readonly host: string } | null;
}

export interface PortView {
  readonly containerPort: number;
  readonly hostPort: number;
}

export interface ContainerView {
  readonly kind: ContainerKind;
  /** Index within its list (spec.<kind>[index]). */
  readonly index: number;
  readonly name: string;
  readonly image: string;
  readonly securityContext: SecurityContextView | null;
  readonly ports: readonly PortView[];
  readonly livenessProbe: HandlerView | null;
  readonly readinessProbe: HandlerView | null;
  readonly startupProbe: HandlerView | null;
  readonly lifecycle: { readonly postStart: HandlerView | null; readonly preStop: HandlerView | null } | null;
}

export interface VolumeView {
  readonly name: string;
  /** The VolumeSource fields that are set (non-null), e.g. {"hostPath"}. */
  readonly sources: ReadonlySet<string>;
  /** spec.volumes[i].hostPath.path when hostPath is set, else "". */
  readonly hostPathPath: string;
  /** True when the volume had no source and API defaulting made it an emptyDir. */
  readonly defaultedToEmptyDir: boolean;
}

export interface PodSpecView {
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostIPC: boolean;
  readonly hostUsers: boolean | null;
  /** spec.os.name when spec.os is set (possibly ""), else null. */
  readonly osName: string | null;
  readonly runtimeClassName: string | null;
  readonly securityContext: PodSecurityContextView | null;
  readonly initContainers: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
  readonly ephemeralContainers: readonly ContainerView[];
  readonly volumes: readonly VolumeView[];
}

export interface PodMetaView {
  readonly name: string;
  readonly namespace: string;
  readonly annotations: ReadonlyMap<string, string>;
}

export interface PodView {
  readonly metadata: PodMetaView;
  readonly spec: PodSpecView;
}

/** policy/visitor.go: initContainers, then containers, then ephemeralContainers. */
export function visitContainers(spec: PodSpecView): ContainerView[] {
  return [...spec.initContainers, ...spec.containers, ...spec.ephemeralContainers];
}

/** `spec.containers[0]`-style path of a container. */
export function containerPath(container: ContainerView): string {
  return `spec.${container.kind}[${container.index}]`;
}
