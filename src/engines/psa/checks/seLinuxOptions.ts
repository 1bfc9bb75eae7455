// policy/check_seLinuxOptions.go: baseline, SELinux type limited to an allowed set (container_engine_t
// added in 1.31); user and role must be empty; level is never read.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView, type SeLinuxOptionsView } from '../pod-model.ts';
import { joinQuote, pluralize, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export const SELINUX_TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
export const SELINUX_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(pod: PodView, allowedTypes: ReadonlySet<string>): CheckResult {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const errors: FieldError[] = [];
  let setUser = false;
  let setRole = false;

  const valid = (options: SeLinuxOptionsView, prefix: string): boolean => {
    let ok = true;
    if (!allowedTypes.has(options.type)) {
      ok = false;
      badTypes.push(options.type);
      errors.push(forbiddenField(`${prefix}.seLinuxOptions.type`, options.type));
    }
    if (options.user.length > 0) {
      ok = false;
      setUser = true;
      errors.push(forbiddenField(`${prefix}.seLinuxOptions.user`, options.user));
    }
    if (options.role.length > 0) {
      ok = false;
      setRole = true;
      errors.push(forbiddenField(`${prefix}.seLinuxOptions.role`, options.role));
    }
    return ok;
  };

  const podOptions = pod.spec.securityContext?.seLinuxOptions ?? null;
  if (podOptions && !valid(podOptions, 'spec.securityContext')) setters.push('pod');
  const bad: ContainerView[] = [];
  for (const c of visitContainers(pod.spec)) {
    const options = c.securityContext?.seLinuxOptions ?? null;
    if (options && !valid(options, `${containerPath(c)}.securityContext`)) bad.push(c);
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;

  const data: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return forbiddenResult('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`, bad, errors);
}

export function seLinuxOptions_1_0(pod: PodView): CheckResult {
  return seLinuxOptions(pod, SELINUX_TYPES_1_0);
}

export function seLinuxOptions_1_31(pod: PodView): CheckResult {
  return seLinuxOptions(pod, SELINUX_TYPES_1_31);
}

export const seLinuxOptionsCheck: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: seLinuxOptions_1_0, overrides: [] },
    { minimumVersion: majorMinor(1, 31), checkPod: seLinuxOptions_1_31, overrides: [] },
  ],
};
