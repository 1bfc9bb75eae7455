import { allContainers, defineControl, equals, every, isWindows, oneOf, or, some } from 'kube-policy-compiler';
import type { PodRef } from 'kube-policy-compiler';

const DROP_MESSAGE = 'Every container must drop all capabilities: set securityContext.capabilities.drop to ["ALL"].';
const ADD_MESSAGE = 'Containers may only add NET_BIND_SERVICE: remove every other entry of securityContext.capabilities.add.';

// A container with no capabilities object is reported as missing drop ALL (PSA capabilitiesRestricted_1_22).
const dropsAll = (pod: PodRef) => every(allContainers(pod), (c) => some(c.securityContext.capabilities.drop, (cap) => equals(cap, 'ALL')));
const addsOnlyNetBind = (pod: PodRef) =>
  every(allContainers(pod), (c) => every(c.securityContext.capabilities.add, (cap) => oneOf(cap, ['NET_BIND_SERVICE'])));

export default defineControl({
  id: 'capabilities_restricted',
  title: 'Drop all capabilities',
  description: 'Restricted containers drop every Linux capability and may add back only NET_BIND_SERVICE.',
  severity: 'medium',
  category: 'Pod Security Standards (Restricted)',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] in every container, and add at most NET_BIND_SERVICE.',
  pss: { check: 'capabilities_restricted', level: 'restricted' },
  versions: [
    {
      since: 'v1.22',
      overrides: ['capabilities_baseline'],
      rules: (pod) => [
        { name: 'drop-all', message: DROP_MESSAGE, check: dropsAll(pod) },
        { name: 'add-net-bind-service-only', message: ADD_MESSAGE, check: addsOnlyNetBind(pod) },
      ],
    },
    {
      // From v1.25 Windows pods are exempt (spec.os.name: windows).
      since: 'v1.25',
      overrides: ['capabilities_baseline'],
      rules: (pod) => [
        { name: 'drop-all', message: DROP_MESSAGE, check: or(isWindows(pod), dropsAll(pod)) },
        { name: 'add-net-bind-service-only', message: ADD_MESSAGE, check: or(isWindows(pod), addsOnlyNetBind(pod)) },
      ],
    },
  ],
});
