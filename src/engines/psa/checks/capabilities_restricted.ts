// policy/check_capabilities_restricted.go: restricted (1.22+), drop must contain "ALL" and add may
// only hold NET_BIND_SERVICE. Overrides capabilities_baseline.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { joinQuote, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, isWindowsPod, requiredField, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function capabilitiesRestricted_1_22(pod: PodView): CheckResult {
  const missingDropAll: ContainerView[] = [];
  const addingForbidden: ContainerView[] = [];
  const forbiddenCapabilities: string[] = [];
  const dropErrors: FieldError[] = [];
  const addErrors: FieldError[] = [];
  for (const c of visitContainers(pod.spec)) {
    const caps = c.securityContext?.capabilities;
    const path = `${containerPath(c)}.securityContext.capabilities`;
    if (!caps) {
      // No capabilities object: reported as missing drop, and add is never inspected.
      missingDropAll.push(c);
      dropErrors.push(requiredField(`${path}.drop`));
      continue;
    }
    if (!caps.drop.includes('ALL')) {
      missingDropAll.push(c);
      dropErrors.push(caps.drop.length > 0 ? forbiddenField(`${path}.drop`, sortedSet(caps.drop)) : requiredField(`${path}.drop`));
    }
    const added = caps.add.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      addingForbidden.push(c);
      forbiddenCapabilities.push(...added);
      addErrors.push(forbiddenField(`${path}.add`, sortedSet(added)));
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0) {
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCapabilities))} in securityContext.capabilities.add`);
  }
  if (details.length === 0) return ALLOWED;
  const blamed = visitContainers(pod.spec).filter((c) => missingDropAll.includes(c) || addingForbidden.includes(c));
  return forbiddenResult('unrestricted capabilities', details.join('; '), blamed, [...dropErrors, ...addErrors]);
}

/** From 1.25 Windows pods are exempt. */
export function capabilitiesRestricted_1_25(pod: PodView): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : capabilitiesRestricted_1_22(pod);
}

export const capabilities_restricted: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(1, 22), checkPod: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
    { minimumVersion: majorMinor(1, 25), checkPod: capabilitiesRestricted_1_25, overrides: ['capabilities_baseline'] },
  ],
};
