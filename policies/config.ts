import { defineConfig } from 'kube-policy-compiler';

/**
 * The project config: which namespaces are managed, at which Pod Security Standards level, with
 * which hardening controls and network isolation; the exemptions; the staged rollout; and the PSS
 * version every control compiles to.
 */
export default defineConfig({
  pssVersion: 'latest',
  namespaces: [
    {
      name: 'payments',
      level: 'restricted',
      hardening: true,
      networkIsolation: { allowDns: true },
    },
    {
      name: 'storefront',
      level: 'restricted',
      hardening: ['pinnedImages', 'resourceLimits'],
      networkIsolation: { allowDns: true },
    },
    {
      // Onboarding: everything is audited until the team has fixed its findings.
      name: 'analytics',
      level: 'restricted',
      hardening: true,
    },
    {
      // Migrating: Baseline is enforced, Restricted violations are reported as warnings and audited.
      name: 'legacy-batch',
      level: 'baseline',
      warn: 'restricted',
      audit: 'restricted',
    },
    {
      // Node agents need host access; nothing is enforced, Baseline violations are audited.
      name: 'node-agents',
      level: 'privileged',
      audit: 'baseline',
    },
  ],
  exemptions: [
    {
      namespaces: ['node-agents'],
      reason: 'node agents (log shipper, CNI, CSI node plugins) need host namespaces and hostPath by design',
    },
    {
      workload: { kind: 'Deployment', name: 'payment-gateway-legacy', namespace: 'payments' },
      controls: ['readOnlyRootFilesystem'],
      reason: 'writes its session cache under /var/cache until gateway v3 ships',
      expires: '2027-06-30',
    },
    {
      workload: { selector: { matchLabels: { 'app.kubernetes.io/component': 'db-migration' } } },
      controls: ['resourceLimits'],
      reason: 'one-off migration Jobs are sized by the database operator',
    },
    {
      images: ['docker.io/istio/proxyv2:*'],
      controls: ['readOnlyRootFilesystem', 'runAsUserRange'],
      reason: 'the Istio sidecar manages its own filesystem and runs as UID 1337',
    },
  ],
  rollout: {
    default: 'enforce',
    // New control: warn everywhere before enforcing.
    controls: { pinnedImages: 'warn' },
    namespaces: { analytics: 'audit' },
  },
});
