import { allContainers, and, defineControl, equals, every, oneOf, unsetOr } from 'kube-policy-compiler';
import type { PodRef, Ref } from 'kube-policy-compiler';
import type { SELinuxOptions } from 'kubernetes-types/core/v1';

const TYPES_V1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'] as const;
const TYPES_V1_31 = [...TYPES_V1_0, 'container_engine_t'] as const;

/** Options that are unset, or have an allowed type and no user or role (`level` is never checked). */
const allowedOptions = (options: Ref<SELinuxOptions>, types: readonly string[]) =>
  unsetOr(
    options,
    and(
      unsetOr(options.type, oneOf(options.type, types)),
      unsetOr(options.user, equals(options.user, '')),
      unsetOr(options.role, equals(options.role, '')),
    ),
  );

const rules = (types: readonly string[]) => (pod: PodRef) => [
  {
    name: 'pod-options',
    message: `spec.securityContext.seLinuxOptions may not set user or role, and its type must be one of ${types.filter(Boolean).join(', ')} or empty.`,
    check: allowedOptions(pod.spec.securityContext.seLinuxOptions, types),
  },
  {
    name: 'container-options',
    message: `securityContext.seLinuxOptions of every container may not set user or role, and its type must be one of ${types.filter(Boolean).join(', ')} or empty.`,
    check: every(allContainers(pod), (c) => allowedOptions(c.securityContext.seLinuxOptions, types)),
  },
];

export default defineControl({
  id: 'seLinuxOptions',
  title: 'Restrict SELinux options',
  description: 'Setting a custom SELinux user or role, or a type outside the container types, can lift SELinux confinement.',
  severity: 'medium',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove seLinuxOptions.user and seLinuxOptions.role, and use a container SELinux type (container_t, container_init_t, container_kvm_t, container_engine_t).',
  pss: { check: 'seLinuxOptions', level: 'baseline' },
  versions: [
    { since: 'v1.0', rules: rules(TYPES_V1_0) },
    { since: 'v1.31', rules: rules(TYPES_V1_31) },
  ],
});
