// policy/check_runAsNonRoot.go: restricted, runAsNonRoot=true on the pod or every container; an
// explicit false anywhere fails. From 1.35 user-namespace pods (hostUsers: false) are exempt.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, inUserNamespace, requiredField, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function runAsNonRoot_1_0(pod: PodView): CheckResult {
  const setters: string[] = [];
  const errors: FieldError[] = [];
  const podValue = pod.spec.securityContext?.runAsNonRoot ?? null;
  if (podValue === false) {
    setters.push('pod');
    errors.push(forbiddenField('spec.securityContext.runAsNonRoot', false));
  }
  const podRunAsNonRoot = podValue === true;

  const explicitlyBad: ContainerView[] = [];
  const implicitlyBad: ContainerView[] = [];
  const implicitErrors: FieldError[] = [];
  for (const c of visitContainers(pod.spec)) {
    const value = c.securityContext?.runAsNonRoot ?? null;
    if (value !== null) {
      if (!value) {
        explicitlyBad.push(c);
        errors.push(forbiddenField(`${containerPath(c)}.securityContext.runAsNonRoot`, false));
      }
    } else if (!podRunAsNonRoot) {
      implicitlyBad.push(c);
      implicitErrors.push(requiredField(`${containerPath(c)}.securityContext.runAsNonRoot`));
    }
  }
  if (explicitlyBad.length > 0) setters.push(containersPhrase(explicitlyBad));

  // Explicit failures win; only one detail is emitted. The field errors list the implicit ones
  // too, as kyverno/pod-security-admission reports them.
  if (setters.length > 0) {
    return forbiddenResult('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, explicitlyBad, [
      ...errors,
      ...implicitErrors,
    ]);
  }
  if (implicitlyBad.length > 0) {
    return forbiddenResult('runAsNonRoot != true', `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`, implicitlyBad, implicitErrors);
  }
  return ALLOWED;
}

export function runAsNonRoot_1_35(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : runAsNonRoot_1_0(pod);
}

export const runAsNonRoot: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: runAsNonRoot_1_0, overrides: [] },
    { minimumVersion: majorMinor(1, 35), checkPod: runAsNonRoot_1_35, overrides: [] },
  ],
};
