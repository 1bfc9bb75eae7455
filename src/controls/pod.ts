import type { Container, Lifecycle, LifecycleHandler, Probe } from 'kubernetes-types/core/v1';
import type { Pred } from '../ir/nodes.ts';
import type { PodModel } from './pod-model.ts';
import { equals } from './predicates.ts';
import { collectionRef, exprOf, type CollectionRef, type Ref } from './refs.ts';

/** The pod under review (for a workload: its pod template). */
export type PodRef = Ref<PodModel>;

/**
 * Every container of the pod, in PSA's visiting order: initContainers, containers,
 * ephemeralContainers (kubernetes/pod-security-admission:policy/visitor.go).
 */
export function allContainers(pod: PodRef): CollectionRef<Container> {
  const spec = pod.spec;
  return collectionRef('containers', [
    { expr: exprOf(spec.initContainers), as: 'elements' },
    { expr: exprOf(spec.containers), as: 'elements' },
    { expr: exprOf(spec.ephemeralContainers), as: 'elements' },
  ]);
}

/** Containers that may declare resources: initContainers and containers (ephemeral ones may not). */
export function resourceContainers(pod: PodRef): CollectionRef<Container> {
  return collectionRef('containers', [
    { expr: exprOf(pod.spec.initContainers), as: 'elements' },
    { expr: exprOf(pod.spec.containers), as: 'elements' },
  ]);
}

/** A container's probes: liveness, readiness, startup. */
export function probesOf(container: Ref<Container>): CollectionRef<Probe> {
  return collectionRef('probes', [container.livenessProbe, container.readinessProbe, container.startupProbe].map((ref) => ({ expr: exprOf(ref), as: 'value' as const })));
}

/** A container's lifecycle handlers: postStart, preStop. */
export function lifecycleHandlersOf(container: Ref<Container>): CollectionRef<LifecycleHandler> {
  const lifecycle: Ref<Lifecycle> = container.lifecycle;
  return collectionRef('handlers', [lifecycle.postStart, lifecycle.preStop].map((ref) => ({ expr: exprOf(ref), as: 'value' as const })));
}

/** `spec.os.name: windows`. */
export const isWindows = (pod: PodRef): Pred => equals(pod.spec.os.name, 'windows');

/** `spec.hostUsers: false`: the pod runs in a user namespace (PSA relaxes some checks from v1.35). */
export const usesUserNamespace = (pod: PodRef): Pred => equals(pod.spec.hostUsers, false);
