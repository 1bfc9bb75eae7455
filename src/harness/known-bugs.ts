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

// psa-audit-mode-namespace-warns (PSA warned in audit-mode namespaces) was fixed in b9a50d1.
export const KNOWN_BUGS: readonly KnownBug[] = [];
