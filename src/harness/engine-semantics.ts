import type { EngineName } from './types.ts';

/**
 * How the harness reads each engine's answer, as data: what a failure does at admission (the
 * `action` compared with the reference's rollout mode) and what "no match" means. Each follows the
 * upstream behaviour named; a verdict read this way that still differs from the reference is a
 * divergence unless an expected difference explains it.
 */
export interface EngineSemantics {
  /** What decides the effect of a failure: deny, warn or audit. */
  readonly failure: string;
  /** What the engine says when the control does not apply, and how it is counted. */
  readonly noMatch: string;
  readonly upstream: string;
}

export const ENGINE_SEMANTICS: Readonly<Record<Exclude<EngineName, 'reference'>, EngineSemantics>> = {
  kyverno: {
    failure: "the failing rule's failureAction (else the policy's), overridden by the first failureActionOverrides entry matching the namespace: Enforce denies; Audit records, with a warning when spec.emitWarning is set",
    noMatch: 'no rule response (the rule does not match, or a foreach found nothing to check), or only rules a PolicyException skipped: not applied',
    upstream: 'kyverno pkg/engine/api/engineresponse.go, pkg/policycache checkValidationFailureActionOverrides, pkg/utils/engine/response.go',
  },
  'kyverno-vpol': {
    failure: "the policy's spec.validationActions: Deny denies, Warn warns, Audit records (the strongest when several)",
    noMatch: 'no response (matchConstraints, namespaceSelector or autogen target do not match), or a false match condition (skip): not applied',
    upstream: 'kyverno pkg/cel/policies/vpol/engine (matching, match conditions, first false validation) and its admission handler',
  },
  'gatekeeper-rego': {
    failure: "the violated constraint's enforcementAction: deny denies, warn warns, dryrun records",
    noMatch: 'no constraint of the control matched the object: not applied',
    upstream: 'gatekeeper pkg/target/matcher.go, pkg/webhook/policy.go (enforcement actions)',
  },
  'gatekeeper-cel': {
    failure: "the violated constraint's enforcementAction: deny denies, warn warns, dryrun records",
    noMatch: 'no constraint of the control matched the object: not applied',
    upstream: 'gatekeeper pkg/target/matcher.go, frameworks drivers/k8scel',
  },
  vap: {
    failure: "the matching binding's validationActions: Deny denies, Warn warns, Audit records (the strongest when several bindings fail)",
    noMatch: "the policy's matchConstraints or every binding's matchResources do not match the request: the plugin never evaluates it, not applied",
    upstream: 'k8s.io/apiserver pkg/admission/plugin/policy/validating dispatcher.go, generic/plugin.go',
  },
  psa: {
    failure: "the namespace's PSA labels: enforce denies (Pods only), warn warns, audit records; the strongest mode where the check fails",
    noMatch: 'the check is not active at any of the namespace levels, or the namespace (or runtime class) is exempt: not applied',
    upstream: 'kubernetes/pod-security-admission admission/admission.go EvaluatePod, ValidatePodController',
  },
};
