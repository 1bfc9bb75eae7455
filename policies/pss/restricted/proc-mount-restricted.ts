import { defineControl } from 'kube-policy-compiler';
import { defaultProcMount, PROC_MOUNT_MESSAGE } from '../baseline/proc-mount.ts';

export default defineControl({
  id: 'procMount_restricted',
  title: 'Require the default /proc mount, even in user namespaces',
  description: 'At Restricted, an Unmasked /proc mount is forbidden even for pods in a user namespace.',
  severity: 'medium',
  category: 'Pod Security Standards (Restricted)',
  remediation: 'Remove securityContext.procMount from every container or set it to Default.',
  pss: { check: 'procMount_restricted', level: 'restricted' },
  versions: [
    // The v1.0 rule without the user-namespace relaxation (PSA procMount_restricted reuses procMount_1_0).
    { since: 'v1.35', overrides: ['procMount'], rules: (pod) => [{ name: 'proc-mount', message: PROC_MOUNT_MESSAGE, check: defaultProcMount(pod) }] },
  ],
});
