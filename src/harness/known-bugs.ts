import type { CompiledBuild } from './artifacts.ts';
import type { EngineName, EngineVerdict, ReplayCase } from './types.ts';

/**
 * Divergences traced to a bug in the compiler (the generated artifact is wrong) or in an engine,
 * reported to their owners and listed here until fixed. They still count as divergences (the run
 * fails), but the report names the bug instead of leaving the reader to rediscover it. An entry
 * that no longer reproduces is reported as stale, so fixed bugs leave this list.
 */
export interface KnownBugContext {
  readonly control: string;
  readonly engine: EngineName;
  readonly reference: EngineVerdict;
  readonly actual: EngineVerdict;
  readonly replay: ReplayCase;
  readonly build: CompiledBuild;
}

export interface KnownBug {
  readonly id: string;
  readonly kind: 'compiler' | 'engine';
  readonly description: string;
  /** True when this divergence of this engine is the bug. */
  readonly matches: (context: KnownBugContext) => boolean;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'psa-audit-mode-namespace-warns',
    kind: 'compiler',
    description:
      'A namespace in rollout mode audit gets pod-security.kubernetes.io/warn at its level (2-resolve.ts: warn defaults to the level in every mode), so PSA warns where the rollout says audit only; Kyverno (Audit) and Gatekeeper (dryrun) do not warn. Minimal pod: one container without securityContext, in analytics (restricted, mode audit).',
    matches: ({ engine, reference, actual, replay, build }) =>
      engine === 'psa' &&
      reference.outcome === 'fail' &&
      reference.action === 'audit' &&
      actual.outcome === 'fail' &&
      actual.action === 'warn' &&
      build.model.namespaces.some((ns) => ns.name === replay.namespace.name && ns.mode === 'audit'),
  },
];
