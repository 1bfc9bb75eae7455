import { LABELS } from '../engines/psa/index.ts';
import type { CompiledBuild, ControlArtifacts } from './artifacts.ts';
import { isLoadFailure } from './artifacts.ts';
import { vapVerdict, vpolVerdict } from './cel-targets.ts';
import { gatekeeperBatchVerdicts, gatekeeperVerdict, kyvernoVerdict, psaCase, psaVerdict, referenceVerdict, type ControlVerdicts, type PsaCaseResult } from './evaluate.ts';
import type { EngineVerdict, ReplayCase } from './types.ts';

/**
 * Evaluating a case against every control of a build, with a verdict cache: an engine given the
 * same artifact, the same object and the same namespace answers once. Builds for different PSS
 * versions share most artifacts and the corpus repeats most pods, so most verdicts are reused.
 *
 * The cache key leaves out the namespace's PSA *version* labels: only PSA reads them, and PSA is
 * evaluated per case, uncached. Everything else the Kyverno and Gatekeeper engines are given
 * (artifact content, object, namespace name and labels) is in the key.
 */
export class VerdictCache {
  /** Keyed by artifact × case as one number (cheaper to hash than a string; both ids stay far below 2^26). */
  readonly #entries = new Map<number, EngineVerdict>();
  /** Case content → small id, so entry keys stay short. */
  readonly #caseIds = new Map<string, number>();
  hits = 0;
  misses = 0;

  caseId(replay: ReplayCase): number {
    const key = caseKey(replay);
    let id = this.#caseIds.get(key);
    if (id === undefined) this.#caseIds.set(key, (id = this.#caseIds.size));
    return id;
  }

  get(artifact: number, caseId: number, compute: () => EngineVerdict): EngineVerdict {
    const key = artifact * 67_108_864 + caseId;
    const hit = this.#entries.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const verdict = compute();
    this.#entries.set(key, verdict);
    return verdict;
  }
}

const VERSION_LABELS = new Set<string>([LABELS.enforceVersion, LABELS.warnVersion, LABELS.auditVersion]);

/** The part of a case every Kyverno/Gatekeeper verdict depends on. */
export function caseKey(replay: ReplayCase): string {
  const labels = Object.entries(replay.namespace.labels).filter(([key]) => !VERSION_LABELS.has(key));
  return `${replay.namespace.name}\n${JSON.stringify(labels)}\n${JSON.stringify(replay.object)}`;
}

export interface CaseVerdicts {
  readonly psa: PsaCaseResult;
  readonly controls: readonly { readonly artifacts: ControlArtifacts; readonly verdicts: ControlVerdicts }[];
}

/**
 * Every control of the build judged by every engine on one case. With a cache, each control's
 * Gatekeeper verdicts come from its own constraints (cached per control); without, from one review
 * against every control's constraints, as Gatekeeper runs in a cluster.
 */
export function evaluateCase(build: CompiledBuild, replay: ReplayCase, cache?: VerdictCache): CaseVerdicts {
  const psa = psaCase(build, replay);
  const caseId = cache ? cache.caseId(replay) : 0;
  const cached = (artifact: number, compute: () => EngineVerdict): EngineVerdict => (cache ? cache.get(artifact, caseId, compute) : compute());
  const all = build.controls.map((a) => a.control);
  const batched = cache ? undefined : { rego: gatekeeperBatchVerdicts(build.batches.rego(), all, replay), cel: gatekeeperBatchVerdicts(build.batches.cel(), all, replay) };
  const controls = build.controls.map((artifacts) => {
    const { control } = artifacts;
    const kyverno = isLoadFailure(artifacts.kyverno) ? kyvernoVerdict(artifacts.kyverno, control, replay) : cached(artifacts.kyverno.key, () => kyvernoVerdict(artifacts.kyverno, control, replay));
    const vpol = isLoadFailure(artifacts.vpol) ? vpolVerdict(artifacts.vpol, control, replay) : cached(artifacts.vpol.key, () => vpolVerdict(artifacts.vpol, control, replay));
    const vap = isLoadFailure(artifacts.vap) ? vapVerdict(artifacts.vap, control, replay) : cached(artifacts.vap.key, () => vapVerdict(artifacts.vap, control, replay));
    const gatekeeper = (engine: 'rego' | 'cel'): EngineVerdict => {
      if (batched) return batched[engine].get(control.id)!;
      const artifact = artifacts[engine];
      return isLoadFailure(artifact) ? gatekeeperVerdict(artifact, control, replay) : cached(artifact.key, () => gatekeeperVerdict(artifact, control, replay));
    };
    const rego = gatekeeper('rego');
    const cel = gatekeeper('cel');
    const verdicts: ControlVerdicts = { reference: referenceVerdict(control, replay), kyverno, 'kyverno-vpol': vpol, 'gatekeeper-rego': rego, 'gatekeeper-cel': cel, vap };
    const psaResult = psaVerdict(psa, control);
    if (psaResult) verdicts.psa = psaResult;
    return { artifacts, verdicts };
  });
  return { psa, controls };
}
