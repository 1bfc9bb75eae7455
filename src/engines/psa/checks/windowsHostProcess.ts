// policy/check_windowsHostProcess.go: baseline, windowsOptions.hostProcess must not be true on the
// pod or any container, whatever the pod's OS.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type PodView } from '../pod-model.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function windowsHostProcess_1_0(pod: PodView): CheckResult {
  const bad = visitContainers(pod.spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true);
  const setters: string[] = [];
  const errors: FieldError[] = [];
  if (pod.spec.securityContext?.windowsOptions?.hostProcess === true) {
    setters.push('pod');
    errors.push(forbiddenField('spec.securityContext.windowsOptions.hostProcess', true));
  }
  if (bad.length > 0) {
    setters.push(containersPhrase(bad));
    for (const c of bad) errors.push(forbiddenField(`${containerPath(c)}.securityContext.windowsOptions.hostProcess`, true));
  }
  if (setters.length === 0) return ALLOWED;
  return forbiddenResult('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, bad, errors);
}

export const windowsHostProcess: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: windowsHostProcess_1_0, overrides: [] }],
};
