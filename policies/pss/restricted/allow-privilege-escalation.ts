import { allContainers, defineControl, equals, every, isWindows, or } from 'kube-policy-compiler';
import type { PodRef } from 'kube-policy-compiler';

const MESSAGE = 'Privilege escalation must be disallowed: set securityContext.allowPrivilegeEscalation to false in every container.';
const noEscalation = (pod: PodRef) => every(allContainers(pod), (c) => equals(c.securityContext.allowPrivilegeEscalation, false));

export default defineControl({
  id: 'allowPrivilegeEscalation',
  title: 'Disallow privilege escalation',
  description: 'Without allowPrivilegeEscalation: false a process can gain more privileges than its parent (setuid binaries, file capabilities).',
  severity: 'medium',
  category: 'Pod Security Standards (Restricted)',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false in every container, including init and ephemeral containers.',
  pss: { check: 'allowPrivilegeEscalation', level: 'restricted' },
  versions: [
    { since: 'v1.8', rules: (pod) => [{ name: 'privilege-escalation', message: MESSAGE, check: noEscalation(pod) }] },
    // From v1.25 Windows pods are exempt (spec.os.name: windows).
    { since: 'v1.25', rules: (pod) => [{ name: 'privilege-escalation', message: MESSAGE, check: or(isWindows(pod), noEscalation(pod)) }] },
  ],
});
