/**
 * The upstream snapshot this evaluator reproduces. PSA edits checks in place (AppArmor fields,
 * image volumes, user-namespace relaxations), so a pinned version alone does not fix behaviour:
 * the commit does. Reported by `kpc psa conformance` and the harness.
 */
export const PSA_UPSTREAM = Object.freeze({
  repository: 'kubernetes/pod-security-admission',
  commit: '8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8',
  date: '2026-07-01',
});
