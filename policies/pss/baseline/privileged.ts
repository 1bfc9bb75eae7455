import { allContainers, defineControl, every, isNotTrue } from 'kube-policy-compiler';

export default defineControl({
  id: 'privileged',
  title: 'Disallow privileged containers',
  description: 'A privileged container runs with nearly every capability of the host and can escape to the node.',
  severity: 'critical',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove securityContext.privileged from every container, or set it to false.',
  pss: { check: 'privileged', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        {
          name: 'privileged-containers',
          message: 'Privileged containers are forbidden: remove securityContext.privileged from every container (including init and ephemeral containers) or set it to false.',
          check: every(allContainers(pod), (c) => isNotTrue(c.securityContext.privileged)),
        },
      ],
    },
  ],
});
