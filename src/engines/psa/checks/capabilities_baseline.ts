// policy/check_capabilities_baseline.go: baseline, capabilities.add limited to the default set.
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { joinQuote, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

/** Exact, case-sensitive names: `chown` and `CAP_CHOWN` are not in the set. */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

export function capabilitiesBaseline_1_0(pod: PodView): CheckResult {
  const bad: ContainerView[] = [];
  const nonDefault: string[] = [];
  const errors: FieldError[] = [];
  for (const c of visitContainers(pod.spec)) {
    const caps = c.securityContext?.capabilities;
    if (!caps) continue;
    const forbidden = caps.add.filter((cap) => !BASELINE_ALLOWED_CAPABILITIES.has(cap));
    if (forbidden.length > 0) {
      bad.push(c);
      nonDefault.push(...forbidden);
      errors.push(forbiddenField(`${containerPath(c)}.securityContext.capabilities.add`, sortedSet(forbidden)));
    }
  }
  if (bad.length === 0) return ALLOWED;
  return forbiddenResult(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(nonDefault))} in securityContext.capabilities.add`,
    bad,
    errors,
  );
}

export const capabilities_baseline: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: capabilitiesBaseline_1_0, overrides: [] }],
};
