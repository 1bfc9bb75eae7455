/**
 * Evaluating a pod (metadata + spec) at a level and version: the per-check results in PSA's order
 * and the aggregate verdict and message of policy/checks.go (`reason (detail), …`).
 */
import { KpcError } from '../../util/errors.ts';
import { decodePod, type Defaulting } from './decode.ts';
import type { PodView } from './pod-model.ts';
import { activeChecks, checkDefinition, effectiveVersion, implementationAt } from './registry.ts';
import { parseLevel, parseVersion, type Level, type PsaVersion } from './version.ts';
import type { CheckId, CheckResult } from './checks/types.ts';

export interface EvaluateOptions {
  /** The apiserver's emulation version: caps `latest` and newer pins below the newest check version. */
  readonly emulationVersion?: string | PsaVersion;
  /** API defaulting to apply before evaluating (default `pod`; see decode.ts). */
  readonly defaulting?: Defaulting;
}

/** A pod-like input: the Pod itself, or a template's metadata and spec. */
export interface PodInput {
  readonly metadata?: unknown;
  readonly spec?: unknown;
}

export interface CheckEvaluation extends CheckResult {
  readonly id: CheckId;
  readonly level: 'baseline' | 'restricted';
  /** The MinimumVersion of the implementation that ran, e.g. `v1.25`. */
  readonly implementation: string;
}

export interface PodEvaluation {
  readonly allowed: boolean;
  readonly level: Level;
  /** The version as requested (`latest`, `v1.99`): PSA's messages show it unclamped. */
  readonly version: string;
  /** The version whose checks ran after clamping. */
  readonly effectiveVersion: string;
  /** Every active check, allowed or not, in PSA's order. */
  readonly results: readonly CheckEvaluation[];
  /** Failed checks' reasons joined by `, ` (AggregateCheckResult.ForbiddenReason). */
  readonly forbiddenReason: string;
  /** PSA's aggregate message: `reason (detail), …` (AggregateCheckResult.ForbiddenDetail); empty when allowed. */
  readonly message: string;
}

export const UNKNOWN_FORBIDDEN_REASON = 'unknown forbidden reason';

/** Evaluate an unstructured pod (never mutated). Invalid level/version or field types throw KpcError. */
export function evaluatePod(level: string, version: string | PsaVersion, pod: PodInput, options: EvaluateOptions = {}): PodEvaluation {
  const view = decodePod(pod.metadata, pod.spec, options.defaulting ?? 'pod');
  return evaluatePodView(level, version, view, options);
}

/** Evaluate an already decoded pod view. */
export function evaluatePodView(level: string, version: string | PsaVersion, view: PodView, options: EvaluateOptions = {}): PodEvaluation {
  const parsedLevel = parseLevel(level);
  const requested = parseVersion(version);
  const emulation = options.emulationVersion === undefined ? undefined : parseVersion(options.emulationVersion, 'emulationVersion');
  const effective = effectiveVersion(requested, emulation);
  const results = activeChecks(parsedLevel, requested, emulation).map(
    (active): CheckEvaluation => ({
      ...active.implementation.checkPod(view),
      id: active.id,
      level: active.level,
      implementation: active.implementation.minimumVersion.text,
    }),
  );
  const aggregate = aggregateResults(results);
  return {
    allowed: aggregate.allowed,
    level: parsedLevel,
    version: requested.text,
    effectiveVersion: parsedLevel === 'privileged' ? requested.text : effective.text,
    results,
    forbiddenReason: aggregate.forbiddenReason,
    message: aggregate.message,
  };
}

/**
 * One check on its own at a version (clamped like evaluatePod), ignoring levels and overrides:
 * what the harness compares a generated control with. Null when the check does not exist yet at
 * that version (e.g. runAsUser before v1.23). An unknown id is a KpcError.
 */
export function evaluateCheck(id: string, version: string | PsaVersion, pod: PodInput | PodView, options: EvaluateOptions = {}): CheckEvaluation | null {
  const check = checkDefinition(id);
  if (!check) throw new KpcError(`unknown PSA check id "${id}"`, { field: 'check' });
  const emulation = options.emulationVersion === undefined ? undefined : parseVersion(options.emulationVersion, 'emulationVersion');
  const effective = effectiveVersion(parseVersion(version), emulation);
  const implementation = implementationAt(check, effective);
  if (!implementation) return null;
  const view = isPodView(pod) ? pod : decodePod(pod.metadata, pod.spec, options.defaulting ?? 'pod');
  return { ...implementation.checkPod(view), id: check.id, level: check.level, implementation: implementation.minimumVersion.text };
}

function isPodView(pod: PodInput | PodView): pod is PodView {
  const meta = pod.metadata as { annotations?: unknown } | undefined;
  return meta !== undefined && meta !== null && meta.annotations instanceof Map;
}

/** policy/checks.go AggregateCheckResults + ForbiddenReason/ForbiddenDetail. */
export function aggregateResults(results: readonly CheckResult[]): { allowed: boolean; forbiddenReason: string; message: string } {
  const reasons: string[] = [];
  const entries: string[] = [];
  for (const result of results) {
    if (result.allowed) continue;
    const reason = result.forbiddenReason.length === 0 ? UNKNOWN_FORBIDDEN_REASON : result.forbiddenReason;
    reasons.push(reason);
    entries.push(result.forbiddenDetail === '' ? reason : `${reason} (${result.forbiddenDetail})`);
  }
  return { allowed: reasons.length === 0, forbiddenReason: reasons.join(', '), message: entries.join(', ') };
}
