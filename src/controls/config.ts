import type { PssVersion } from './pss.ts';

export type NamespaceLevel = 'privileged' | 'baseline' | 'restricted';

/** A PSA mode's level, optionally pinned to another version than the build's. */
export interface PsaModeSetting {
  readonly level: NamespaceLevel;
  readonly version?: 'latest' | PssVersion;
}

export interface NamespaceConfig {
  readonly name: string;
  /** The Pod Security Standards level enforced here, by the generated policies and by PSA `enforce`. */
  readonly level: NamespaceLevel;
  /** PSA `warn` / `audit` (default: the same level as `enforce`, at the build's version). */
  readonly warn?: NamespaceLevel | PsaModeSetting;
  readonly audit?: NamespaceLevel | PsaModeSetting;
  /** Hardening controls that apply here: `true` for all of them, or a list of control ids. */
  readonly hardening?: boolean | readonly string[];
  /** A default-deny NetworkPolicy (ingress and egress); `allowDns` lets pods reach the cluster DNS. */
  readonly networkIsolation?: boolean | { readonly allowDns?: boolean };
  /** Extra labels for the Namespace manifest. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Kubernetes label selector (exemptions by workload labels). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

export type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'ReplicationController';

interface ExemptionCommon {
  /** Why the exemption exists: shown in the build plan, warnings and generated objects. */
  readonly reason: string;
  /** Last day (YYYY-MM-DD, UTC) the exemption holds; after it the build fails. */
  readonly expires?: string;
  /** Only these controls (default: every control). */
  readonly controls?: readonly string[];
}

/** Exempt whole namespaces. */
export interface NamespaceExemption extends ExemptionCommon {
  readonly namespaces: readonly string[];
}

/** Exempt one workload object by kind and name, in a namespace. */
export interface WorkloadNameExemption extends ExemptionCommon {
  readonly workload: { readonly kind: WorkloadKind; readonly name: string; readonly namespace: string };
}

/** Exempt Pods and workloads whose labels match a selector (optionally in one namespace). */
export interface WorkloadSelectorExemption extends ExemptionCommon {
  readonly workload: { readonly selector: LabelSelector; readonly namespace?: string };
}

/** Exempt containers by image: an exact reference, or a prefix written with a trailing `*`. */
export interface ImageExemption extends ExemptionCommon {
  readonly images: readonly string[];
}

export type Exemption = NamespaceExemption | WorkloadNameExemption | WorkloadSelectorExemption | ImageExemption;

/** How a failing control is handled: audited, reported as a warning, or rejected. */
export type RolloutMode = 'audit' | 'warn' | 'enforce';

/**
 * Staged rollout. The mode of a control in a namespace is the least strict of the control's mode
 * and the namespace's mode; each defaults to `default` (itself `enforce`).
 */
export interface RolloutConfig {
  readonly default?: RolloutMode;
  readonly controls?: Readonly<Record<string, RolloutMode>>;
  readonly namespaces?: Readonly<Record<string, RolloutMode>>;
}

export interface ControlOverride {
  /** Parameter values, checked against each parameter's schema. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface ProjectConfigSpec {
  /** The PSS version every PSS control compiles to: `latest` (v1.37 in the PSA snapshot) or v1.0 … v1.37. */
  readonly pssVersion: 'latest' | PssVersion;
  readonly namespaces: readonly NamespaceConfig[];
  readonly controls?: Readonly<Record<string, ControlOverride>>;
  /** Exemptions, each compiled into every engine's own mechanism (or reported as lossy). */
  readonly exemptions?: readonly Exemption[];
  readonly rollout?: RolloutConfig;
}

export interface ProjectConfig {
  readonly kind: 'kpc.config';
  readonly spec: ProjectConfigSpec;
}

/** The project config: the default export of `policies/config.ts`. */
export function defineConfig(spec: ProjectConfigSpec): ProjectConfig {
  return Object.freeze({ kind: 'kpc.config', spec });
}
