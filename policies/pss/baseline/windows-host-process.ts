import { allContainers, defineControl, every, isNotTrue } from 'kube-policy-compiler';

export default defineControl({
  id: 'windowsHostProcess',
  title: 'Disallow Windows HostProcess containers',
  description: 'A Windows HostProcess container runs directly on the host with the privileges of a host process.',
  severity: 'critical',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove securityContext.windowsOptions.hostProcess (pod and containers) or set it to false.',
  pss: { check: 'windowsHostProcess', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        {
          name: 'pod-host-process',
          message: 'spec.securityContext.windowsOptions.hostProcess must be false or unset.',
          check: isNotTrue(pod.spec.securityContext.windowsOptions.hostProcess),
        },
        {
          name: 'container-host-process',
          message: 'securityContext.windowsOptions.hostProcess must be false or unset in every container.',
          check: every(allContainers(pod), (c) => isNotTrue(c.securityContext.windowsOptions.hostProcess)),
        },
      ],
    },
  ],
});
