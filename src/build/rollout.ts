import type { RolloutConfig, RolloutMode } from '../controls/config.ts';
import { KpcError } from '../util/errors.ts';

/** Staged rollout: the mode of each control, in general and in each managed namespace. */

export const ROLLOUT_MODES: readonly RolloutMode[] = ['audit', 'warn', 'enforce'];

export interface ControlRollout {
  /** The control's mode outside the namespaces listed below. */
  readonly mode: RolloutMode;
  /** Managed namespaces where the mode differs (the namespace's mode is less strict). */
  readonly namespaces: Readonly<Record<string, RolloutMode>>;
}

export interface ResolvedRollout {
  readonly default: RolloutMode;
  readonly controls: Readonly<Record<string, RolloutMode>>;
  readonly namespaces: Readonly<Record<string, RolloutMode>>;
}

/** The least strict of two modes. */
export function leastStrict(a: RolloutMode, b: RolloutMode): RolloutMode {
  return ROLLOUT_MODES.indexOf(a) <= ROLLOUT_MODES.indexOf(b) ? a : b;
}

export function resolveRollout(config: RolloutConfig | undefined, controlIds: readonly string[], namespaces: readonly string[], file: string): ResolvedRollout {
  const check = (mode: unknown, field: string): RolloutMode => {
    if (!ROLLOUT_MODES.includes(mode as RolloutMode)) throw new KpcError(`unknown rollout mode ${JSON.stringify(mode)} (expected ${ROLLOUT_MODES.join(', ')})`, { file, field });
    return mode as RolloutMode;
  };
  const fallback = config?.default === undefined ? 'enforce' : check(config.default, 'rollout.default');
  const controls: Record<string, RolloutMode> = {};
  for (const [id, mode] of Object.entries(config?.controls ?? {})) {
    if (!controlIds.includes(id)) throw new KpcError(`unknown control "${id}"`, { file, field: `rollout.controls.${id}` });
    controls[id] = check(mode, `rollout.controls.${id}`);
  }
  const byNamespace: Record<string, RolloutMode> = {};
  for (const [ns, mode] of Object.entries(config?.namespaces ?? {})) {
    if (!namespaces.includes(ns)) throw new KpcError(`unknown namespace "${ns}" (not in namespaces)`, { file, field: `rollout.namespaces.${ns}` });
    byNamespace[ns] = check(mode, `rollout.namespaces.${ns}`);
  }
  return { default: fallback, controls, namespaces: byNamespace };
}

/** The control's rollout; `namespaces` are the managed namespaces the control applies in. */
export function controlRollout(rollout: ResolvedRollout, controlId: string, namespaces: readonly string[]): ControlRollout {
  const mode = rollout.controls[controlId] ?? rollout.default;
  const overrides: Record<string, RolloutMode> = {};
  for (const ns of namespaces) {
    const effective = leastStrict(mode, rollout.namespaces[ns] ?? rollout.default);
    if (effective !== mode) overrides[ns] = effective;
  }
  return { mode, namespaces: overrides };
}

/** The namespace's own mode (for its PSA labels). */
export const namespaceMode = (rollout: ResolvedRollout, namespace: string): RolloutMode => rollout.namespaces[namespace] ?? rollout.default;
