/**
 * Pod Security Admission, as kubernetes/pod-security-admission evaluates it at PSA_UPSTREAM.commit.
 *
 * - Checks: CHECKS (19 definitions with their versioned implementations and override relations),
 *   CHECK_IDS, activeChecks(level, version), LATEST_VERSION (the newest check version: what
 *   `latest` and newer pins mean).
 * - Evaluation: evaluatePod(level, version, {metadata, spec}, options) → per-check results in PSA's
 *   order and PSA's aggregate message; evaluateCheck(id, version, pod) for one check on its own.
 *   Each result names the containers it blames (kind, index, name, image) and lists field errors
 *   shaped like Kyverno's PSA fork, so `validate.podSecurity` exclusions can be applied on top.
 * - Workloads: extractPodSpec(object) → the pod (or pod template) PSA evaluates.
 * - Namespaces and admission: policyToEvaluate(labels, defaults), loadPodSecurityConfiguration(file),
 *   admit(request, environment) → allowed/denied, warnings and audit annotations.
 * - Tooling: runPsaConformance(dir) for fixture trees, psaEvalRows for `kpc eval`.
 */
export { PSA_UPSTREAM } from './upstream.ts';
export {
  LATEST,
  LEVELS,
  compareLevels,
  isLevel,
  isOlder,
  levelVersionString,
  majorMinor,
  parseLevel,
  parseLevelLenient,
  parseLevelVersion,
  parseVersion,
  parseVersionLenient,
  type Level,
  type LevelVersion,
  type PsaVersion,
} from './version.ts';
export type { CheckDefinition, CheckId, CheckPodFn, CheckResult, ContainerRef, FieldError, VersionedCheck } from './checks/types.ts';
export {
  CHECKS,
  CHECK_IDS,
  LATEST_VERSION,
  activeChecks,
  checkDefinition,
  effectiveVersion,
  implementationAt,
  isCheckId,
  overriddenBy,
  validateChecks,
  type ActiveCheck,
} from './registry.ts';
export { decodePod, PodDecodeError, VOLUME_SOURCE_FIELDS, type Defaulting } from './decode.ts';
export type { ContainerKind, ContainerView, PodMetaView, PodSpecView, PodView } from './pod-model.ts';
export {
  aggregateResults,
  evaluateCheck,
  evaluatePod,
  evaluatePodView,
  UNKNOWN_FORBIDDEN_REASON,
  type CheckEvaluation,
  type EvaluateOptions,
  type PodEvaluation,
  type PodInput,
} from './evaluate.ts';
export { apiGroup, extractPodSpec, podSpecResource, POD_SPEC_KINDS, type ExtractedPod, type PodSpecResource } from './workloads.ts';
export {
  LABELS,
  LABEL_PREFIX,
  PRIVILEGED_POLICY,
  equivalentPolicy,
  isFullyPrivileged,
  policyToEvaluate,
  type InvalidFieldError,
  type PodSecurityPolicy,
} from './namespace-policy.ts';
export {
  DEFAULT_CONFIGURATION,
  loadPodSecurityConfiguration,
  parsePodSecurityConfiguration,
  type PodSecurityConfiguration,
  type PodSecurityExemptions,
} from './config.ts';
export {
  admit,
  isSignificantPodUpdate,
  AUDIT_ANNOTATION_PREFIX,
  IGNORED_POD_SUBRESOURCES,
  type AdmissionEnvironment,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionStatus,
  type GroupResource,
  type NamespaceLookup,
  type Operation,
} from './admission.ts';
export { evaluatePodsInNamespace, exemptNamespaceWarning, DEFAULT_MAX_PODS_TO_CHECK } from './admission-namespace.ts';
export { runPsaConformance, checkOfFixture, EXPECTED_ERROR_SUBSTRING } from './conformance.ts';
export { psaEvalRows } from './eval.ts';
