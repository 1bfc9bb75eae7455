// policy/check_hostPathVolumes.go: baseline, no hostPath volumes.
import { majorMinor } from '../version.ts';
import type { PodView } from '../pod-model.ts';
import { joinQuote, pluralize } from '../go-format.ts';
import { ALLOWED, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function hostPathVolumes_1_0(pod: PodView): CheckResult {
  const names: string[] = [];
  const errors: FieldError[] = [];
  pod.spec.volumes.forEach((volume, i) => {
    if (volume.sources.has('hostPath')) {
      names.push(volume.name);
      errors.push(forbiddenField(`spec.volumes[${i}].hostPath`, volume.hostPathPath));
    }
  });
  if (names.length === 0) return ALLOWED;
  return forbiddenResult('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`, [], errors);
}

export const hostPathVolumes: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostPathVolumes_1_0, overrides: [] }],
};
