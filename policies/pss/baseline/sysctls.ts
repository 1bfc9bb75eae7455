import { defineControl, every, oneOf } from 'kube-policy-compiler';
import type { PodRef, PssVersion } from 'kube-policy-compiler';

/** The safe sysctls, by the version that allowed them (PSA check_sysctls.go). */
const ADDED: readonly { since: PssVersion; names: readonly string[] }[] = [
  { since: 'v1.0', names: ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'] },
  { since: 'v1.27', names: ['net.ipv4.ip_local_reserved_ports'] },
  { since: 'v1.29', names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] },
  { since: 'v1.32', names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { since: 'v1.37', names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

const allowedUpTo = (index: number): string[] => ADDED.slice(0, index + 1).flatMap((step) => step.names);

export default defineControl({
  id: 'sysctls',
  title: 'Restrict sysctls',
  description: 'Only namespaced, isolated sysctls are safe; any other sysctl can affect the node or other pods.',
  severity: 'medium',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Remove from spec.securityContext.sysctls every sysctl not in the safe set for your Kubernetes version.',
  pss: { check: 'sysctls', level: 'baseline' },
  versions: ADDED.map((step, index) => ({
    since: step.since,
    rules: (pod: PodRef) => [
      {
        name: 'safe-sysctls',
        message: `Only safe sysctls may be set in spec.securityContext.sysctls: ${allowedUpTo(index).join(', ')}.`,
        check: every(pod.spec.securityContext.sysctls, (sysctl) => oneOf(sysctl.name, allowedUpTo(index))),
      },
    ],
  })),
});
