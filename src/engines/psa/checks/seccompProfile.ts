// policy/check_seccompProfile_baseline.go and check_seccompProfile_restricted.go.
// Baseline: before 1.19 the alpha annotations; from 1.19 the securityContext fields (annotations
// ignored), where an explicit type other than RuntimeDefault/Localhost fails. Restricted (1.19+,
// overriding baseline) also requires a valid type on the pod or every container; Windows pods are
// exempt from 1.25.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { goQuote, joinQuote, pluralize, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, isWindowsPod, requiredField, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validSeccompType(type: string): boolean {
  return type === 'Localhost' || type === 'RuntimeDefault';
}

function validSeccompAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

export function seccompProfileBaseline_1_0(pod: PodView): CheckResult {
  const annotations = pod.metadata.annotations;
  const forbidden: string[] = [];
  const errors: FieldError[] = [];
  const blamed: ContainerView[] = [];
  const inspect = (key: string): boolean => {
    const value = annotations.get(key);
    if (value === undefined || validSeccompAnnotationValue(value)) return false; // an empty value fails, unlike AppArmor
    forbidden.push(`${key}=${goQuote(value)}`);
    errors.push(forbiddenField(`metadata.annotations[${key}]`, value));
    return true;
  };
  inspect(SECCOMP_POD_ANNOTATION);
  // Only annotations of existing containers are read.
  for (const c of visitContainers(pod.spec)) if (inspect(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name)) blamed.push(c);
  if (forbidden.length === 0) return ALLOWED;
  const values = sortedSet(forbidden);
  return forbiddenResult('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', values.length)} ${values.join(', ')}`, blamed, errors);
}

interface ExplicitSeccomp {
  setters: string[];
  badValues: string[];
  errors: FieldError[];
  explicitlyBad: ContainerView[];
}

/** The explicit part shared by baseline 1.19 and restricted: pod or containers setting a bad type. */
function explicitSeccomp(pod: PodView): ExplicitSeccomp {
  const result: ExplicitSeccomp = { setters: [], badValues: [], errors: [], explicitlyBad: [] };
  const podProfile = pod.spec.securityContext?.seccompProfile ?? null;
  if (podProfile && !validSeccompType(podProfile.type)) {
    result.setters.push('pod');
    result.badValues.push(podProfile.type);
    result.errors.push(forbiddenField('spec.securityContext.seccompProfile.type', podProfile.type));
  }
  for (const c of visitContainers(pod.spec)) {
    const profile = c.securityContext?.seccompProfile ?? null;
    if (profile && !validSeccompType(profile.type)) {
      result.explicitlyBad.push(c);
      result.badValues.push(profile.type);
      result.errors.push(forbiddenField(`${containerPath(c)}.securityContext.seccompProfile.type`, profile.type));
    }
  }
  if (result.explicitlyBad.length > 0) result.setters.push(containersPhrase(result.explicitlyBad));
  return result;
}

function explicitResult(explicit: ExplicitSeccomp): CheckResult {
  return forbiddenResult(
    'seccompProfile',
    `${explicit.setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(explicit.badValues))}`,
    explicit.explicitlyBad,
    explicit.errors,
  );
}

export function seccompProfileBaseline_1_19(pod: PodView): CheckResult {
  const explicit = explicitSeccomp(pod);
  return explicit.setters.length > 0 ? explicitResult(explicit) : ALLOWED;
}

export function seccompProfileRestricted_1_19(pod: PodView): CheckResult {
  const explicit = explicitSeccomp(pod);
  if (explicit.setters.length > 0) return explicitResult(explicit);
  const podProfile = pod.spec.securityContext?.seccompProfile ?? null;
  const podSeccompSet = podProfile !== null && validSeccompType(podProfile.type);
  if (podSeccompSet) return ALLOWED;
  const implicitlyBad = visitContainers(pod.spec).filter((c) => !c.securityContext?.seccompProfile);
  if (implicitlyBad.length === 0) return ALLOWED;
  return forbiddenResult(
    'seccompProfile',
    `pod or ${containersPhrase(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    implicitlyBad,
    implicitlyBad.map((c) => requiredField(`${containerPath(c)}.securityContext.seccompProfile.type`)),
  );
}

export function seccompProfileRestricted_1_25(pod: PodView): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : seccompProfileRestricted_1_19(pod);
}

export const seccompProfile_baseline: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: seccompProfileBaseline_1_0, overrides: [] },
    { minimumVersion: majorMinor(1, 19), checkPod: seccompProfileBaseline_1_19, overrides: [] },
  ],
};

export const seccompProfile_restricted: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(1, 19), checkPod: seccompProfileRestricted_1_19, overrides: ['seccompProfile_baseline'] },
    { minimumVersion: majorMinor(1, 25), checkPod: seccompProfileRestricted_1_25, overrides: ['seccompProfile_baseline'] },
  ],
};
