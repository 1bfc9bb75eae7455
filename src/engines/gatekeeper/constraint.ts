/**
 * Constraint loading as Client.AddConstraint does it (frameworks:constraint/pkg/client/client.go,
 * template_client.go, crds/validate.go, apis/constraints/apis.go; gatekeeper:pkg/target/target.go):
 * metadata checks, label-selector validation, CRD validation (name, kind, group, version, OpenAPI
 * schema → ErrSchema, unknown fields → ErrInvalidConstraint), structural defaulting of parameters,
 * the enforcement action for the gator enforcement point, and the matcher.
 */
import { GatekeeperError } from './errors.ts';
import { labelSelectorErrors } from '../k8s/label-selector.ts';
import { dns1123SubdomainErrors } from '../k8s/validation.ts';
import { decodeLabelSelector, decodeMatch, metadataString, type Match } from './match.ts';
import { applyDefaults, pruneUnknownFields, validateValue } from './schema.ts';
import { groupVersionOf } from './suite.ts';
import { aggregate, type ConstraintTemplate, type Origin } from './template.ts';
import { deepCopy, describeJson, goTypeName, isJsonObject, nestedField, type JsonObject, type JsonValue } from './values.ts';

export const CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh';
export const GATOR_ENFORCEMENT_POINT = 'gator.gatekeeper.sh';
const SUPPORTED_VERSIONS = new Set(['v1beta1', 'v1alpha1']);

