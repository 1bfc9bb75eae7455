// policy/check_privileged.go: baseline, no privileged containers (there is no pod-level field).
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type PodView } from '../pod-model.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult } from './types.ts';

export function privileged_1_0(pod: PodView): CheckResult {
  const bad = visitContainers(pod.spec).filter((c) => c.securityContext?.privileged === true);
  if (bad.length === 0) return ALLOWED;
  return forbiddenResult(
    'privileged',
    `${containersPhrase(bad)} must not set securityContext.privileged=true`,
    bad,
    bad.map((c) => forbiddenField(`${containerPath(c)}.securityContext.privileged`, true)),
  );
}

export const privileged: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: privileged_1_0, overrides: [] }],
};
