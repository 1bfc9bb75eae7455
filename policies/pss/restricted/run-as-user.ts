import { allContainers, and, defineControl, equals, every, not, or, usesUserNamespace } from 'kube-policy-compiler';
import type { PodRef } from 'kube-policy-compiler';

const MESSAGE = 'Running as UID 0 is forbidden: remove runAsUser: 0 from spec.securityContext and from every container, or set a non-zero UID.';
const notRoot = (pod: PodRef) =>
  and(not(equals(pod.spec.securityContext.runAsUser, 0)), every(allContainers(pod), (c) => not(equals(c.securityContext.runAsUser, 0))));

export default defineControl({
  id: 'runAsUser',
  title: 'Disallow running as UID 0',
  description: 'An explicit runAsUser: 0 runs the container as root, whatever runAsNonRoot says elsewhere.',
  severity: 'high',
  category: 'Pod Security Standards (Restricted)',
  remediation: 'Remove runAsUser: 0 (pod and containers) or set a non-zero UID.',
  pss: { check: 'runAsUser', level: 'restricted' },
  versions: [
    { since: 'v1.23', rules: (pod) => [{ name: 'run-as-user', message: MESSAGE, check: notRoot(pod) }] },
    // From v1.35 pods in a user namespace (hostUsers: false) are exempt.
    { since: 'v1.35', rules: (pod) => [{ name: 'run-as-user', message: MESSAGE, check: or(usesUserNamespace(pod), notRoot(pod)) }] },
  ],
});
