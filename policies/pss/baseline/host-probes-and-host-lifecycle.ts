import { allContainers, defineControl, equals, every, lifecycleHandlersOf, probesOf, unsetOr, and } from 'kube-policy-compiler';
import type { Ref } from 'kube-policy-compiler';
import type { HTTPGetAction, TCPSocketAction } from 'kubernetes-types/core/v1';

/** No host set (or an empty one) on a handler's httpGet and tcpSocket. */
const noHost = (handler: { httpGet: Ref<HTTPGetAction>; tcpSocket: Ref<TCPSocketAction> }) =>
  and(unsetOr(handler.httpGet.host, equals(handler.httpGet.host, '')), unsetOr(handler.tcpSocket.host, equals(handler.tcpSocket.host, '')));

export default defineControl({
  id: 'hostProbesAndHostLifecycle',
  title: 'Disallow probe and lifecycle hosts',
  description: 'A probe or lifecycle handler with a host makes the kubelet connect to an arbitrary address, which can be abused to reach the node or other hosts.',
  severity: 'medium',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove the host field of httpGet and tcpSocket in liveness, readiness and startup probes and in postStart/preStop handlers.',
  pss: { check: 'hostProbesAndHostLifecycle', level: 'baseline' },
  versions: [
    {
      since: 'v1.34',
      rules: (pod) => [
        {
          name: 'probe-hosts',
          message: 'Probe hosts are forbidden: remove httpGet.host and tcpSocket.host from livenessProbe, readinessProbe and startupProbe.',
          check: every(allContainers(pod), (c) => every(probesOf(c), noHost)),
        },
        {
          name: 'lifecycle-hosts',
          message: 'Lifecycle handler hosts are forbidden: remove httpGet.host and tcpSocket.host from lifecycle.postStart and lifecycle.preStop.',
          check: every(allContainers(pod), (c) => every(lifecycleHandlersOf(c), noHost)),
        },
      ],
    },
  ],
});
