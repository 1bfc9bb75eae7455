import { allContainers, defineControl, every, oneOf } from 'kube-policy-compiler';

/** The capabilities the Baseline level allows a container to add (exact, case-sensitive names). */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
] as const;

export default defineControl({
  id: 'capabilities_baseline',
  title: 'Restrict added capabilities',
  description: 'Containers may add only the capabilities of the default container runtime set; anything else (NET_RAW, SYS_ADMIN, …) widens the attack surface.',
  severity: 'high',
  category: 'Pod Security Standards (Baseline)',
  remediation: `Remove from securityContext.capabilities.add every capability outside ${BASELINE_CAPABILITIES.join(', ')}.`,
  pss: { check: 'capabilities_baseline', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        {
          name: 'added-capabilities',
          message: `Adding capabilities beyond the Baseline set is forbidden: securityContext.capabilities.add may only list ${BASELINE_CAPABILITIES.join(', ')}.`,
          check: every(allContainers(pod), (c) => every(c.securityContext.capabilities.add, (cap) => oneOf(cap, BASELINE_CAPABILITIES))),
        },
      ],
    },
  ],
});
