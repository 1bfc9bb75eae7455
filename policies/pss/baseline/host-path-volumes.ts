import { defineControl, every, isUnset } from 'kube-policy-compiler';

export default defineControl({
  id: 'hostPathVolumes',
  title: 'Disallow hostPath volumes',
  description: 'A hostPath volume mounts a directory of the node into the pod, which can expose the node to the workload.',
  severity: 'high',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Replace hostPath volumes with emptyDir, configMap, secret or persistentVolumeClaim volumes.',
  pss: { check: 'hostPathVolumes', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        {
          name: 'host-path',
          message: 'hostPath volumes are forbidden: remove spec.volumes[].hostPath and use another volume type.',
          check: every(pod.spec.volumes, (volume) => isUnset(volume.hostPath)),
        },
      ],
    },
  ],
});
