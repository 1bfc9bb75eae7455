/**
 * The K8sNativeValidation driver (gatekeeper:pkg/drivers/k8scel/driver.go, schema/schema.go,
 * transform/request.go, transform/cel_snippets.go): the template's CEL source becomes a
 * ValidatingAdmissionPolicy-shaped validator whose first variables are Gatekeeper's own
 * `anyObject` and `params`; `params` is bound to the whole Constraint. Each validation that is not
 * true gives one result (its message, messageExpression, or "failed expression: …").
 */
import { UnsupportedError } from '../../util/errors.ts';
import { compileCelPolicy, type CelPolicySpec, type CompiledCelPolicy } from '../cel/index.ts';
import type { Driver, DriverResult } from './client.ts';
import type { Constraint } from './constraint.ts';
import { GatekeeperError } from './errors.ts';
import type { AdmissionRequest, Review } from './review.ts';
import { userInfoJson } from './review.ts';
import { CEL_ENGINE, codeFor, type ConstraintTemplate } from './template.ts';
import { describeJson, isJsonObject, type JsonObject, type JsonValue } from './values.ts';

/** transform.BindObjectV1Beta1 / BindParamsV1Beta1, in the order AllVariablesCEL lists them. */
export const GATEKEEPER_CEL_VARIABLES = [
  { name: 'anyObject', expression: 'has(request.operation) && request.operation == "DELETE" && object == null ? oldObject : object' },
  { name: 'params', expression: '!has(params.spec) ? null : !has(params.spec.parameters) ? null: params.spec.parameters' },
] as const;

const RESERVED_PREFIX = 'gatekeeper_internal_';
const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

interface CompiledTemplate {
  readonly policy: CompiledCelPolicy;
  readonly failurePolicy: 'Fail' | 'Ignore';
}

export interface CelDriverOptions {
  /** --default-k8s-native-validation-failure-policy (default Fail). */
  readonly defaultFailurePolicy?: 'Fail' | 'Ignore';
}

export class CelDriver implements Driver {
  readonly engine = CEL_ENGINE;
  readonly #templates = new Map<string, CompiledTemplate>();
  readonly #defaultFailurePolicy: 'Fail' | 'Ignore';

  constructor(options: CelDriverOptions = {}) {
    this.#defaultFailurePolicy = options.defaultFailurePolicy ?? 'Fail';
  }

  addTemplate(template: ConstraintTemplate): void {
    const where = { file: template.file, line: template.line };
    const code = codeFor(template, CEL_ENGINE);
    if (!code) throw new GatekeeperError('invalid-template', 'K8sNativeValidation engine is missing', where);
    const source = decodeSource(code.source, where);
    const spec: CelPolicySpec = {
      variables: [...GATEKEEPER_CEL_VARIABLES, ...source.variables],
      matchConditions: source.matchConditions,
      validations: source.validations,
    };
    const policy = compileCelPolicy(spec);
    const unsupported = policy.issues.find((issue) => issue.unsupported);
    // Compile errors are not template errors upstream (they surface per review), but an expression
    // our CEL layer cannot run faithfully must not be evaluated as if it had failed to compile.
    if (unsupported) throw new UnsupportedError(`${unsupported.field}: ${unsupported.message}`, where);
    rejectUndeclaredReferences(policy, where);
    this.#templates.set(template.name, { policy, failurePolicy: source.failurePolicy ?? this.#defaultFailurePolicy });
  }

  query(constraints: readonly Constraint[], review: Review): DriverResult[] {
    const request = review.request;
    const namespaceObject = review.namespaceObject;
    // Gatekeeper copies oldObject into object on DELETE; VAP does not, so the driver unsets it.
    const object = request.operation === 'DELETE' ? null : request.object;
    const bindings = {
      object,
      oldObject: request.oldObject,
      request: celRequest(request),
      namespaceObject: namespaceObject === null ? null : celNamespaceObject(namespaceObject),
    };
    const results: DriverResult[] = [];
    for (const constraint of constraints) {
      const compiled = this.#templates.get(constraint.kind.toLowerCase());
      if (!compiled) throw new GatekeeperError('review', `unknown constraint template validator: ${constraint.kind}`);
      // (written out: adding a key to a { ...bindings } copy is V8 11's slow path, once per constraint and review)
      const outcome = compiled.policy.validate(
        { object: bindings.object, oldObject: bindings.oldObject, request: bindings.request, namespaceObject: bindings.namespaceObject, params: constraint.object },
        { failurePolicy: compiled.failurePolicy },
      );
      for (const decision of outcome.decisions) {
        if (decision.action === 'deny') results.push({ msg: decision.message, details: undefined, constraint });
      }
    }
    return results;
  }
}

