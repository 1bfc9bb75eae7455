/**
 * A ValidatingAdmissionPolicy read as the apiserver accepts it (admissionregistration.k8s.io v1,
 * v1beta1, v1alpha1 — the same shape): strict decoding, v1 defaulting (failurePolicy Fail,
 * matchConstraints defaults), validation (pkg/apis/admissionregistration/validation
 * validateValidatingAdmissionPolicy) including compiling every expression with the variables the
 * apiserver declares for it. An object the apiserver would reject is an InvalidObjectError; an
 * expression this evaluator cannot run faithfully is an UnsupportedError.
 */
import { compileCelPolicy, type CelCompileIssue, type CompiledCelPolicy } from '../cel/index.ts';
import { labelValueErrors, qualifiedNameErrors } from '../k8s/validation.ts';
import { UnsupportedError } from '../../util/errors.ts';
import type { LoadedObject } from '../../util/eval-row.ts';
import { isJsonObject, labelsOf, type JsonObject } from './attributes.ts';
import { FieldErrors, InvalidObjectError, StrictReader } from './decode.ts';
import { dns1035LabelErrors, dns1123SubdomainErrors } from '../k8s/validation.ts';
import { undeclaredReference } from './expressions.ts';
import type { MatchResources } from './match.ts';
import { readMatchResources, validateMatchResources } from './match-resources.ts';
import { parseGroupVersion, type GroupVersionKind } from './resources.ts';

export const ADMISSION_GROUP = 'admissionregistration.k8s.io';
export const API_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface Validation {
  readonly expression: string;
  readonly message: string;
  readonly messageExpression: string;
  readonly reason: string | null;
}

