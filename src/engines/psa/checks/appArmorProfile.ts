// policy/check_appArmorProfile.go: baseline, AppArmor profile fields and beta annotations (v1.0,
// edited in place in 2024-02 to cover the fields).
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { compareGoStrings, goQuote, joinQuote, pluralize, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(value: string): boolean {
  return value.length === 0 || value === 'runtime/default' || value.startsWith('localhost/');
}

function allowedProfileType(type: string): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

export function appArmorProfile_1_0(pod: PodView): CheckResult {
  const setters: string[] = [];
  const badValues: string[] = [];
  const errors: FieldError[] = [];

  const podProfile = pod.spec.securityContext?.appArmorProfile ?? null;
  if (podProfile && !allowedProfileType(podProfile.type)) {
    setters.push('pod');
    badValues.push(podProfile.type);
    errors.push(forbiddenField('spec.securityContext.appArmorProfile.type', podProfile.type));
  }

  const bad: ContainerView[] = [];
  for (const c of visitContainers(pod.spec)) {
    const profile = c.securityContext?.appArmorProfile ?? null;
    if (profile && !allowedProfileType(profile.type)) {
      bad.push(c);
      badValues.push(profile.type);
      errors.push(forbiddenField(`${containerPath(c)}.securityContext.appArmorProfile.type`, profile.type));
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));

  // Every annotation with the prefix counts, even one naming no container.
  const annotationKeys = [...pod.metadata.annotations.keys()]
    .filter((key) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotationValue(pod.metadata.annotations.get(key)!))
    .sort(compareGoStrings);
  const forbiddenAnnotations = annotationKeys.map((key) => `${key}=${goQuote(pod.metadata.annotations.get(key)!)}`).sort(compareGoStrings);
  for (const key of annotationKeys) errors.push(forbiddenField(`metadata.annotations[${key}]`, pod.metadata.annotations.get(key)));

  const valueList = [...sortedSet(badValues), ...forbiddenAnnotations];
  if (forbiddenAnnotations.length > 0) setters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  if (setters.length === 0) return ALLOWED;

  const annotated = new Set(annotationKeys.map((key) => key.slice(APPARMOR_ANNOTATION_PREFIX.length)));
  const blamed = visitContainers(pod.spec).filter((c) => bad.includes(c) || annotated.has(c.name));
  return forbiddenResult(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}`,
    blamed,
    errors,
  );
}

export const appArmorProfile: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: appArmorProfile_1_0, overrides: [] }],
};