export interface Constraint {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly kind: string;
  /** The stored object: defaulted, `status` removed. CEL binds it as `params`. */
  readonly object: JsonObject;
  /** `spec.parameters`, or `{}` when absent (what Rego sees as input.parameters). */
  readonly parameters: JsonValue;
  /** spec.enforcementAction, default "deny". */
  readonly enforcementAction: string;
  /** For `scoped`: the actions listed for the enforcement point (the constraint is skipped when none). */
  readonly scopedEnforcementActions: readonly string[];
  /** undefined when the constraint has no spec.match: it then matches everything. */
  readonly match: Match | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** gator's ReadConstraint check: the object must be in the constraints group. */
export function requireConstraintGroup(obj: JsonObject, origin: Origin): void {
  const [group] = groupVersionOf(obj);
  if (group !== CONSTRAINTS_GROUP) throw new GatekeeperError('not-a-constraint', 'not a Constraint', origin);
}

/** Client.AddConstraint for `template`. Throws GatekeeperError ('schema' is ErrSchema). */
export function loadConstraint(raw: JsonObject, template: ConstraintTemplate, origin: Origin, enforcementPoint = GATOR_ENFORCEMENT_POINT): Constraint {
  const obj = deepCopy(raw);
  const name = metadataString(obj, 'name');
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const [group, version] = groupVersionOf(obj);
  const invalid = (message: string) => new GatekeeperError('invalid-constraint', `invalid Constraint: ${message}`, origin);

  // validateConstraintMetadata
  if (name === '') throw invalid('missing metadata.name');
  if (kind === '') throw invalid('missing kind');
  if (group !== CONSTRAINTS_GROUP) throw invalid(`wrong API Group for Constraint ${JSON.stringify(name)}, got ${JSON.stringify(group)} but need ${JSON.stringify(CONSTRAINTS_GROUP)}`);
  if (kind.toLowerCase() !== template.name) {
    throw new GatekeeperError('missing-template', `missing ConstraintTemplate: template ${JSON.stringify(kind.toLowerCase())} not found`, origin);
  }

  // K8sValidationTarget.ValidateConstraint: label and namespace selectors must be valid.
  for (const selectorKey of ['labelSelector', 'namespaceSelector'] as const) {
    const selector = nestedMap(obj, ['spec', 'match', selectorKey], invalid);
    if (selector === undefined || selector === null) continue;
    let errors: string[];
    try {
      errors = labelSelectorErrors(decodeLabelSelector(selector, selectorKey), 'spec.labelSelector');
    } catch (error) {
      throw invalid(`Could not convert JSON to LabelSelector: ${(error as Error).message}`);
    }
    if (errors.length > 0) throw invalid(aggregate(errors));
  }

  // crds.ValidateCR
  const nameErrors = dns1123SubdomainErrors(name);
  if (nameErrors.length > 0) throw invalid(`invalid name: ${JSON.stringify(nameErrors.join('\n'))}`);
  if (kind !== template.kind) throw invalid(`wrong kind ${JSON.stringify(name)} for constraint ${JSON.stringify(kind)}; want ${JSON.stringify(template.kind)}`);
  if (!SUPPORTED_VERSIONS.has(version)) {
    throw invalid(`unsupported version ${JSON.stringify(version)} for Constraint ${JSON.stringify(name)}; supported versions: map[v1alpha1:true v1beta1:true]`);
  }
  const schemaErrors = validateValue(obj, template.constraintSchema, '');
  if (schemaErrors.length > 0) throw new GatekeeperError('schema', `schema validation failed: ${aggregate(schemaErrors)}`, origin);
  const unknown = pruneUnknownFields(deepCopy(obj), template.constraintSchema, true);
  if (unknown.length > 0) throw invalid(`unknown fields: [${unknown.join(' ')}]`);

  // ApplyDefaultParams (the whole object, so spec.enforcementAction gets "deny" when spec exists).
  applyDefaults(obj, template.constraintSchema);

  const enforcementAction = readEnforcementAction(obj, invalid);
  const scopedEnforcementActions = enforcementAction === 'scoped' ? scopedActionsFor(obj, enforcementPoint, origin) : [];

  // K8sValidationTarget.ToMatcher
  let match: Match | undefined;
  const matchRaw = nestedMap(obj, ['spec', 'match'], (message) => invalid(`unable to create matcher: ${message}`));
  if (matchRaw !== undefined && matchRaw !== null) {
    try {
      match = decodeMatch(matchRaw);
    } catch (error) {
      throw invalid(`unable to create matcher: could not convert JSON to Match: ${(error as Error).message}`);
    }
  }

  // Rego driver AddConstraint: spec.parameters, defaulted to {}.
  const spec = obj['spec'];
  if (spec !== undefined && spec !== null && !isJsonObject(spec)) throw invalid(`.spec.parameters accessor error: ${describeJson(spec)} is of the type ${goTypeName(spec)}, expected map[string]interface{}`);
  const parameters = nestedField(obj, 'spec', 'parameters');
  delete obj['status'];
  const labels = metadataLabelsOf(obj);
  return {
    file: origin.file,
    line: origin.line,
    name,
    kind,
    object: obj,
    parameters: parameters === undefined || parameters === null ? {} : parameters,
    enforcementAction,
    scopedEnforcementActions,
    match,
    labels,
  };
}

/** unstructured.NestedMap: undefined when absent; a non-map on the way (or at the end) is an error. */
function nestedMap(obj: JsonObject, path: string[], fail: (message: string) => Error): JsonObject | null | undefined {
  let current: JsonValue = obj;
  for (let i = 0; i < path.length; i++) {
    if (!isJsonObject(current)) {
      throw fail(`.${path.join('.')} accessor error: ${describeJson(current)} is of the type ${goTypeName(current)}, expected map[string]interface{}`);
    }
    if (!Object.hasOwn(current, path[i]!)) return undefined;
    current = current[path[i]!]!;
  }
  if (current === null) return null;
  if (!isJsonObject(current)) throw fail(`.${path.join('.')} accessor error: ${describeJson(current)} is of the type ${goTypeName(current)}, expected map[string]interface{}`);
  return current;
}

function readEnforcementAction(obj: JsonObject, invalid: (message: string) => Error): string {
  const spec = obj['spec'];
  if (!isJsonObject(spec) || !Object.hasOwn(spec, 'enforcementAction')) return 'deny';
  const action = spec['enforcementAction'];
  if (typeof action !== 'string') throw invalid('invalid spec.enforcementAction');
  return action;
}

/** apiconstraints.GetEnforcementActionsForEP for one enforcement point. */
function scopedActionsFor(obj: JsonObject, enforcementPoint: string, origin: Origin): string[] {
  const scoped = nestedField(obj, 'spec', 'scopedEnforcementActions');
  if (!Array.isArray(scoped)) {
    throw new GatekeeperError('invalid-constraint', 'missing required field: spec.scopedEnforcementActions must be defined', origin);
  }
  const actions = new Set<string>();
  for (const entry of scoped) {
    if (!isJsonObject(entry)) {
      throw new GatekeeperError('invalid-constraint', 'invalid Constraint: scopedEnforcementActions value must be a [{action: string, enforcementPoints: [{name: string}]}]', origin);
    }
    const action = typeof entry['action'] === 'string' ? entry['action'] : '';
    const points = Array.isArray(entry['enforcementPoints']) ? entry['enforcementPoints'] : [];
    for (const point of points) {
      const pointName = isJsonObject(point) && typeof point['name'] === 'string' ? point['name'] : '';
      if (pointName === '*') {
        actions.add(action);
        break;
      }
      if (pointName === enforcementPoint) actions.add(action);
    }
  }
  return [...actions].sort();
}

function metadataLabelsOf(obj: JsonObject): Record<string, string> {
  const labels = nestedField(obj, 'metadata', 'labels');
  const out: Record<string, string> = {};
  if (isJsonObject(labels)) for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') out[key] = value;
  return out;
}
