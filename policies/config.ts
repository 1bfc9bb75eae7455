import { defineConfig } from 'kube-policy-compiler';

/**
 * The project config: which namespaces are managed, at which Pod Security Standards level, with
 * which hardening controls and network isolation, and the PSS version every control compiles to.
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
});
