import type { ResolvedNamespace } from '../../build/model.ts';
import { LEVEL_LABEL } from '../../build/model.ts';

/**
 * Network isolation: a default-deny NetworkPolicy (all ingress and egress) for each managed
 * namespace that asks for it, and, when `allowDns` is set, a policy letting every pod reach the
 * cluster DNS (kube-dns / CoreDNS in kube-system, UDP and TCP 53).
 */
export function defaultDenyPolicy(ns: ResolvedNamespace): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kpc-default-deny', namespace: ns.name, labels: { [LEVEL_LABEL]: ns.level } },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function allowDnsPolicy(ns: ResolvedNamespace): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kpc-allow-dns', namespace: ns.name, labels: { [LEVEL_LABEL]: ns.level } },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  };
}
