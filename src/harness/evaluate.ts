import type { ResolvedControl } from '../build/model.ts';
import type { JsonObject } from '../engines/jmespath/index.ts';
// The public evaluate() of the Kyverno engine drops RuleResponse.exceptions, which tells a skip by a
// PolicyException (the control was not applied) from a skip by preconditions (the check holds).
import { validatePolicy } from '../engines/kyverno/engine.ts';
import { checkPatterns } from '../engines/kyverno/go/wildcard.ts';
import { selectorMatches as kyvernoSelectorMatches } from '../engines/kyverno/selector.ts';
import type { KyvernoPolicy } from '../engines/kyverno/index.ts';
import { admit, evaluatePod, extractPodSpec, policyToEvaluate, type CheckEvaluation } from '../engines/psa/index.ts';
import { evaluatePred } from '../ir/evaluate.ts';
import { describeError } from '../util/errors.ts';
import { isLoadFailure, type CompiledBuild, type GatekeeperArtifact, type GatekeeperBatch, type KyvernoArtifact, type LoadFailure } from './artifacts.ts';
import type { Violation } from '../engines/gatekeeper/index.ts';
import { exemptionFor, rolloutAction, scopeSelects } from './policy-reference.ts';
import type { Action, EngineName, EngineVerdict, HarnessNamespace, ReplayCase } from './types.ts';

/**
 * Each engine's verdict on one control for one admitted object. Every engine gets the object as
 * admission sees it (normalized) and the namespace it is admitted into, and decides by itself
 * whether the control applies (match, namespaceSelector, exclusions, exceptions, PSA labels and
 * exemptions) and what a failure does (failure actions, enforcement actions, PSA modes).
 */

export type ControlVerdicts = Partial<Record<EngineName, EngineVerdict>>;

const ACTION_STRENGTH: Record<Action, number> = { deny: 3, warn: 2, audit: 1 };
const strongest = (actions: readonly Action[]): Action | undefined => [...actions].sort((a, b) => ACTION_STRENGTH[b] - ACTION_STRENGTH[a])[0];

/** The reference: scope, exemptions and rollout from the model, the check from the IR evaluator. */
export function referenceVerdict(control: ResolvedControl, replay: ReplayCase): EngineVerdict {
  if (!scopeSelects(control, replay.namespace.labels)) return { outcome: 'not-applied', message: '' };
  const checked = checkVerdict(control, replay, rolloutAction(control, replay.namespace.name));
  const exemption = exemptionFor(control, replay.object, replay.namespace);
  if (!exemption) return checked;
  return { outcome: 'not-applied', message: `exempt: exemptions[${exemption.index}] (${exemption.reason})`, exemption: exemption.index, unexempted: checked };
}

function checkVerdict(control: ResolvedControl, replay: ReplayCase, action: Action): EngineVerdict {
  const failed: string[] = [];
  const messages: string[] = [];
  try {
    for (const rule of control.rules) {
      if (!evaluatePred(rule.check, replay.pod)) {
        failed.push(rule.name);
        messages.push(rule.message);
      }
    }
  } catch (error) {
    return { outcome: 'error', message: `reference evaluator: ${describeError(error)}` };
  }
  return failed.length === 0 ? { outcome: 'pass', message: '', failedRules: [] } : { outcome: 'fail', action, message: messages.join('; '), failedRules: failed };
}

const AUTOGEN_PREFIXES = ['autogen-cronjob-', 'autogen-'];

/** Kyverno admission: the ClusterPolicy (and its autogen rules) with the generated PolicyExceptions, on a CREATE in the namespace. */
export function kyvernoVerdict(artifact: KyvernoArtifact | LoadFailure, control: ResolvedControl, replay: ReplayCase): EngineVerdict {
  if (isLoadFailure(artifact)) return { outcome: 'error', message: artifact.error };
  let rules;
  try {
    const response = validatePolicy(
      artifact.policy,
      { object: replay.object as JsonObject, operation: 'CREATE', namespaceLabels: replay.namespace.labels },
      { exceptions: artifact.exceptions },
    );
    if (response.unsupported) return { outcome: 'error', message: response.unsupported };
    rules = response.rules;
  } catch (error) {
    return { outcome: 'error', message: `kyverno: ${describeError(error)}` };
  }
  const ruleResponses = rules.map((r) => ({ name: r.name, status: r.exceptions?.length ? 'skip (exception)' : r.status }));
  const errors = rules.filter((r) => r.status === 'error' || r.status === 'warn');
  if (errors.length > 0) return { outcome: 'error', message: errors.map((r) => `${r.name}: ${r.message}`).join('; '), ruleResponses };
  const failures = rules.filter((r) => r.status === 'fail');
  if (failures.length > 0) {
    const ruleNames = new Set(control.rules.map((r) => r.name));
    const failedRules = failures.map((r) => {
      const prefix = AUTOGEN_PREFIXES.find((p) => r.name.startsWith(p) && ruleNames.has(r.name.slice(p.length)));
      return prefix ? r.name.slice(prefix.length) : r.name;
    });
    const action = strongest(failures.map((r) => kyvernoAction(artifact.policy, r.name, replay.namespace)))!;
    return { outcome: 'fail', action, message: failures.map((r) => r.message).join('; '), failedRules: unique(failedRules), ruleResponses };
  }
  // Only rules a PolicyException skipped, or no response at all: the control was not applied.
  const applied = rules.filter((r) => !r.exceptions?.length);
  if (applied.length === 0) {
    const excepted = rules.flatMap((r) => r.exceptions ?? []);
    return { outcome: 'not-applied', message: excepted.length > 0 ? `skipped by PolicyException ${unique(excepted).join(', ')}` : '', ruleResponses };
  }
  return { outcome: 'pass', message: '', failedRules: [], ruleResponses };
}

