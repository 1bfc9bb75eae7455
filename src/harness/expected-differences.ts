import type { LossyNote } from '../build/model.ts';
import { LABELS } from '../engines/psa/index.ts';
import type { CompiledBuild, ControlArtifacts } from './artifacts.ts';
import { isLoadFailure } from './artifacts.ts';
import type { EngineName, EngineVerdict, ReplayCase } from './types.ts';

/**
 * Where an engine is *expected* to differ from the reference, each following a documented upstream
 * behaviour, or a translation the compiler itself declares lossy (`kpc build` prints these notes
 * and writes them to generated/index.json). A difference these entries explain is not a
 * divergence; every other one is.
 */

export interface DifferenceContext {
  readonly engine: EngineName;
  readonly replay: ReplayCase;
  readonly artifacts: ControlArtifacts;
  readonly build: CompiledBuild;
  readonly reference: EngineVerdict;
  readonly actual: EngineVerdict;
}

export interface ExpectedDifference {
  readonly id: string;
  readonly engines: readonly EngineName[];
  /** What the engine does instead of what the reference says. */
  readonly behaviour: string;
  /** The upstream code or documentation this follows. */
  readonly upstream: string;
  readonly explains: (context: DifferenceContext) => boolean;
}

const LOSSY_TARGET: Partial<Record<EngineName, LossyNote['target']>> = {
  kyverno: 'kyverno',
  'kyverno-vpol': 'kyverno-vpol',
  'gatekeeper-rego': 'gatekeeper',
  'gatekeeper-cel': 'gatekeeper',
  vap: 'vap',
  psa: 'psa',
};

/** The target whose lossy notes (model.lossy) speak for an engine. */
export function lossyTarget(engine: EngineName): LossyNote['target'] | undefined {
  return LOSSY_TARGET[engine];
}

function lossyNotes(context: DifferenceContext, engine: EngineName): LossyNote[] {
  const target = LOSSY_TARGET[engine];
  if (!target) return [];
  return context.build.model.lossy.filter((note) => note.target === target);
}

export const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    id: 'psa-workloads-warn-only',
    engines: ['psa'],
    behaviour: 'PSA evaluates the pod template of a workload but never enforces on it: a violation is a warning and an audit annotation, not a denial (the pods it creates are denied later).',
    upstream: 'kubernetes/pod-security-admission admission/admission.go ValidatePodController (audit and warn only)',
    explains: ({ replay, reference, actual }) =>
      replay.variant !== 'Pod' && reference.outcome === 'fail' && reference.action === 'deny' && actual.outcome === 'fail' && actual.action !== 'deny',
  },
  {
    id: 'psa-workloads-warn-audit-levels',
    engines: ['psa'],
    behaviour: "PSA judges a workload's pod template only at the namespace's warn and audit levels; where those differ from its enforce level (the kpc level), a check of the enforce level may not be active for workloads at all.",
    upstream: 'kubernetes/pod-security-admission admission/admission.go ValidatePodController (EvaluatePod with enforce=false: warn and audit levels only)',
    explains: ({ replay, reference, actual }) => {
      const labels = replay.namespace.labels;
      const enforceLevel = labels[LABELS.enforce];
      return replay.variant !== 'Pod' && reference.outcome !== 'not-applied' && actual.outcome === 'not-applied' && (labels[LABELS.warn] !== enforceLevel || labels[LABELS.audit] !== enforceLevel);
    },
  },
  {
    id: 'psa-warn-audit-levels',
    engines: ['psa'],
    behaviour: "A namespace's PSA warn and audit levels may be stricter than its enforce level (the kpc level every other target enforces): PSA warns about and audits checks the namespace's level does not enforce.",
    upstream: 'kubernetes/pod-security-admission admission/admission.go EvaluatePod (enforce, audit and warn evaluated independently, each at its own level and version)',
    explains: ({ reference, actual }) =>
      reference.outcome === 'not-applied' && reference.exemption === undefined && actual.enforced === false && (actual.outcome === 'pass' || (actual.outcome === 'fail' && actual.action !== 'deny')),
  },
  {
    id: 'lossy-exemption',
    engines: ['kyverno', 'kyverno-vpol', 'gatekeeper-rego', 'gatekeeper-cel', 'vap', 'psa'],
    behaviour: 'The target cannot express this exemption, so it still holds the object to the control (the build declares it lossy and never widens an exemption).',
    upstream: 'kpc build lossy notes (src/build/lossy.ts): workload exemptions in PSA, exemptions by name in Gatekeeper, VAP bindings and ValidatingPolicies, …',
    explains: (context) => {
      const { reference, actual } = context;
      if (reference.exemption === undefined || !reference.unexempted) return false;
      const subject = `exemptions[${reference.exemption}]`;
      return lossyNotes(context, context.engine).some((n) => n.subject === subject) && sameVerdict(reference.unexempted, actual);
    },
  },
  {
    id: 'lossy-rollout',
    engines: ['kyverno', 'psa'],
    behaviour: "The target cannot express this control's rollout mode here: it enforces (PSA enforces whole levels) or warns (Kyverno's warn is Audit with emitWarning for the whole policy) where the rollout says otherwise.",
    upstream: 'kpc build lossy notes (src/build/lossy.ts): rollout.controls.<id> for PSA, rollout (<id>) for Kyverno',
    explains: (context) => {
      const { reference, actual, artifacts } = context;
      if (reference.outcome !== 'fail' || actual.outcome !== 'fail' || reference.action === actual.action || !sameRules(reference, actual)) return false;
      const id = artifacts.control.id;
      return lossyNotes(context, context.engine).some((n) => n.subject === `rollout.controls.${id}` || n.subject === `rollout (${id})`);
    },
  },
  {
    id: 'kyverno-vpol-no-replicationcontroller-autogen',
    engines: ['kyverno-vpol'],
    behaviour:
      "Kyverno's CEL autogen has no ReplicationController target: a ValidatingPolicy written for Pods never sees a ReplicationController (the Pods it creates are judged when they are created).",
    upstream: 'kyverno pkg/cel/autogen/config.go configsMap (daemonsets, deployments, replicasets, statefulsets, jobs, cronjobs)',
    explains: ({ replay, reference, actual }) => replay.variant === 'ReplicationController' && reference.outcome !== 'not-applied' && reference.outcome !== 'error' && actual.outcome === 'not-applied',
  },
  {
    id: 'kyverno-no-response-allows',
    engines: ['kyverno'],
    behaviour: 'A foreach rule whose list is empty gives no rule response; a resource no rule responded to is admitted, as the reference passes it.',
    upstream: 'kyverno pkg/engine/handlers/validation/validate_resource.go validateForEach (nothing processed → no response); pkg/utils/engine/response.go (only failing Enforce rules block)',
    explains: ({ artifacts, reference, actual }) =>
      reference.outcome === 'pass' && actual.outcome === 'not-applied' && !isLoadFailure(artifacts.kyverno) && artifacts.kyverno.allForeach,
  },
];

function sameVerdict(a: EngineVerdict, b: EngineVerdict): boolean {
  return a.outcome === b.outcome && (a.outcome !== 'fail' || (a.action === b.action && sameRules(a, b)));
}

function sameRules(a: EngineVerdict, b: EngineVerdict): boolean {
  if (!a.failedRules || !b.failedRules) return true;
  if (b.firstFailureOnly) return b.failedRules.length === 1 && b.failedRules[0] === a.failedRules[0];
  return [...a.failedRules].sort().join(',') === [...b.failedRules].sort().join(',');
}
