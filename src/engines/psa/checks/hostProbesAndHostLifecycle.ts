// policy/check_hostProbesAndhostLifecycle.go: baseline (1.34+), probes and lifecycle handlers must
// not set httpGet.host or tcpSocket.host (any non-empty value, loopback included; grpc and exec
// handlers are not read).
import { majorMinor } from '../version.ts';
import { visitContainers, type ContainerView, type HandlerView, type PodView } from '../pod-model.ts';
import { joinQuote, pluralize, sortedSet } from '../go-format.ts';
import { ALLOWED, forbiddenResult, type CheckDefinition, type CheckResult } from './types.ts';

function handlerHosts(handler: HandlerView | null): string[] {
  if (!handler) return [];
  const hosts: string[] = [];
  if (handler.httpGet && handler.httpGet.host !== '') hosts.push(handler.httpGet.host);
  if (handler.tcpSocket && handler.tcpSocket.host !== '') hosts.push(handler.tcpSocket.host);
  return hosts;
}

export function hostProbesAndHostLifecycle_1_34(pod: PodView): CheckResult {
  const bad: ContainerView[] = [];
  const hosts: string[] = [];
  for (const c of visitContainers(pod.spec)) {
    const found = [
      ...handlerHosts(c.livenessProbe),
      ...handlerHosts(c.readinessProbe),
      ...handlerHosts(c.startupProbe),
      ...handlerHosts(c.lifecycle?.postStart ?? null),
      ...handlerHosts(c.lifecycle?.preStop ?? null),
    ];
    if (found.length > 0) {
      bad.push(c);
      hosts.push(...found);
    }
  }
  if (bad.length === 0) return ALLOWED;
  // Unlike the other checks, container names and hosts are both sorted sets here.
  const names = sortedSet(bad.map((c) => c.name));
  const distinctHosts = sortedSet(hosts);
  // kyverno/pod-security-admission reports no field errors for this check.
  return forbiddenResult(
    'probe or lifecycle host',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', distinctHosts.length)} ${joinQuote(distinctHosts)}`,
    bad,
    [],
  );
}

export const hostProbesAndHostLifecycle: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 34), checkPod: hostProbesAndHostLifecycle_1_34, overrides: [] }],
};
