import type { ResolvedControl } from '../build/model.ts';
import type { JsonObject } from '../engines/jmespath/index.ts';
import { validateWithVpol } from '../engines/kyverno/vpol/engine.ts';
import { attributesForObject, Cluster, dispatch, namespaceAsStored, type AdmissionAttributes, type PolicyReview, type ValidationAction } from '../engines/vap/index.ts';
import { describeError } from '../util/errors.ts';
import { isLoadFailure, type LoadFailure, type ValidatingPolicyArtifact, type VapArtifact } from './artifacts.ts';
import type { Action, EngineVerdict, HarnessNamespace, ReplayCase } from './types.ts';

/**
 * The verdicts of the two CEL admission targets on one admitted object: the Kyverno
 * ValidatingPolicies of a control (Kyverno's CEL engine, autogen included) and its native
 * ValidatingAdmissionPolicy with its bindings (the apiserver's plugin). Each decides by itself
 * whether the control applies (match constraints, namespace and object selectors, match
 * conditions) and what a failure does (validationActions).
 */

const ACTION_STRENGTH: Record<Action, number> = { deny: 3, warn: 2, audit: 1 };
const strongest = (actions: readonly Action[]): Action | undefined => [...actions].sort((a, b) => ACTION_STRENGTH[b] - ACTION_STRENGTH[a])[0];

/** validationActions → effect: Deny blocks, Warn answers with a warning, Audit only records (both CRDs share these). */
function actionOf(validationActions: readonly string[]): Action | undefined {
  return strongest(validationActions.flatMap((a): Action[] => (a === 'Deny' ? ['deny'] : a === 'Warn' ? ['warn'] : a === 'Audit' ? ['audit'] : [])));
}

/** The rule a validation stands for: both targets emit one validation per rule, in rule order, with the rule's message. */
function ruleOfMessage(control: ResolvedControl, message: string): string {
  return control.rules.find((r) => r.message === message)?.name ?? `(unknown message) ${message}`;
}

// The namespace as the apiserver stores it (kubernetes.io/metadata.name label), shared by every case admitted there.
const storedNamespaces = new WeakMap<HarnessNamespace, JsonObject>();
function storedNamespace(namespace: HarnessNamespace): JsonObject {
  let stored = storedNamespaces.get(namespace);
  if (!stored) storedNamespaces.set(namespace, (stored = namespaceAsStored({ ...namespace.object })));
  return stored;
}

/**
 * Kyverno's CEL engine on a CREATE in the namespace: every ValidatingPolicy of the control (one
 * per rollout mode; their namespace selectors are disjoint) and its autogen copies. No rule
 * response means the control was not applied (no match); a `skip` comes only from a false match
 * condition, which is how label-selector exemptions are compiled: not applied either.
 */
export function vpolVerdict(artifact: ValidatingPolicyArtifact | LoadFailure, control: ResolvedControl, replay: ReplayCase): EngineVerdict {
  if (isLoadFailure(artifact)) return { outcome: 'error', message: artifact.error };
  const failures: { message: string; action: Action | undefined }[] = [];
  const errors: string[] = [];
  let passed = false;
  let skipped = false;
  try {
    for (const policy of artifact.policies) {
      const responses = validateWithVpol(policy, { object: replay.object as JsonObject, oldObject: null, operation: 'CREATE', namespace: storedNamespace(replay.namespace), userInfo: null });
      const validationActions = Array.isArray(policy.spec['validationActions']) ? policy.spec['validationActions'].map(String) : ['Deny'];
      for (const response of responses) {
        if (response.unsupported) errors.push(`${policy.name}: ${response.unsupported}`);
        for (const rule of response.rules) {
          if (rule.status === 'fail') failures.push({ message: rule.message, action: actionOf(validationActions) });
          else if (rule.status === 'error' || rule.status === 'warn') errors.push(`${policy.name}: ${rule.message}`);
          else if (rule.status === 'skip') skipped = true;
          else passed = true;
        }
      }
    }
  } catch (error) {
    return { outcome: 'error', message: `kyverno ValidatingPolicy: ${describeError(error)}` };
  }
  if (errors.length > 0) return { outcome: 'error', message: errors.join('; ') };
  if (failures.length > 0) {
    const action = strongest(failures.flatMap((f) => (f.action ? [f.action] : [])));
    return {
      outcome: 'fail',
      ...(action ? { action } : {}),
      message: failures.map((f) => f.message).join('; '),
      failedRules: [...new Set(failures.map((f) => ruleOfMessage(control, f.message)))],
      // kyverno pkg/cel/policies/vpol/engine: evaluation returns at the first false validation
      firstFailureOnly: true,
    };
  }
  if (passed) return { outcome: 'pass', message: '', failedRules: [] };
  return { outcome: 'not-applied', message: skipped ? 'skipped: a match condition excluded the object' : '' };
}

