// policy/check_runAsUser.go: restricted (1.23+), runAsUser must not be 0 on the pod or any container.
// From 1.35 user-namespace pods (hostUsers: false) are exempt.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type PodView } from '../pod-model.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, inUserNamespace, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function runAsUser_1_23(pod: PodView): CheckResult {
  const setters: string[] = [];
  const errors: FieldError[] = [];
  if (pod.spec.securityContext?.runAsUser === 0) {
    setters.push('pod');
    errors.push(forbiddenField('spec.securityContext.runAsUser', 0));
  }
  const bad = visitContainers(pod.spec).filter((c) => c.securityContext?.runAsUser === 0);
  for (const c of bad) errors.push(forbiddenField(`${containerPath(c)}.securityContext.runAsUser`, 0));
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  return forbiddenResult('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, bad, errors);
}

export function runAsUser_1_35(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : runAsUser_1_23(pod);
}

export const runAsUser: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(1, 23), checkPod: runAsUser_1_23, overrides: [] },
    { minimumVersion: majorMinor(1, 35), checkPod: runAsUser_1_35, overrides: [] },
  ],
};
