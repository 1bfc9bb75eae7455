import { allContainers, defineControl, every, isTrue, isWindows, or } from 'kube-policy-compiler';

export default defineControl({
  id: 'readOnlyRootFilesystem',
  title: 'Require a read-only root filesystem',
  description:
    'A read-only root filesystem stops an attacker from installing tools or tampering with binaries in the container. No Pod Security Standards level requires it, so PSA cannot enforce it.',
  severity: 'medium',
  category: 'Hardening',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true in every container and mount an emptyDir where the application writes.',
  rules: (pod) => [
    {
      name: 'read-only-root-filesystem',
      message: 'Set securityContext.readOnlyRootFilesystem: true in every container (mount an emptyDir for paths the application writes).',
      // Windows containers cannot set readOnlyRootFilesystem (API validation).
      check: or(isWindows(pod), every(allContainers(pod), (c) => isTrue(c.securityContext.readOnlyRootFilesystem))),
    },
  ],
});