/**
 * What a failing rule does in a namespace (kyverno pkg/policycache checkValidationFailureActionOverrides):
 * the rule's failureAction (else the policy's, default Audit), unless the first override matching
 * the namespace (global, by name wildcard, or by namespaceSelector) says otherwise. Enforce blocks;
 * Audit only reports, with a warning when spec.emitWarning is set.
 */
export function kyvernoAction(policy: KyvernoPolicy, ruleName: string, namespace: HarnessNamespace): Action {
  const base = AUTOGEN_PREFIXES.reduce((name, prefix) => (name.startsWith(prefix) ? name.slice(prefix.length) : name), ruleName);
  const rule = policy.rules.find((r) => r['name'] === ruleName) ?? policy.rules.find((r) => r['name'] === base);
  const validate = isObject(rule?.['validate']) ? (rule['validate'] as Record<string, unknown>) : {};
  let action = typeof validate['failureAction'] === 'string' ? validate['failureAction'] : policy.validationFailureAction || 'Audit';
  const ruleOverrides = Array.isArray(validate['failureActionOverrides']) ? validate['failureActionOverrides'] : [];
  const overrides = ruleOverrides.length > 0 ? ruleOverrides : Array.isArray(policy.spec['validationFailureActionOverrides']) ? policy.spec['validationFailureActionOverrides'] : [];
  for (const override of overrides) {
    if (!isObject(override)) continue;
    const namespaces = Array.isArray(override['namespaces']) ? override['namespaces'].filter((n): n is string => typeof n === 'string') : [];
    const selector = override['namespaceSelector'];
    const matches =
      (namespaces.length === 0 && (selector === undefined || selector === null)) ||
      checkPatterns(namespaces, namespace.name) ||
      (isObject(selector) && safeSelectorMatches(selector, namespace.labels));
    if (matches) {
      action = String(override['action']);
      break;
    }
  }
  if (action === 'Enforce' || action === 'enforce') return 'deny';
  return policy.spec['emitWarning'] === true ? 'warn' : 'audit';
}

function safeSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  try {
    return kyvernoSelectorMatches(selector, { ...labels });
  } catch {
    return false; // an invalid selector is skipped (LabelSelectorAsSelector error → continue)
  }
}

/** Gatekeeper admission: every constraint of the control (and its template) reviewed for a CREATE in the namespace. */
export function gatekeeperVerdict(artifact: GatekeeperArtifact | LoadFailure, control: ResolvedControl, replay: ReplayCase): EngineVerdict {
  if (isLoadFailure(artifact)) return { outcome: 'error', message: artifact.error };
  let result;
  try {
    result = artifact.gatekeeper.review(replay.object, { namespace: replay.namespace.object, operation: 'CREATE' });
  } catch (error) {
    return { outcome: 'error', message: `gatekeeper: ${describeError(error)}` };
  }
  return reviewVerdict(control, result.matched.length > 0, result.violations);
}

/** One review against every control's constraints (a GatekeeperBatch): each control's verdict. */
export function gatekeeperBatchVerdicts(batch: GatekeeperBatch, controls: readonly ResolvedControl[], replay: ReplayCase): Map<string, EngineVerdict> {
  const verdicts = new Map<string, EngineVerdict>();
  let result;
  try {
    result = batch.gatekeeper.review(replay.object, { namespace: replay.namespace.object, operation: 'CREATE' });
  } catch (error) {
    for (const control of controls) verdicts.set(control.id, { outcome: 'error', message: `gatekeeper: ${describeError(error)}` });
    return verdicts;
  }
  const controlOf = (kind: string) => batch.controlOfKind.get(kind);
  const matched = new Set(result.matched.map((m) => controlOf(m.slice(0, m.indexOf('/')))));
  for (const control of controls) {
    const failure = batch.failures.get(control.id);
    if (failure) {
      verdicts.set(control.id, { outcome: 'error', message: failure });
      continue;
    }
    const violations = result.violations.filter((v) => controlOf(v.constraint.kind) === control.id);
    verdicts.set(control.id, reviewVerdict(control, matched.has(control.id), violations));
  }
  return verdicts;
}

