// policy/check_procMount_baseline.go and check_procMount_restricted.go: procMount must be unset or
// "Default". Baseline relaxes it for user-namespace pods from 1.35; restricted (1.35+) keeps the
// unconditional rule and overrides the baseline check.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { joinQuote, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, inUserNamespace, type CheckDefinition, type CheckResult } from './types.ts';

export function procMount_1_0(pod: PodView): CheckResult {
  const bad: ContainerView[] = [];
  const types: string[] = [];
  for (const c of visitContainers(pod.spec)) {
    const value = c.securityContext?.procMount ?? null;
    if (value !== null && value !== 'Default') {
      bad.push(c);
      types.push(value);
    }
  }
  if (bad.length === 0) return ALLOWED;
  return forbiddenResult(
    'procMount',
    `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    bad,
    bad.map((c) => forbiddenField(`${containerPath(c)}.securityContext.procMount`, c.securityContext!.procMount)),
  );
}

export function procMount_1_35_baseline(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : procMount_1_0(pod);
}

export const procMount: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: procMount_1_0, overrides: [] },
    { minimumVersion: majorMinor(1, 35), checkPod: procMount_1_35_baseline, overrides: [] },
  ],
};

export const procMount_restricted: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(1, 35), checkPod: procMount_1_0, overrides: ['procMount'] }],
};
