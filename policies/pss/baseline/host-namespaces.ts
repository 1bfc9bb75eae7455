import { defineControl, isNotTrue } from 'kube-policy-compiler';

export default defineControl({
  id: 'hostNamespaces',
  title: 'Disallow host namespaces',
  description: 'Sharing the host network, PID or IPC namespace gives a pod access to the node: its network interfaces, its processes and its shared memory.',
  severity: 'high',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC, or set them to false.',
  pss: { check: 'hostNamespaces', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        { name: 'host-network', message: 'Sharing the host network is forbidden: remove spec.hostNetwork or set it to false.', check: isNotTrue(pod.spec.hostNetwork) },
        { name: 'host-pid', message: 'Sharing the host PID namespace is forbidden: remove spec.hostPID or set it to false.', check: isNotTrue(pod.spec.hostPID) },
        { name: 'host-ipc', message: 'Sharing the host IPC namespace is forbidden: remove spec.hostIPC or set it to false.', check: isNotTrue(pod.spec.hostIPC) },
      ],
    },
  ],
});
