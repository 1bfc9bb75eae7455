import { and, defineControl, every, isSet, lookup, param, resourceContainers } from 'kube-policy-compiler';

export default defineControl({
  id: 'resourceLimits',
  title: 'Require resource requests and limits',
  description: 'Without requests the scheduler cannot place a pod fairly; without limits one pod can starve its node.',
  severity: 'medium',
  category: 'Hardening',
  remediation: 'Set resources.requests and resources.limits for cpu and memory in every container and init container.',
  parameters: {
    resources: param.stringList({ default: ['cpu', 'memory'], pattern: '^[a-z0-9A-Z./-]+$', description: 'Resources every container must request and limit.' }),
  },
  rules: (pod, params) => [
    {
      name: 'requests',
      message: `Set resources.requests for ${params.resources.value.join(' and ')} in every container and init container.`,
      check: every(resourceContainers(pod), (c) => every(params.resources, (name) => isSet(lookup(c.resources.requests, name)))),
    },
    {
      name: 'limits',
      message: `Set resources.limits for ${params.resources.value.join(' and ')} in every container and init container.`,
      check: every(resourceContainers(pod), (c) => every(params.resources, (name) => isSet(lookup(c.resources.limits, name)))),
    },
  ],
});
