/**
 * A namespace's PodSecurity policy from its labels (api/helpers.go PolicyToEvaluate): missing
 * labels fall back to the configured defaults, invalid levels fail closed for enforce and open for
 * audit/warn, invalid versions become latest, and warn follows a stricter explicit enforce.
 */
import { goQuote } from './go-format.ts';
import { compareLevels, LATEST, parseLevelLenient, parseVersionLenient, sameVersion, type LevelVersion } from './version.ts';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const LABELS = Object.freeze({
  enforce: `${LABEL_PREFIX}enforce`,
  enforceVersion: `${LABEL_PREFIX}enforce-version`,
  audit: `${LABEL_PREFIX}audit`,
  auditVersion: `${LABEL_PREFIX}audit-version`,
  warn: `${LABEL_PREFIX}warn`,
  warnVersion: `${LABEL_PREFIX}warn-version`,
});

export interface PodSecurityPolicy {
  readonly enforce: LevelVersion;
  readonly audit: LevelVersion;
  readonly warn: LevelVersion;
}

const PRIVILEGED_LATEST: LevelVersion = Object.freeze({ level: 'privileged', version: LATEST });

/** The built-in defaults: privileged/latest for every mode. */
export const PRIVILEGED_POLICY: PodSecurityPolicy = Object.freeze({ enforce: PRIVILEGED_LATEST, audit: PRIVILEGED_LATEST, warn: PRIVILEGED_LATEST });

/** An apimachinery field.Error of type Invalid, printed as Go prints it. */
export interface InvalidFieldError {
  readonly field: string;
  readonly value: string;
  readonly detail: string;
  /** `field: Invalid value: "value": detail` */
  readonly message: string;
}

export function invalidField(field: string, value: string, detail: string): InvalidFieldError {
  return { field, value, detail, message: `${field}: Invalid value: ${goQuote(value)}: ${detail}` };
}

/** utilerrors.NewAggregate(...).Error() over field errors (ErrorList.ToAggregate dedups by message). */
export function aggregateErrorMessage(messages: readonly string[]): string {
  const distinct = [...new Set(messages)];
  if (distinct.length === 0) return '';
  if (distinct.length === 1) return distinct[0]!;
  return `[${distinct.join(', ')}]`;
}

export function policyToEvaluate(
  labels: Readonly<Record<string, string>> | null | undefined,
  defaults: PodSecurityPolicy = PRIVILEGED_POLICY,
): { policy: PodSecurityPolicy; errors: InvalidFieldError[] } {
  const errors: InvalidFieldError[] = [];
  if (!labels || Object.keys(labels).length === 0) return { policy: defaults, errors };
  let { enforce, audit, warn } = defaults;
  const has = (key: string) => Object.hasOwn(labels, key);
  const labelPath = (key: string) => `metadata.labels[${key}]`;
  const record = (key: string, error: string | null) => {
    if (error) errors.push(invalidField(labelPath(key), labels[key]!, error));
  };

  let hasEnforceLevel = false;
  if (has(LABELS.enforce)) {
    const { level, error } = parseLevelLenient(labels[LABELS.enforce]!); // invalid → restricted (fail closed)
    enforce = { ...enforce, level };
    hasEnforceLevel = error === null; // an invalid enforce level does not default warn
    record(LABELS.enforce, error);
  }
  if (has(LABELS.enforceVersion)) {
    const { version, error } = parseVersionLenient(labels[LABELS.enforceVersion]!);
    enforce = { ...enforce, version };
    record(LABELS.enforceVersion, error);
  }
  if (has(LABELS.audit)) {
    const { level, error } = parseLevelLenient(labels[LABELS.audit]!);
    audit = { ...audit, level: error ? 'privileged' : level }; // fail open for audit
    record(LABELS.audit, error);
  }
  if (has(LABELS.auditVersion)) {
    const { version, error } = parseVersionLenient(labels[LABELS.auditVersion]!);
    audit = { ...audit, version };
    record(LABELS.auditVersion, error);
  }
  const hasWarnLevel = has(LABELS.warn);
  if (hasWarnLevel) {
    const { level, error } = parseLevelLenient(labels[LABELS.warn]!);
    warn = { ...warn, level: error ? 'privileged' : level }; // fail open for warn
    record(LABELS.warn, error);
  }
  const hasWarnVersion = has(LABELS.warnVersion);
  if (hasWarnVersion) {
    const { version, error } = parseVersionLenient(labels[LABELS.warnVersion]!);
    warn = { ...warn, version };
    record(LABELS.warnVersion, error);
  }

  // Implicit warn: an explicit, valid, stricter enforce level is also warned about (audit has no such rule).
  if (!hasWarnLevel && hasEnforceLevel && compareLevels(enforce.level, warn.level) > 0) {
    warn = { level: enforce.level, version: hasWarnVersion ? warn.version : enforce.version };
  }
  return { policy: { enforce, audit, warn }, errors };
}

export function isFullyPrivileged(policy: PodSecurityPolicy): boolean {
  return policy.enforce.level === 'privileged' && policy.audit.level === 'privileged' && policy.warn.level === 'privileged';
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && sameVersion(a.version, b.version);
}

/** LevelVersion.Equivalent: both privileged, or level and version equal (latest ≠ v1.37 here). */
export function equivalentLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return (a.level === 'privileged' && b.level === 'privileged') || sameLevelVersion(a, b);
}

export function equivalentPolicy(a: PodSecurityPolicy, b: PodSecurityPolicy): boolean {
  return equivalentLevelVersion(a.enforce, b.enforce) && equivalentLevelVersion(a.audit, b.audit) && equivalentLevelVersion(a.warn, b.warn);
}
