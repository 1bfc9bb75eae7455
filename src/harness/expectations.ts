import type { BuildModel, ResolvedControl } from '../build/model.ts';
import { evaluatePred } from '../ir/evaluate.ts';
import type { PodFixture } from './fixtures.ts';
import { normalizeForAdmission } from './normalize.ts';

/**
 * What a project fixture declares, checked with the reference evaluator on the pod as admitted:
 * - `pass-*`: the pod passes every control;
 * - `fail-*` in `<control>/`: the pod fails that control, and no other control that applies with it:
 *   for a PSS control, no other PSS control active at its level; for a hardening control, no other
 *   control active at restricted and no other hardening control. So a broken rule cannot hide
 *   behind another control's failure.
 * Some pods cannot fail one control alone everywhere (privileged: true implies a missing
 * allowPrivilegeEscalation: false, which the API requires; UID 0 is also outside any UID range),
 * hence "with it".
 */
export function expectationProblem(fixture: PodFixture, model: BuildModel): string | undefined {
  const pod = normalizeForAdmission(fixture.pod) as Record<string, unknown>;
  const failing = model.controls.filter((control) => !control.rules.every((rule) => evaluatePred(rule.check, pod))).map((c) => c.id);
  if (fixture.expect === 'pass') {
    return failing.length === 0 ? undefined : `declared to pass every control, but the reference fails ${failing.join(', ')}`;
  }
  const control = model.controls.find((c) => c.id === fixture.control);
  if (!control) return `no control "${fixture.control}" at ${model.pssVersion}`;
  if (!failing.includes(control.id)) return `declared to fail ${control.id}, but the reference passes it`;
  const alongside = controlsAlongside(control, model);
  const others = failing.filter((id) => id !== control.id && alongside.has(id));
  return others.length === 0 ? undefined : `declared to fail only ${control.id}, but the reference also fails ${others.join(', ')} (applying with it)`;
}

/** The controls a fail fixture of `control` must pass. */
function controlsAlongside(control: ResolvedControl, model: BuildModel): Set<string> {
  if (control.level !== 'hardening') {
    const level = control.level;
    return new Set(model.controls.filter((c) => c.pssCheck !== null && c.activeLevels.includes(level)).map((c) => c.id));
  }
  return new Set(model.controls.filter((c) => c.level === 'hardening' || c.activeLevels.includes('restricted')).map((c) => c.id));
}
