import { allContainers, defineControl, equals, every, or, unsetOr, usesUserNamespace } from 'kube-policy-compiler';
import type { PodRef } from 'kube-policy-compiler';

/** Every container leaves procMount unset or Default. */
export const defaultProcMount = (pod: PodRef) =>
  every(allContainers(pod), (c) => unsetOr(c.securityContext.procMount, equals(c.securityContext.procMount, 'Default')));

export const PROC_MOUNT_MESSAGE = 'securityContext.procMount must be Default or unset in every container (Unmasked is forbidden).';

export default defineControl({
  id: 'procMount',
  title: 'Require the default /proc mount',
  description: 'An Unmasked /proc mount exposes kernel interfaces that the default mask hides from containers.',
  severity: 'medium',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove securityContext.procMount from every container or set it to Default.',
  pss: { check: 'procMount', level: 'baseline' },
  versions: [
    { since: 'v1.0', rules: (pod) => [{ name: 'proc-mount', message: PROC_MOUNT_MESSAGE, check: defaultProcMount(pod) }] },
    {
      // From v1.35 a pod in a user namespace (hostUsers: false) may unmask /proc at Baseline.
      since: 'v1.35',
      rules: (pod) => [{ name: 'proc-mount', message: PROC_MOUNT_MESSAGE, check: or(usesUserNamespace(pod), defaultProcMount(pod)) }],
    },
  ],
});
