import { allContainers, defineControl, equals, every, unsetOr } from 'kube-policy-compiler';

export default defineControl({
  id: 'hostPorts',
  title: 'Disallow host ports',
  description: 'A host port binds the container to a port of the node, bypassing network policies and exposing the node.',
  severity: 'medium',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove ports[].hostPort from every container (or set it to 0); expose the pod through a Service instead.',
  pss: { check: 'hostPorts', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        {
          name: 'host-ports',
          message: 'Host ports are forbidden: remove ports[].hostPort from every container or set it to 0.',
          check: every(allContainers(pod), (c) => every(c.ports, (port) => unsetOr(port.hostPort, equals(port.hostPort, 0)))),
        },
      ],
    },
  ],
});
