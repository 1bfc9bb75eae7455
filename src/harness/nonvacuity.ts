import type { ControlArtifacts } from './artifacts.ts';
import { isLoadFailure } from './artifacts.ts';
import type { Tally } from './compare.ts';
import { ENGINES, type EngineName } from './types.ts';

/**
 * Non-vacuity: every control was seen both passing and failing in every engine that judges it,
 * and every rule of every artifact was seen failing (a Kyverno rule, autogen rules included, by
 * its own name; a Gatekeeper rule by its message; a reference rule by name). A control that never
 * fails, or a rule that never fires, proves nothing about equivalence.
 */
export interface VacuityProblem {
  readonly control: string;
  readonly engine: EngineName;
  readonly detail: string;
}

export interface ControlCoverage {
  readonly id: string;
  readonly nonVacuous: boolean;
  readonly problems: readonly string[];
}

export function checkNonVacuity(controls: readonly ControlArtifacts[], tally: Tally): { coverage: ControlCoverage[]; problems: VacuityProblem[]; checks: number } {
  const problems: VacuityProblem[] = [];
  const coverage: ControlCoverage[] = [];
  let checks = 0;
  for (const artifacts of controls) {
    const { control } = artifacts;
    const own: string[] = [];
    for (const engine of ENGINES) {
      if (engine === 'psa' && !control.pssCheck) continue;
      checks++;
      const counts = tally.coverage.get(control.id)?.get(engine);
      const missing: string[] = [];
      if (!counts || counts.pass === 0) missing.push('never passes');
      if (!counts || counts.fail === 0) missing.push('never fails');
      for (const rule of expectedRules(artifacts, engine)) {
        if ((tally.ruleFailures.get(control.id)?.get(engine)?.get(rule) ?? 0) === 0) missing.push(`rule ${rule} never fails`);
      }
      if (missing.length > 0) {
        const detail = missing.join('; ');
        problems.push({ control: control.id, engine, detail });
        own.push(`${engine}: ${detail}`);
      }
    }
    coverage.push({ id: control.id, nonVacuous: own.length === 0, problems: own });
  }
  return { coverage, problems, checks };
}

/** The rule names an engine must be seen failing for this control. */
function expectedRules(artifacts: ControlArtifacts, engine: EngineName): string[] {
  const names = artifacts.control.rules.map((r) => r.name);
  switch (engine) {
    case 'reference':
    case 'gatekeeper-rego':
    case 'gatekeeper-cel':
    case 'vap':
    case 'kyverno-vpol':
      return names;
    case 'kyverno': {
      // The policy's own rules and the autogen rules Kyverno adds for pod controllers (kyverno.md §4.3).
      if (isLoadFailure(artifacts.kyverno)) return names;
      const ruleNames = artifacts.kyverno.policy.rules.map((r) => String(r['name'] ?? ''));
      return ruleNames.flatMap((n) => [n, `autogen-${n}`.slice(0, 63), `autogen-cronjob-${n}`.slice(0, 63)]);
    }
    case 'psa':
      return [];
  }
}
