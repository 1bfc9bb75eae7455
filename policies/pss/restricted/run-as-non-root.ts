import { allContainers, and, defineControl, equals, every, isUnset, not, or, usesUserNamespace } from 'kube-policy-compiler';
import type { PodRef } from 'kube-policy-compiler';

const MESSAGE = 'Containers must run as non-root: set spec.securityContext.runAsNonRoot: true (or runAsNonRoot: true in every container), and never runAsNonRoot: false.';

/**
 * A pod-level false is never rescued; a container-level false always fails; otherwise every
 * container needs true, set by itself or by the pod (PSA runAsNonRoot1_0).
 */
const nonRoot = (pod: PodRef) => {
  const podValue = pod.spec.securityContext.runAsNonRoot;
  return and(
    not(equals(podValue, false)),
    every(allContainers(pod), (c) =>
      or(equals(c.securityContext.runAsNonRoot, true), and(isUnset(c.securityContext.runAsNonRoot), equals(podValue, true))),
    ),
  );
};

export default defineControl({
  id: 'runAsNonRoot',
  title: 'Require running as non-root',
  description: 'Containers must be required to run as a non-root user, so a compromised process does not hold root in the container.',
  severity: 'high',
  category: 'Pod Security Standards (Restricted)',
  remediation: 'Set spec.securityContext.runAsNonRoot: true, or runAsNonRoot: true in every container; never set it to false.',
  pss: { check: 'runAsNonRoot', level: 'restricted' },
  versions: [
    { since: 'v1.0', rules: (pod) => [{ name: 'run-as-non-root', message: MESSAGE, check: nonRoot(pod) }] },
    // From v1.35 pods in a user namespace (hostUsers: false) are exempt.
    { since: 'v1.35', rules: (pod) => [{ name: 'run-as-non-root', message: MESSAGE, check: or(usesUserNamespace(pod), nonRoot(pod)) }] },
  ],
});
