import { allContainers, and, defineControl, every, isSet, isUnset, isWindows, not, oneOf, or } from 'kube-policy-compiler';
import type { PodRef } from 'kube-policy-compiler';

const ALLOWED_TYPES = ['RuntimeDefault', 'Localhost'] as const;
const MESSAGE = 'A seccomp profile is required: set spec.securityContext.seccompProfile.type (or each container\'s) to RuntimeDefault or Localhost; Unconfined is forbidden.';

/**
 * A valid pod-level type covers containers that leave it unset; an invalid pod-level type fails
 * whatever the containers say; a container that sets a profile must set a valid one (PSA 1.19).
 */
const confined = (pod: PodRef) => {
  const podProfile = pod.spec.securityContext.seccompProfile;
  return and(
    or(isUnset(podProfile), oneOf(podProfile.type, ALLOWED_TYPES)),
    every(allContainers(pod), (c) =>
      or(
        oneOf(c.securityContext.seccompProfile.type, ALLOWED_TYPES),
        and(isUnset(c.securityContext.seccompProfile), isSet(podProfile)),
      ),
    ),
  );
};

export default defineControl({
  id: 'seccompProfile_restricted',
  title: 'Require a seccomp profile',
  description: 'Restricted pods must run under the runtime default seccomp profile or a profile loaded on the node.',
  severity: 'medium',
  category: 'Pod Security Standards (Restricted)',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a profile), and do not set Unconfined on any container.',
  pss: { check: 'seccompProfile_restricted', level: 'restricted' },
  versions: [
    { since: 'v1.19', overrides: ['seccompProfile_baseline'], rules: (pod) => [{ name: 'seccomp-profile', message: MESSAGE, check: confined(pod) }] },
    // From v1.25 Windows pods are exempt (spec.os.name: windows).
    {
      since: 'v1.25',
      overrides: ['seccompProfile_baseline'],
      rules: (pod) => [{ name: 'seccomp-profile', message: MESSAGE, check: or(isWindows(pod), confined(pod)) }],
    },
  ],
});
