import { allContainers, concat, defineControl, equals, every, lookup, oneOf, or, startsWith, unsetOr } from 'kube-policy-compiler';
import type { PodRef, Ref } from 'kube-policy-compiler';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const ALLOWED_TYPES = ['RuntimeDefault', 'Localhost'] as const;

/** runtime/default, docker/default or localhost/<profile>; an empty value is forbidden, unlike AppArmor. */
const allowedAnnotation = (value: Ref<string>) =>
  or(equals(value, 'runtime/default'), equals(value, 'docker/default'), startsWith(value, 'localhost/'));

export default defineControl({
  id: 'seccompProfile_baseline',
  title: 'Disallow unconfined seccomp profiles',
  description: 'Turning seccomp off (Unconfined) exposes the whole system-call surface of the kernel to the container.',
  severity: 'high',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Set seccompProfile.type to RuntimeDefault or Localhost, or leave it unset; never Unconfined.',
  pss: { check: 'seccompProfile_baseline', level: 'baseline' },
  versions: [
    {
      // Before v1.19 only the alpha annotations exist; the fields are ignored.
      since: 'v1.0',
      rules: (pod: PodRef) => [
        {
          name: 'pod-annotation',
          message: `Annotation ${POD_ANNOTATION} must be runtime/default, docker/default or localhost/<profile>.`,
          check: unsetOr(lookup(pod.metadata.annotations, POD_ANNOTATION), allowedAnnotation(lookup(pod.metadata.annotations, POD_ANNOTATION))),
        },
        {
          name: 'container-annotations',
          message: `Annotations ${CONTAINER_ANNOTATION_PREFIX}<container> must be runtime/default, docker/default or localhost/<profile>.`,
          // Only annotations naming an existing container are checked (PSA seccompProfileBaseline_1_0).
          check: every(allContainers(pod), (c) => {
            const annotation = lookup(pod.metadata.annotations, concat(CONTAINER_ANNOTATION_PREFIX, c.name));
            return unsetOr(annotation, allowedAnnotation(annotation));
          }),
        },
      ],
    },
    {
      // From v1.19 the fields are checked and the annotations are ignored.
      since: 'v1.19',
      rules: (pod: PodRef) => [
        {
          name: 'pod-profile',
          message: 'spec.securityContext.seccompProfile.type must not be Unconfined: use RuntimeDefault or Localhost, or leave it unset.',
          check: unsetOr(pod.spec.securityContext.seccompProfile, oneOf(pod.spec.securityContext.seccompProfile.type, ALLOWED_TYPES)),
        },
        {
          name: 'container-profiles',
          message: 'securityContext.seccompProfile.type of every container must not be Unconfined: use RuntimeDefault or Localhost, or leave it unset.',
          check: every(allContainers(pod), (c) => unsetOr(c.securityContext.seccompProfile, oneOf(c.securityContext.seccompProfile.type, ALLOWED_TYPES))),
        },
      ],
    },
  ],
});
