// policy/check_allowPrivilegeEscalation.go: restricted, containers must set allowPrivilegeEscalation=false.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, isWindowsPod, requiredField, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function allowPrivilegeEscalation_1_8(pod: PodView): CheckResult {
  const bad: ContainerView[] = [];
  const errors: FieldError[] = [];
  for (const c of visitContainers(pod.spec)) {
    const field = `${containerPath(c)}.securityContext.allowPrivilegeEscalation`;
    const value = c.securityContext?.allowPrivilegeEscalation ?? null;
    if (c.securityContext === null) errors.push(requiredField(field));
    else if (value === null) errors.push(forbiddenField(field, 'nil')); // the fork's literal "nil"
    else if (value) errors.push(forbiddenField(field, true));
    if (value === null || value) bad.push(c);
  }
  if (bad.length === 0) return ALLOWED;
  return forbiddenResult('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`, bad, errors);
}

/** From 1.25 Windows pods are exempt (API validation forbids setting the field on them). */
export function allowPrivilegeEscalation_1_25(pod: PodView): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : allowPrivilegeEscalation_1_8(pod);
}

export const allowPrivilegeEscalation: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(1, 8), checkPod: allowPrivilegeEscalation_1_8, overrides: [] },
    { minimumVersion: majorMinor(1, 25), checkPod: allowPrivilegeEscalation_1_25, overrides: [] },
  ],
};