/**
 * The k8scel driver declares `params` only for variables (HasParams) and `authorizer` nowhere, so
 * cel-go fails to compile any other reference to them; the shared CEL layer declares every admission
 * variable for every expression, so such templates are refused rather than evaluated differently.
 */
function rejectUndeclaredReferences(policy: CompiledCelPolicy, where: { file: string; line: number }): void {
  const check = (field: string, program: { ast: unknown } | null, undeclared: readonly string[]) => {
    if (!program) return;
    const name = undeclared.find((root) => referencesRoot(program.ast, root));
    if (name) throw new UnsupportedError(`${field} refers to '${name}', which Gatekeeper does not declare there (cel-go: undeclared reference)`, where);
  };
  policy.variables.forEach((v) => check(v.field, v.program, ['authorizer']));
  policy.matchConditions.forEach((c) => check(c.field, c.program, ['params', 'authorizer']));
  policy.validations.forEach((v) => {
    check(v.field, v.program, ['params', 'authorizer']);
    if (v.messageProgram) check(v.messageProgram.field, v.messageProgram.program, ['params', 'authorizer']);
  });
}

/** Whether a cel-js AST has an identifier node naming `root`. */
function referencesRoot(node: unknown, root: string): boolean {
  if (Array.isArray(node)) return node.some((child) => referencesRoot(child, root));
  if (node === null || typeof node !== 'object') return false;
  const { op, args } = node as { op?: unknown; args?: unknown };
  if (op === 'id') return args === root;
  return typeof op === 'string' && referencesRoot(args, root);
}

interface CelSource {
  readonly variables: { name: string; expression: string }[];
  readonly matchConditions: { name: string; expression: string }[];
  readonly validations: { expression: string; message?: string; messageExpression?: string }[];
  readonly failurePolicy: 'Fail' | 'Ignore' | undefined;
}

