/**
 * Gatekeeper evaluator: public API. Everything else under src/engines/gatekeeper/ is internal.
 *
 *   const gk = new Gatekeeper('rego');                 // or 'cel' (K8sNativeValidation)
 *   gk.addTemplate(templateObject);                    // ConstraintTemplate v1/v1beta1/v1alpha1
 *   gk.addConstraint(constraintObject);                // validated against the template's CRD
 *   gk.usePodControllerExpansion();                    // Deployment/…/CronJob → Pod, as Gatekeeper's docs ship it
 *   const { violations } = gk.review(pod, { namespace: nsObject, operation: 'CREATE' });
 *   // violations: [{ msg, details, constraint: { name, kind, … }, enforcementAction, engine }]
 *
 * Semantics follow Gatekeeper/gator exactly (see the module comments): match (kinds, scope,
 * namespaces/excludedNamespaces globs, label and namespace selectors, name, source), the review
 * gator builds (operation "" and oldObject null for a bare object unless an operation is given),
 * Rego through the constraint framework's hook (input.review, input.parameters, data.inventory),
 * CEL with Gatekeeper's `anyObject`/`params` variables, expansion children prefixed
 * "[Implied by <template>] ". Errors are GatekeeperError (a KpcError) with an upstream-like text.
 */
export { Gatekeeper, POD_CONTROLLER_EXPANSION_TEMPLATES, type GatekeeperEngine, type ReviewOptions, type ReviewResult } from './evaluator.ts';
export { GatekeeperError, type GatekeeperErrorCode } from './errors.ts';
export type { Violation } from './client.ts';
export type { Constraint } from './constraint.ts';
export type { ConstraintTemplate } from './template.ts';
export type { JsonObject, JsonValue } from './values.ts';
export { verifySuites, type VerifyReport, type GatorEngine } from './verify.ts';
export { gatekeeperEvalRows } from './eval.ts';
