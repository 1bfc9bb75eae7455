/**
 * The vocabulary of the equivalence harness: engines, what each says about one control on one
 * object in one namespace, and the cases the harness replays.
 */

/**
 * The reference (IR evaluator) and the engines that read the generated artifacts: the Kyverno
 * ClusterPolicy, the Kyverno CEL ValidatingPolicy, the Gatekeeper template with each engine, the
 * native ValidatingAdmissionPolicy and its bindings, and PSA.
 */
export const ENGINES = ['reference', 'kyverno', 'kyverno-vpol', 'gatekeeper-rego', 'gatekeeper-cel', 'vap', 'psa'] as const;
export type EngineName = (typeof ENGINES)[number];

/**
 * What an engine says about one control:
 * - pass: the control applied and the object satisfies it (Kyverno: pass or skip responses);
 * - fail: the control applied and the object violates it;
 * - not-applied: the control did not apply (no match, no rule response, PSA check not active);
 * - error: the engine could not give a verdict (load error, evaluation error, unsupported feature).
 */
export type Outcome = 'pass' | 'fail' | 'not-applied' | 'error';

/** What a failing verdict does at admission: block, or only warn / record. */
export type Action = 'deny' | 'warn' | 'audit';

export interface EngineVerdict {
  readonly outcome: Outcome;
  /** For a fail: the effect at admission. */
  readonly action?: Action;
  /** The engine's own message(s), joined; empty on a pass. */
  readonly message: string;
  /** Per rule (by control rule name) when the engine reports rules: whether that rule failed. */
  readonly failedRules?: readonly string[];
  /**
   * The engine stops at the first failing rule, so `failedRules` names that one only (a Kyverno
   * ValidatingPolicy returns at its first false validation); it must be the reference's first.
   */
  readonly firstFailureOnly?: boolean;
  /** Rule names (as the engine names them, e.g. autogen-<rule>) that produced a response, and how. */
  readonly ruleResponses?: readonly { readonly name: string; readonly status: string }[];
  /** PSA only: whether the check is active at the namespace's enforce level (else only warn/audit apply it). */
  readonly enforced?: boolean;
  /** Reference only: the exemption (index in the config) that took the object out of the control… */
  readonly exemption?: number;
  /** …and the verdict had it not (what a target that cannot express that exemption says). */
  readonly unexempted?: EngineVerdict;
}

/** The pod controllers every fixture pod is replayed as (the Pod itself first). */
export const VARIANT_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

/** A namespace the harness admits objects into: the labels decide which controls apply. */
export interface HarnessNamespace {
  /** e.g. `kpc-baseline`, `kpc-restricted-hardened`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The v1 Namespace object engines are given. */
  readonly object: Readonly<Record<string, unknown>>;
}

/** Where a replayed object came from. */
export interface CaseOrigin {
  /** Fixture id: `controls/<control>/<file>` or `psa/<level>/<version>/<pass|fail>/<file>` or `fuzz#<n>`. */
  readonly fixture: string;
  readonly file: string;
  readonly line: number;
}

/** One object admitted into one namespace: every control is judged on it by every engine. */
export interface ReplayCase {
  readonly origin: CaseOrigin;
  readonly variant: VariantKind;
  readonly namespace: HarnessNamespace;
  /** The object as admission sees it (normalizeForAdmission applied). */
  readonly object: Record<string, unknown>;
  /** The pod the checks read: the Pod, or the workload's pod template ({metadata, spec}). */
  readonly pod: Record<string, unknown>;
}
