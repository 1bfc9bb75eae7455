import type { ResolvedNamespace } from '../../build/model.ts';

/**
 * PSA backend: a Namespace manifest per managed namespace, with the Pod Security Admission labels
 * (`pod-security.kubernetes.io/{enforce,warn,audit}` and their `-version` pins) and the labels the
 * Kyverno and Gatekeeper policies select namespaces by (`kube-policy-compiler/level` and the
 * hardening opt-ins).
 */
export function namespaceManifest(ns: ResolvedNamespace): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: { ...ns.labels } } };
}

/** `kubectl label --overwrite` arguments that give an existing namespace the same labels. */
export function labelArguments(ns: ResolvedNamespace): string[] {
  return Object.entries(ns.labels).map(([key, value]) => `${key}=${value}`);
}
