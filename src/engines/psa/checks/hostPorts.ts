// policy/check_hostPorts.go: baseline, every container port's hostPort must be 0 (unset).
import { majorMinor } from '../version.ts';
import { containerPath, visitContainers, type ContainerView, type PodView } from '../pod-model.ts';
import { pluralize, sortedSet } from '../go-format.ts';
import { ALLOWED, containersPhrase, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export function hostPorts_1_0(pod: PodView): CheckResult {
  const bad: ContainerView[] = [];
  const ports: string[] = [];
  const errors: FieldError[] = [];
  for (const c of visitContainers(pod.spec)) {
    let valid = true;
    c.ports.forEach((port, i) => {
      if (port.hostPort !== 0) {
        valid = false;
        ports.push(String(port.hostPort));
        errors.push(forbiddenField(`${containerPath(c)}.ports[${i}].hostPort`, port.hostPort));
      }
    });
    if (!valid) bad.push(c);
  }
  if (bad.length === 0) return ALLOWED;
  // The ports are a string set, so they sort as strings ("10" before "9").
  const distinct = sortedSet(ports);
  return forbiddenResult(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`,
    bad,
    errors,
  );
}

export const hostPorts: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostPorts_1_0, overrides: [] }],
};