function reviewVerdict(control: ResolvedControl, matched: boolean, violations: readonly Violation[]): EngineVerdict {
  if (violations.length === 0) return matched ? { outcome: 'pass', message: '', failedRules: [] } : { outcome: 'not-applied', message: '' };
  const autoreject = violations.find((v) => v.engine === 'autoreject');
  if (autoreject) return { outcome: 'error', message: autoreject.msg };
  // Generated templates report each rule with the rule's message: that names the failed rule.
  const byMessage = new Map(control.rules.map((r) => [r.message, r.name]));
  const failedRules = violations.map((v) => byMessage.get(v.msg) ?? `(unknown message) ${v.msg}`);
  const action = strongest(violations.map((v) => gatekeeperAction(v.enforcementAction)))!;
  return { outcome: 'fail', action, message: unique(violations.map((v) => v.msg)).join('; '), failedRules: unique(failedRules) };
}

function gatekeeperAction(enforcementAction: string): Action {
  return enforcementAction === 'deny' ? 'deny' : enforcementAction === 'warn' ? 'warn' : 'audit';
}

interface PsaCheckResult {
  readonly allowed: boolean;
  readonly action?: Action;
  readonly message: string;
  /** Active at the enforce level (Pods only). */
  readonly enforced: boolean;
}

/** PSA's view of one admitted object, shared by every control of the case. */
export interface PsaCaseResult {
  /** Per check active in some mode: the failure with its strongest effect, or a pass. */
  readonly checks: ReadonlyMap<string, PsaCheckResult>;
  /** Exempt (namespace, runtime class): no check applies. */
  readonly exempt?: string;
  readonly error?: string;
  /** Allowed at the enforce level (Pods) — the admission decision — and the enforce-level failures. */
  readonly enforceAllowed: boolean;
}

/**
 * PSA on the admitted object, as the admission plugin runs it: the generated admission
 * configuration's exemptions, then the namespace's policy from its labels — enforce for Pods only
 * (never for workloads), warn and audit for both. A check's verdict is its failure in the strictest
 * mode where it fails (enforce → deny, warn, audit).
 */
export function psaCase(build: CompiledBuild, replay: ReplayCase): PsaCaseResult {
  const none = new Map();
  if (isLoadFailure(build.psaConfiguration)) return { checks: none, error: build.psaConfiguration.error, enforceAllowed: false };
  const configuration = build.psaConfiguration;
  try {
    const response = admit({ operation: 'CREATE', object: replay.object }, { configuration, namespace: { labels: replay.namespace.labels } });
    const exempt = response.auditAnnotations['pod-security.kubernetes.io/exempt']; // admission.go: the exempt audit annotation
    if (exempt) return { checks: none, exempt, enforceAllowed: true };
    const { policy } = policyToEvaluate(replay.namespace.labels, configuration.defaults);
    const isPod = replay.object['kind'] === 'Pod';
    const extracted = extractPodSpec(replay.object);
    if (!extracted) return { checks: none, enforceAllowed: true };
    const pod = { metadata: extracted.metadata, spec: extracted.spec };
    const modes: [Action, typeof policy.enforce][] = [...(isPod ? [['deny', policy.enforce] as [Action, typeof policy.enforce]] : []), ['warn', policy.warn], ['audit', policy.audit]];
    const checks = new Map<string, PsaCheckResult>();
    let enforceAllowed = true;
    const evaluations = new Map<string, ReturnType<typeof evaluatePod>>();
    for (const [action, mode] of modes) {
      const key = `${mode.level}:${mode.version.text}`;
      let evaluation = evaluations.get(key);
      if (!evaluation) evaluations.set(key, (evaluation = evaluatePod(mode.level, mode.version, pod, { defaulting: extracted.defaulting })));
      if (action === 'deny') enforceAllowed = evaluation.allowed;
      for (const result of evaluation.results) record(checks, result, action);
    }
    return { checks, enforceAllowed: isPod ? enforceAllowed && response.allowed : true };
  } catch (error) {
    return { checks: none, error: `psa: ${describeError(error)}`, enforceAllowed: false };
  }
}

function record(checks: Map<string, PsaCheckResult>, result: CheckEvaluation, action: Action): void {
  const previous = checks.get(result.id);
  const enforced = previous?.enforced === true || action === 'deny';
  if (previous && !previous.allowed) return; // a stricter mode already failed it
  if (result.allowed) {
    checks.set(result.id, { allowed: true, message: '', enforced });
    return;
  }
  const message = result.forbiddenDetail === '' ? result.forbiddenReason : `${result.forbiddenReason} (${result.forbiddenDetail})`;
  checks.set(result.id, { allowed: false, action, message, enforced });
}

export function psaVerdict(psa: PsaCaseResult, control: ResolvedControl): EngineVerdict | undefined {
  if (!control.pssCheck) return undefined;
  if (psa.error) return { outcome: 'error', message: psa.error };
  if (psa.exempt) return { outcome: 'not-applied', message: `exempt (${psa.exempt})` };
  const check = psa.checks.get(control.pssCheck);
  if (!check) return { outcome: 'not-applied', message: '' };
  if (check.allowed) return { outcome: 'pass', message: '', enforced: check.enforced };
  return { outcome: 'fail', action: check.action!, message: check.message, enforced: check.enforced };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
