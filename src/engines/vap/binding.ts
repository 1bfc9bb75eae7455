/**
 * A ValidatingAdmissionPolicyBinding read as the apiserver accepts it: strict decoding, the
 * version's defaults (v1alpha1 alone defaults paramRef.parameterNotFoundAction to Deny; v1 and
 * v1beta1 require it) and validateValidatingAdmissionPolicyBinding.
 */
import type { LoadedObject } from '../../util/eval-row.ts';
import { isJsonObject } from './attributes.ts';
import { labelSelectorErrors } from '../k8s/label-selector.ts';
import { FieldErrors, InvalidObjectError, pathSegmentNameErrors, StrictReader } from './decode.ts';
import type { MatchResources } from './match.ts';
import { readMatchResources, validateMatchResources } from './match-resources.ts';
import { ADMISSION_GROUP, admissionKind, METADATA_FIELDS, validateLabels, validateObjectName, type ApiVersion } from './policy.ts';
import { dns1123SubdomainErrors } from '../k8s/validation.ts';
import type { LabelSelector } from './selector.ts';

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export interface ParamRef {
  readonly name: string;
  readonly namespace: string;
  readonly selector: LabelSelector | null;
  readonly parameterNotFoundAction: 'Allow' | 'Deny';
}

export interface ValidatingAdmissionPolicyBinding {
  readonly source: { readonly file?: string; readonly line?: number };
  readonly version: ApiVersion;
  readonly name: string;
  readonly policyName: string;
  readonly paramRef: ParamRef | null;
  /** Null when the binding has no matchResources: it then matches every request its policy does. */
  readonly matchResources: MatchResources | null;
  readonly validationActions: readonly ValidationAction[];
}

const VALIDATION_ACTIONS = ['Audit', 'Deny', 'Warn'];
const NOT_FOUND_ACTIONS = ['Deny', 'Allow'];

/** Reads, defaults and validates a binding; throws InvalidObjectError. */
export function loadBinding(loaded: LoadedObject): ValidatingAdmissionPolicyBinding {
  const where = { file: loaded.file, line: loaded.line };
  const object = loaded.value;
  const type = admissionKind(object);
  if (type?.kind !== 'ValidatingAdmissionPolicyBinding') {
    throw new InvalidObjectError('not a ValidatingAdmissionPolicyBinding', [{ field: 'kind', message: `kind: ${JSON.stringify(object['kind'])} in ${JSON.stringify(object['apiVersion'])}` }], where);
  }
  const reader = new StrictReader();
  reader.object(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
  const metadata = reader.object(object['metadata'], 'metadata', METADATA_FIELDS) ?? {};
  const name = reader.string(metadata, 'name', 'metadata') ?? '';
  const spec = reader.object(object['spec'], 'spec', ['policyName', 'paramRef', 'matchResources', 'validationActions']) ?? {};
  const policyName = reader.string(spec, 'policyName', 'spec') ?? '';
  const paramRefRaw = reader.object(spec['paramRef'], 'spec.paramRef', ['name', 'namespace', 'selector', 'parameterNotFoundAction']);
  const rawAction = paramRefRaw ? reader.string(paramRefRaw, 'parameterNotFoundAction', 'spec.paramRef') : null;
  const paramRef = paramRefRaw
    ? {
        name: reader.string(paramRefRaw, 'name', 'spec.paramRef') ?? '',
        namespace: reader.string(paramRefRaw, 'namespace', 'spec.paramRef') ?? '',
        selector: reader.labelSelector(paramRefRaw['selector'], 'spec.paramRef.selector'),
        // only v1alpha1 has a default (SetDefaults_ParamRef); v1 and v1beta1 require the field
        parameterNotFoundAction: rawAction ?? (type.version === 'v1alpha1' ? 'Deny' : ''),
      }
    : null;
  const matchResources = readMatchResources(reader, spec['matchResources'], 'spec.matchResources');
  const validationActions = reader.stringList(spec, 'validationActions', 'spec');
  const summary = `ValidatingAdmissionPolicyBinding.${ADMISSION_GROUP} ${JSON.stringify(name)} is invalid`;
  reader.done(summary, where);

  const errors = new FieldErrors();
  validateObjectName(name, errors);
  if (isJsonObject(metadata['labels'])) validateLabels(metadata['labels'], errors);
  if (policyName === '') errors.required('spec.policyName');
  else for (const message of dns1123SubdomainErrors(policyName)) errors.invalid('spec.policyName', policyName, message);
  if (paramRef) validateParamRef(paramRef, errors);
  // upstream validates the binding's matchResources under this misspelt path
  if (matchResources) validateMatchResources(matchResources, 'spec.matchResouces', errors);
  validateValidationActions(validationActions, errors);
  if (errors.list.length > 0) throw new InvalidObjectError(summary, errors.list, where);

  return {
    source: where,
    version: type.version,
    name,
    policyName,
    paramRef: paramRef as ParamRef | null,
    matchResources,
    validationActions: validationActions as ValidationAction[],
  };
}

function validateParamRef(paramRef: { name: string; namespace: string; selector: LabelSelector | null; parameterNotFoundAction: string }, errors: FieldErrors): void {
  if (paramRef.name !== '') {
    for (const message of pathSegmentNameErrors(paramRef.name)) errors.invalid('spec.paramRef.name', paramRef.name, message);
    if (paramRef.selector !== null) errors.forbidden('spec.paramRef.name', 'name and selector are mutually exclusive');
  }
  if (paramRef.selector !== null) {
    errors.addAll('spec.paramRef.selector', labelSelectorErrors(paramRef.selector, 'spec.paramRef.selector'));
    if (paramRef.name !== '') errors.forbidden('spec.paramRef.selector', 'name and selector are mutually exclusive');
  }
  if (paramRef.name === '' && paramRef.selector === null) errors.required('spec.paramRef', 'one of name or selector must be specified');
  if (paramRef.parameterNotFoundAction === '') errors.required('spec.paramRef.parameterNotFoundAction');
  else if (!NOT_FOUND_ACTIONS.includes(paramRef.parameterNotFoundAction)) {
    errors.notSupported('spec.paramRef.parameterNotFoundAction', paramRef.parameterNotFoundAction, NOT_FOUND_ACTIONS);
  }
}

function validateValidationActions(actions: readonly string[], errors: FieldErrors): void {
  const seen = new Set<string>();
  actions.forEach((action, i) => {
    if (!VALIDATION_ACTIONS.includes(action)) errors.notSupported(`spec.validationActions[${i}]`, action, VALIDATION_ACTIONS);
    if (seen.has(action)) errors.duplicate(`spec.validationActions[${i}]`, action);
    seen.add(action);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errors.invalid('spec.validationActions', actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)');
  }
  if (seen.size === 0) errors.required('spec.validationActions', 'at least one validation action is required');
}