/** schema.GetSource: FromUnstructured into Source, then Validate. */
function decodeSource(raw: JsonValue, where: { file: string; line: number }): CelSource {
  const fail = (message: string) => new GatekeeperError('invalid-template', message, where);
  if (!isJsonObject(raw)) throw fail('could not recognize the type');
  const list = (key: string): JsonObject[] => {
    const value = raw[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw fail(`${key}: expected array, got ${describeJson(value)}`);
    return value.map((item, i) => {
      if (item === null) return {};
      if (!isJsonObject(item)) throw fail(`${key}[${i}]: expected object, got ${describeJson(item)}`);
      return item;
    });
  };
  const str = (obj: JsonObject, key: string, path: string): string => {
    const value = obj[key];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw fail(`${path}: expected string, got ${describeJson(value)}`);
    return value;
  };
  const variables = list('variables').map((v, i) => ({ name: str(v, 'name', `variables[${i}].name`), expression: str(v, 'expression', `variables[${i}].expression`) }));
  const matchConditions = list('matchCondition').map((c, i) => ({ name: str(c, 'name', `matchCondition[${i}].name`), expression: str(c, 'expression', `matchCondition[${i}].expression`) }));
  const validations = list('validations').map((v, i) => {
    const message = str(v, 'message', `validations[${i}].message`);
    const messageExpression = str(v, 'messageExpression', `validations[${i}].messageExpression`);
    return {
      expression: str(v, 'expression', `validations[${i}].expression`),
      ...(message !== '' ? { message } : {}),
      ...(messageExpression !== '' ? { messageExpression } : {}),
    };
  });
  const failurePolicyRaw = raw['failurePolicy'];
  if (failurePolicyRaw !== undefined && failurePolicyRaw !== null && typeof failurePolicyRaw !== 'string') throw fail(`failurePolicy: expected string, got ${describeJson(failurePolicyRaw)}`);
  const generateVAP = raw['generateVAP'];
  if (generateVAP !== undefined && generateVAP !== null && typeof generateVAP !== 'boolean') throw fail(`generateVAP: expected bool, got ${describeJson(generateVAP)}`);

  // Source.Validate
  for (const condition of matchConditions) {
    if (condition.name.startsWith(RESERVED_PREFIX)) throw fail(`invalid match condition: ${condition.name} is not a valid match condition; cannot have "${RESERVED_PREFIX}" as a prefix`);
  }
  for (const variable of variables) {
    if (variable.name.startsWith(RESERVED_PREFIX)) throw fail(`invalid variable: ${variable.name} is not a valid variable; cannot have "${RESERVED_PREFIX}" as a prefix`);
    if (variable.name === 'params' || variable.name === 'anyObject') {
      throw fail(`invalid variable: ${variable.name} an invalid variable name, "${variable.name}" is a reserved keyword`);
    }
  }
  let failurePolicy: 'Fail' | 'Ignore' | undefined;
  if (typeof failurePolicyRaw === 'string') {
    if (failurePolicyRaw !== 'Fail' && failurePolicyRaw !== 'Ignore') throw fail(`invalid failure policy: unrecognized failure policy: ${failurePolicyRaw}`);
    failurePolicy = failurePolicyRaw;
  }
  return { variables, matchConditions, validations, failurePolicy };
}

/**
 * The `request` variable: cel.CreateAdmissionRequest from the wrapped request, converted like
 * runtime.DefaultUnstructuredConverter.ToUnstructured (omitempty honoured; RawExtensions null).
 */
export function celRequest(request: AdmissionRequest): JsonObject {
  const kind = { group: request.kind.group, version: request.kind.version, kind: request.kind.kind };
  const resource = { group: request.resource.group, version: request.resource.version, resource: request.resource.resource };
  const out: JsonObject = { uid: '', kind, resource };
  if (request.subResource !== '') out['subResource'] = request.subResource;
  out['requestKind'] = { ...kind };
  out['requestResource'] = { ...resource };
  if (request.subResource !== '') out['requestSubResource'] = request.subResource;
  if (request.name !== '') out['name'] = request.name;
  if (request.namespace !== '') out['namespace'] = request.namespace;
  // RequestWrapper.GetOperation maps only the four admission operations; anything else is "".
  out['operation'] = OPERATIONS.has(request.operation) ? request.operation : '';
  out['userInfo'] = userInfoJson(request.userInfo);
  out['object'] = null;
  out['oldObject'] = null;
  out['dryRun'] = request.dryRun ?? false;
  out['options'] = request.options ?? null;
  return out;
}

// One reduced value per namespace object, so CEL converts it once (values handed to CEL are never mutated).
const namespaceObjects = new WeakMap<JsonObject, JsonObject>();

/** cel.CreateNamespaceObject: the Namespace with only spec, status and selected metadata. */
export function celNamespaceObject(namespace: JsonObject): JsonObject {
  let reduced = namespaceObjects.get(namespace);
  if (!reduced) namespaceObjects.set(namespace, (reduced = reduceNamespace(namespace)));
  return reduced;
}

function reduceNamespace(namespace: JsonObject): JsonObject {
  const metadata = isJsonObject(namespace['metadata']) ? namespace['metadata'] : {};
  const keptMetadata: JsonObject = {};
  for (const key of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'finalizers']) {
    if (metadata[key] !== undefined) keptMetadata[key] = metadata[key]!;
  }
  // A typed Namespace always has creationTimestamp (null when unset) and empty spec/status objects.
  if (keptMetadata['creationTimestamp'] === undefined) keptMetadata['creationTimestamp'] = null;
  return {
    metadata: keptMetadata,
    spec: isJsonObject(namespace['spec']) ? namespace['spec'] : {},
    status: isJsonObject(namespace['status']) ? namespace['status'] : {},
  };
}