// The request for an admitted object, shared by every control's policy (the plugin sees one request).
const requests = new WeakMap<Record<string, unknown>, AdmissionAttributes>();
function createAttributes(object: Record<string, unknown>): AdmissionAttributes {
  let attributes = requests.get(object);
  if (!attributes) requests.set(object, (attributes = attributesForObject({ object: object as JsonObject, operation: 'CREATE' })));
  return attributes;
}

// One Cluster per namespace the harness admits into: the plugin reads the namespace from it.
const clusters = new WeakMap<HarnessNamespace, Cluster>();
function clusterOf(namespace: HarnessNamespace): Cluster {
  let cluster = clusters.get(namespace);
  if (!cluster) clusters.set(namespace, (cluster = new Cluster({ namespaces: [namespace.object as JsonObject] })));
  return cluster;
}

/**
 * The apiserver's ValidatingAdmissionPolicy plugin on a CREATE in the namespace, with the
 * control's policy and bindings. A policy whose constraints or bindings do not match never
 * evaluates: the control was not applied.
 */
export function vapVerdict(artifact: VapArtifact | LoadFailure, control: ResolvedControl, replay: ReplayCase): EngineVerdict {
  if (isLoadFailure(artifact)) return { outcome: 'error', message: artifact.error };
  let review: PolicyReview | undefined;
  try {
    const attributes = createAttributes(replay.object);
    const admission = dispatch(artifact.policies, artifact.bindings, attributes, { cluster: clusterOf(replay.namespace) });
    if (admission.unsupported.length > 0) return { outcome: 'error', message: admission.unsupported.join('; ') };
    review = admission.policies.find((p) => artifact.policies.some((policy) => policy.name === p.policy));
    if (!review && admission.status) return { outcome: 'error', message: admission.status.message };
  } catch (error) {
    return { outcome: 'error', message: `vap: ${describeError(error)}` };
  }
  return review ? policyReviewVerdict(control, review) : { outcome: 'not-applied', message: '' };
}

function policyReviewVerdict(control: ResolvedControl, review: PolicyReview): EngineVerdict {
  if (!review.matched) return { outcome: 'not-applied', message: '' };
  if (review.configError !== null) return { outcome: 'error', message: review.configError };
  const errors: string[] = [];
  const failures: { index: number; message: string; actions: readonly ValidationAction[] }[] = [];
  let evaluated = false;
  for (const binding of review.bindings) {
    if (binding.outcome === 'not-matched' || binding.outcome === 'no-params') continue;
    if (binding.outcome !== 'evaluated') {
      errors.push(`${binding.binding}: ${binding.message}`);
      continue;
    }
    for (const evaluation of binding.evaluations) {
      if (!evaluation.matched) continue;
      evaluated = true;
      for (const decision of evaluation.decisions) {
        if (decision.evaluation === 'error' || decision.validationIndex === null) errors.push(`${binding.binding}: ${decision.message}`);
        else if (decision.action === 'deny') failures.push({ index: decision.validationIndex, message: decision.message, actions: binding.validationActions });
      }
      for (const annotation of evaluation.auditAnnotations) if (annotation.error !== undefined) errors.push(`${binding.binding}: ${annotation.error}`);
    }
  }
  if (errors.length > 0) return { outcome: 'error', message: errors.join('; ') };
  if (failures.length > 0) {
    const action = strongest(failures.flatMap((f) => {
      const a = actionOf(f.actions);
      return a ? [a] : [];
    }));
    return {
      outcome: 'fail',
      ...(action ? { action } : {}),
      message: [...new Set(failures.map((f) => f.message))].join('; '),
      failedRules: [...new Set(failures.map((f) => control.rules[f.index]?.name ?? ruleOfMessage(control, f.message)))],
    };
  }
  return evaluated ? { outcome: 'pass', message: '', failedRules: [] } : { outcome: 'not-applied', message: '' };
}
