import { allContainers, and, atLeast, atMost, defineControl, effective, every, isWindows, or, param } from 'kube-policy-compiler';

export default defineControl({
  id: 'runAsUserRange',
  title: 'Run as a non-system UID and GID',
  description:
    'Containers run with an explicit UID and GID in a configured range (by default 1000 and above), so they never share an identity with system users of the image or the node.',
  severity: 'medium',
  category: 'Hardening',
  remediation: 'Set runAsUser and runAsGroup (pod-level or in every container) to IDs in the allowed range, e.g. runAsUser: 1001, runAsGroup: 1001.',
  parameters: {
    minUid: param.integer({ default: 1000, minimum: 0, maximum: 2147483647, description: 'Lowest allowed runAsUser.' }),
    maxUid: param.integer({ default: 2147483647, minimum: 0, maximum: 2147483647, description: 'Highest allowed runAsUser.' }),
    minGid: param.integer({ default: 1000, minimum: 0, maximum: 2147483647, description: 'Lowest allowed runAsGroup.' }),
    maxGid: param.integer({ default: 2147483647, minimum: 0, maximum: 2147483647, description: 'Highest allowed runAsGroup.' }),
  },
  rules: (pod, params) => [
    {
      name: 'run-as-user',
      message: `Set runAsUser to a UID from ${params.minUid.value} to ${params.maxUid.value}, in spec.securityContext or in every container.`,
      // Windows pods cannot set runAsUser (they use windowsOptions.runAsUserName).
      check: or(
        isWindows(pod),
        every(allContainers(pod), (c) => {
          const uid = effective(c.securityContext.runAsUser, pod.spec.securityContext.runAsUser);
          return and(atLeast(uid, params.minUid), atMost(uid, params.maxUid));
        }),
      ),
    },
    {
      name: 'run-as-group',
      message: `Set runAsGroup to a GID from ${params.minGid.value} to ${params.maxGid.value}, in spec.securityContext or in every container.`,
      check: or(
        isWindows(pod),
        every(allContainers(pod), (c) => {
          const gid = effective(c.securityContext.runAsGroup, pod.spec.securityContext.runAsGroup);
          return and(atLeast(gid, params.minGid), atMost(gid, params.maxGid));
        }),
      ),
    },
  ],
});
