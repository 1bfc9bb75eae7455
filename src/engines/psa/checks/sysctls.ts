// policy/check_sysctls.go: baseline, pod sysctls limited to the safe set of each version (exact
// names: the slash form net/ipv4/... is forbidden).
import { majorMinor } from '../version.ts';
import type { PodView } from '../pod-model.ts';
import { ALLOWED, forbiddenField, forbiddenResult, type CheckDefinition, type CheckPodFn, type CheckResult, type FieldError } from './types.ts';

const V1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const V1_27 = [...V1_0, 'net.ipv4.ip_local_reserved_ports'];
const V1_29 = [...V1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const V1_32 = [...V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const V1_37 = [...V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** The allowed sysctl names by the version that introduced each list. */
export const ALLOWED_SYSCTLS: Readonly<Record<string, ReadonlySet<string>>> = {
  'v1.0': new Set(V1_0),
  'v1.27': new Set(V1_27),
  'v1.29': new Set(V1_29),
  'v1.32': new Set(V1_32),
  'v1.37': new Set(V1_37),
};

function sysctlsCheck(allowed: ReadonlySet<string>): CheckPodFn {
  return (pod: PodView): CheckResult => {
    const forbidden: string[] = [];
    const errors: FieldError[] = [];
    (pod.spec.securityContext?.sysctls ?? []).forEach((sysctl, i) => {
      if (!allowed.has(sysctl.name)) {
        forbidden.push(sysctl.name); // spec order, duplicates kept
        errors.push(forbiddenField(`spec.securityContext.sysctls[${i}].name`, sysctl.name));
      }
    });
    return forbidden.length === 0 ? ALLOWED : forbiddenResult('forbidden sysctls', forbidden.join(', '), [], errors);
  };
}

export const sysctls: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  versions: Object.entries(ALLOWED_SYSCTLS).map(([version, allowed]) => ({
    minimumVersion: majorMinor(1, Number(version.slice(3))),
    checkPod: sysctlsCheck(allowed),
    overrides: [],
  })),
};
