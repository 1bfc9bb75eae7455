// policy/check_hostNamespaces.go: baseline, no hostNetwork/hostPID/hostIPC (hostUsers is not read).
import { majorMinor } from '../version.ts';
import type { PodView } from '../pod-model.ts';
import { ALLOWED, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function hostNamespaces_1_0(pod: PodView): CheckResult {
  const found: string[] = [];
  const errors: FieldError[] = [];
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod.spec[key]) {
      found.push(`${key}=true`);
      errors.push(forbiddenField(`spec.${key}`, true));
    }
  }
  return found.length === 0 ? ALLOWED : forbiddenResult('host namespaces', found.join(', '), [], errors);
}

export const hostNamespaces: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostNamespaces_1_0, overrides: [] }],
};
