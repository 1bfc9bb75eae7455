import type { NamespaceLevel } from '../controls/config.ts';
import type { ControlMetadata } from '../controls/define.ts';
import type { PssCheckId, PssLevel, PssVersion } from '../controls/pss.ts';
import type { Pred, Scalar } from '../ir/nodes.ts';
import type { ResolvedExemption } from './exemptions.ts';
import type { ControlRollout } from './rollout.ts';
import type { RolloutMode } from '../controls/config.ts';

/** What the backends compile: controls resolved at the pinned version, and the managed namespaces. */

export type ControlLevel = PssLevel | 'hardening';

export interface ResolvedRule {
  readonly name: string;
  readonly message: string;
  readonly check: Pred;
}

export interface ResolvedParam {
  readonly name: string;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly value: Scalar | readonly Scalar[];
}

/** The namespace label that carries a managed namespace's level, read by every emitted policy's scope. */
export const LEVEL_LABEL = 'kube-policy-compiler/level';
/** Per-control opt-in label of hardening controls: `hardening.kube-policy-compiler/<id>: "true"`. */
export const HARDENING_LABEL_PREFIX = 'hardening.kube-policy-compiler/';
/** Labels on every generated object. */
export const CONTROL_LABEL = 'kube-policy-compiler/control';
export const PSS_CHECK_LABEL = 'kube-policy-compiler/pss-check';

/** A Kubernetes label selector requirement, the scope of every emitted policy. */
export interface ScopeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'Exists';
  readonly values?: readonly string[];
}

export interface ResolvedControl extends ControlMetadata {
  readonly level: ControlLevel;
  readonly pssCheck: PssCheckId | null;
  /** The file in policies/ that defines it (relative to the project root). */
  readonly source: string;
  /** For PSS controls: the version its compiled variant starts at. */
  readonly variantSince: PssVersion | null;
  readonly rules: readonly ResolvedRule[];
  readonly params: readonly ResolvedParam[];
  /** PSS levels whose active check set includes it at the pinned version (empty for hardening). */
  readonly activeLevels: readonly PssLevel[];
  /** Namespaces it applies to: those whose labels satisfy this requirement. */
  readonly scope: ScopeRequirement;
  /** Namespace and workload exemptions covering it (image exemptions are compiled into its rules). */
  readonly exemptions: readonly ResolvedExemption[];
  readonly rollout: ControlRollout;
}

export interface PsaModePin {
  readonly level: NamespaceLevel;
  readonly version: string;
}

export interface ResolvedNamespace {
  readonly name: string;
  readonly level: NamespaceLevel;
  readonly enforce: PsaModePin;
  readonly warn: PsaModePin;
  readonly audit: PsaModePin;
  readonly hardening: readonly string[];
  /** Staged-rollout mode of the namespace (its PSA enforce label follows it). */
  readonly mode: RolloutMode;
  readonly networkIsolation: { readonly allowDns: boolean } | null;
  /** Every label of the Namespace manifest (PSA, kpc scope labels, extra labels), sorted by key. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface BuildModel {
  /** The pin as configured (`latest` or vX.Y) and the version it resolves to. */
  readonly pssVersionPin: string;
  readonly pssVersion: PssVersion;
  readonly controls: readonly ResolvedControl[];
  readonly namespaces: readonly ResolvedNamespace[];
  readonly exemptions: readonly ResolvedExemption[];
  /** What a target cannot express, and what it does instead (printed by kpc build, in index.json). */
  readonly lossy: readonly LossyNote[];
}

export interface LossyNote {
  readonly target: 'kyverno' | 'gatekeeper' | 'psa' | 'vap' | 'kyverno-vpol';
  /** The exemption or rollout setting concerned, e.g. `exemptions[2]` or `rollout.controls.runAsNonRoot`. */
  readonly subject: string;
  readonly message: string;
}