export interface ValidatingAdmissionPolicy {
  readonly source: { readonly file?: string; readonly line?: number };
  readonly version: ApiVersion;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly paramKind: { readonly apiVersion: string; readonly kind: string } | null;
  readonly matchConstraints: MatchResources;
  readonly validations: readonly Validation[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly auditAnnotations: readonly { readonly key: string; readonly valueExpression: string }[];
  readonly matchConditions: readonly { readonly name: string; readonly expression: string }[];
  readonly variables: readonly { readonly name: string; readonly expression: string }[];
  /** Every expression, compiled once by the shared CEL layer. */
  readonly cel: CompiledCelPolicy;
}

const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MAX_AUDIT_ANNOTATIONS = 20;
const MAX_AUDIT_ANNOTATION_VALUE_EXPRESSION_LENGTH = 5 * 1024;
const MAX_MATCH_CONDITIONS = 64;
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** Which kind of admissionregistration object a manifest is, if any. */
export function admissionKind(object: JsonObject): { kind: 'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding'; version: ApiVersion } | null {
  const gv = typeof object['apiVersion'] === 'string' ? parseGroupVersion(object['apiVersion']) : null;
  if (!gv || gv.group !== ADMISSION_GROUP || !(API_VERSIONS as readonly string[]).includes(gv.version)) return null;
  const kind = object['kind'];
  if (kind !== 'ValidatingAdmissionPolicy' && kind !== 'ValidatingAdmissionPolicyBinding') return null;
  return { kind, version: gv.version as ApiVersion };
}

/** Reads, defaults and validates a policy; throws InvalidObjectError or UnsupportedError. */
export function loadPolicy(loaded: LoadedObject): ValidatingAdmissionPolicy {
  const where = { file: loaded.file, line: loaded.line };
  const object = loaded.value;
  const type = admissionKind(object);
  if (type?.kind !== 'ValidatingAdmissionPolicy') {
    throw new InvalidObjectError('not a ValidatingAdmissionPolicy', [{ field: 'kind', message: `kind: ${JSON.stringify(object['kind'])} in ${JSON.stringify(object['apiVersion'])}` }], where);
  }
  const reader = new StrictReader();
  reader.object(object, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const metadata = reader.object(object['metadata'], 'metadata', METADATA_FIELDS) ?? {};
  const name = reader.string(metadata, 'name', 'metadata') ?? '';
  const spec = reader.object(object['spec'], 'spec', ['paramKind', 'matchConstraints', 'validations', 'failurePolicy', 'auditAnnotations', 'matchConditions', 'variables']) ?? {};
  const paramKindRaw = reader.object(spec['paramKind'], 'spec.paramKind', ['apiVersion', 'kind']);
  const paramKind = paramKindRaw ? { apiVersion: reader.string(paramKindRaw, 'apiVersion', 'spec.paramKind') ?? '', kind: reader.string(paramKindRaw, 'kind', 'spec.paramKind') ?? '' } : null;
  const matchConstraints = readMatchResources(reader, spec['matchConstraints'], 'spec.matchConstraints');
  const validations =
    reader.list(spec, 'validations', 'spec', (item, path) => {
      const v = reader.object(item, path, ['expression', 'message', 'reason', 'messageExpression']);
      if (v === null) return null;
      return {
        expression: reader.string(v, 'expression', path) ?? '',
        message: reader.string(v, 'message', path) ?? '',
        messageExpression: reader.string(v, 'messageExpression', path) ?? '',
        reason: reader.string(v, 'reason', path),
      };
    }) ?? [];
  const named = (item: unknown, path: string, valueKey: string) => {
    const entry = reader.object(item, path, ['name', valueKey]);
    if (entry === null) return null;
    return { name: reader.string(entry, 'name', path) ?? '', expression: reader.string(entry, valueKey, path) ?? '' };
  };
  const auditAnnotations =
    reader.list(spec, 'auditAnnotations', 'spec', (item, path) => {
      const entry = reader.object(item, path, ['key', 'valueExpression']);
      if (entry === null) return null;
      return { key: reader.string(entry, 'key', path) ?? '', valueExpression: reader.string(entry, 'valueExpression', path) ?? '' };
    }) ?? [];
  const matchConditions = reader.list(spec, 'matchConditions', 'spec', (item, path) => named(item, path, 'expression')) ?? [];
  const variables = reader.list(spec, 'variables', 'spec', (item, path) => named(item, path, 'expression')) ?? [];
  const failurePolicy = reader.string(spec, 'failurePolicy', 'spec') ?? 'Fail';
  const summary = `ValidatingAdmissionPolicy.${ADMISSION_GROUP} ${JSON.stringify(name)} is invalid`;
  reader.done(summary, where);

  const errors = new FieldErrors();
  validateObjectName(name, errors);
  if (isJsonObject(metadata['labels'])) validateLabels(metadata['labels'], errors);
  if (!FAILURE_POLICIES.includes(failurePolicy)) errors.notSupported('spec.failurePolicy', failurePolicy, FAILURE_POLICIES);
  if (paramKind) validateParamKind(paramKind, errors);
  if (matchConstraints === null) errors.required('spec.matchConstraints');
  else {
    validateMatchResources(matchConstraints, 'spec.matchConstraints', errors);
    // at least one resourceRule must be defined to provide type information
    if (matchConstraints.resourceRules.length === 0) errors.required('spec.matchConstraints.resourceRules');
  }
  validateMatchConditions(matchConditions, errors);
  variables.forEach((variable, i) => {
    const path = `spec.variables[${i}]`;
    if (variable.name.trim() === '') errors.required(`${path}.name`, 'name is not specified');
    else if (!CEL_IDENTIFIER.test(variable.name) || CEL_RESERVED.has(variable.name)) errors.invalid(`${path}.name`, variable.name, 'name is not a valid CEL identifier');
    if (variable.expression.trim() === '') errors.required(`${path}.expression`, 'expression is not specified');
  });
  if (validations.length === 0 && auditAnnotations.length === 0) {
    errors.required('spec.validations', 'validations or auditAnnotations must contain at least one item');
    errors.required('spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item');
  } else {
    validations.forEach((validation, i) => validateValidation(validation, `spec.validations[${i}]`, errors));
    if (auditAnnotations.length > MAX_AUDIT_ANNOTATIONS) {
      errors.invalid('spec.auditAnnotations', `${auditAnnotations.length} items`, `must not have more than ${MAX_AUDIT_ANNOTATIONS} auditAnnotations`);
    }
    const keys = new Set<string>();
    auditAnnotations.forEach((annotation, i) => {
      const path = `spec.auditAnnotations[${i}]`;
      if (name !== '') {
        for (const message of qualifiedNameErrors(`${name}/${annotation.key}`)) errors.invalid(`${path}.key`, `${name}/${annotation.key}`, message);
      } else errors.invalid(`${path}.key`, annotation.key, 'requires metadata.name be non-empty');
      const trimmed = annotation.valueExpression.trim();
      if (trimmed === '') errors.required(`${path}.valueExpression`, 'valueExpression is not specified');
      else if (trimmed.length > MAX_AUDIT_ANNOTATION_VALUE_EXPRESSION_LENGTH) {
        errors.required(`${path}.valueExpression`, `must not exceed ${MAX_AUDIT_ANNOTATION_VALUE_EXPRESSION_LENGTH} bytes in length`);
      }
      if (keys.has(annotation.key)) errors.duplicate(`${path}.key`, annotation.key);
      keys.add(annotation.key);
    });
  }

  const cel = compileCelPolicy({
    variables,
    matchConditions,
    validations: validations.map((v) => ({
      expression: v.expression,
      message: v.message,
      ...(v.messageExpression.trim() !== '' ? { messageExpression: v.messageExpression } : {}),
      ...(v.reason !== null ? { reason: v.reason } : {}),
    })),
    auditAnnotations: auditAnnotations.map((a) => ({ key: a.key, valueExpression: a.valueExpression })),
  });
  checkExpressions(cel, paramKind !== null, errors, where);

  if (errors.list.length > 0) throw new InvalidObjectError(summary, errors.list, where);
  return {
    source: where,
    version: type.version,
    name,
    labels: labelsOf(object),
    paramKind,
    matchConstraints: matchConstraints!,
    validations,
    failurePolicy: failurePolicy as 'Fail' | 'Ignore',
    auditAnnotations,
    matchConditions,
    variables,
    cel,
  };
}

export const METADATA_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
  'selfLink',
];

/** ValidateObjectMeta for a cluster-scoped object named as a DNS subdomain (name and labels). */
export function validateObjectName(name: string, errors: FieldErrors): void {
  if (name === '') errors.required('metadata.name', 'name or generateName is required');
  else for (const message of dns1123SubdomainErrors(name)) errors.invalid('metadata.name', name, message);
}

export function validateLabels(labels: JsonObject, errors: FieldErrors): void {
  for (const [key, value] of Object.entries(labels)) {
    for (const message of qualifiedNameErrors(key)) errors.invalid('metadata.labels', key, message);
    if (typeof value === 'string') for (const message of labelValueErrors(value)) errors.invalid('metadata.labels', value, message);
  }
}

function validateParamKind(paramKind: { apiVersion: string; kind: string }, errors: FieldErrors): void {
  if (paramKind.apiVersion === '') errors.required('spec.paramKind.apiVersion');
  else {
    const gv = parseGroupVersion(paramKind.apiVersion);
    if (gv === null) errors.invalid('spec.paramKind.apiVersion', paramKind.apiVersion, `unexpected GroupVersion string: ${paramKind.apiVersion}`);
    else {
      if (gv.group !== '') {
        const groupErrors = dns1123SubdomainErrors(gv.group);
        if (groupErrors.length > 0) errors.invalid('spec.paramKind.apiVersion', gv.group, groupErrors.join(','));
      }
      if (gv.version === '') errors.invalid('spec.paramKind.apiVersion', paramKind.apiVersion, 'version must be specified');
      else {
        const versionErrors = dns1035LabelErrors(gv.version);
        if (versionErrors.length > 0) errors.invalid('spec.paramKind.apiVersion', gv.version, versionErrors.join(','));
      }
    }
  }
  if (paramKind.kind === '') errors.required('spec.paramKind.kind');
  else {
    const kindErrors = dns1035LabelErrors(paramKind.kind.toLowerCase());
    if (kindErrors.length > 0) errors.invalid('spec.paramKind.kind', paramKind.kind, `may have mixed case, but should otherwise match: ${kindErrors.join(',')}`);
  }
}

function validateMatchConditions(conditions: readonly { name: string; expression: string }[], errors: FieldErrors): void {
  if (conditions.length > MAX_MATCH_CONDITIONS) errors.tooMany('spec.matchConditions', conditions.length, MAX_MATCH_CONDITIONS);
  const names = new Set<string>();
  conditions.forEach((condition, i) => {
    const path = `spec.matchConditions[${i}]`;
    if (condition.expression.trim() === '') errors.required(`${path}.expression`);
    if (condition.name === '') errors.required(`${path}.name`);
    else for (const message of qualifiedNameErrors(condition.name)) errors.invalid(`${path}.name`, condition.name, message);
    if (condition.name !== '') {
      if (names.has(condition.name)) errors.duplicate(`${path}.name`, condition.name);
      names.add(condition.name);
    }
  });
}

function validateValidation(validation: Validation, path: string, errors: FieldErrors): void {
  if (validation.expression.trim() === '') errors.required(`${path}.expression`, 'expression is not specified');
  if (validation.messageExpression.length > 0 && validation.messageExpression.trim() === '') {
    errors.invalid(`${path}.messageExpression`, validation.messageExpression, 'must be non-empty if specified');
  }
  const message = validation.message.trim();
  if (validation.message.length > 0 && message === '') errors.invalid(`${path}.message`, validation.message, 'message must be non-empty if specified');
  else if (/[\n\r]/.test(message)) errors.invalid(`${path}.message`, validation.message, 'message must not contain line breaks');
  if (validation.reason !== null && !REASONS.includes(validation.reason)) errors.notSupported(`${path}.reason`, validation.reason, REASONS);
}

/**
 * Every expression must compile where the apiserver compiles it: the CEL layer's issues, plus the
 * root variables that are undeclared for that kind of expression.
 */
function checkExpressions(cel: CompiledCelPolicy, hasParams: boolean, errors: FieldErrors, where: { file?: string; line?: number }): void {
  const unsupported = cel.issues.find((issue) => issue.unsupported);
  if (unsupported) throw new UnsupportedError(`${unsupported.message}`, { ...where, field: `spec.${unsupported.field}` });
  const issueFields = new Set<string>();
  const report = (issue: CelCompileIssue) => {
    issueFields.add(issue.field);
    // names and blank expressions are validated above with the apiserver's messages
    if (issue.field.endsWith('.name') || issue.expression.trim() === '') return;
    errors.invalid(`spec.${issue.field}`, issue.expression, issue.message);
  };
  cel.issues.forEach(report);
  const params = hasParams ? [] : ['params'];
  const check = (entry: { field: string; program: Parameters<typeof undeclaredReference>[0] | null }, undeclared: readonly string[]) => {
    if (!entry.program || issueFields.has(entry.field)) return;
    const error = undeclaredReference(entry.program, undeclared);
    if (error) errors.invalid(`spec.${entry.field}`, entry.program.expression, error.message);
  };
  cel.variables.forEach((v) => check(v, params));
  cel.matchConditions.forEach((c) => check(c, [...params, 'variables']));
  cel.validations.forEach((v) => {
    check(v, params);
    if (v.messageProgram) check(v.messageProgram, [...params, 'authorizer']);
  });
  cel.auditAnnotations.forEach((a) => check(a, params));
}

/** The policy's paramKind as a group/version/kind (validated, so it parses). */
export function paramKindGvk(policy: ValidatingAdmissionPolicy): GroupVersionKind | null {
  if (!policy.paramKind) return null;
  const gv = parseGroupVersion(policy.paramKind.apiVersion)!;
  return { group: gv.group, version: gv.version, kind: policy.paramKind.kind };
}
