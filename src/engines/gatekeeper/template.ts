/**
 * ConstraintTemplate loading as gator and the constraint framework do it:
 * reader.ToTemplate (group/kind check, typed decode of v1 / v1beta1 / v1alpha1), version defaults
 * (legacySchema: false for v1, true for v1beta1/v1alpha1), conversion to the versionless template
 * (legacy `targets[].rego` + `libs` become a `code[]` Rego entry; legacySchema adds
 * x-kubernetes-preserve-unknown-fields everywhere), then Client.AddTemplate's checks: exactly one
 * target, the admission target, `metadata.name` equal to the lowercased kind, and a valid
 * Constraint CRD (names, structural parameters schema).
 *
 * Sources: frameworks:constraint/pkg/apis/templates/{v1,v1beta1}/conversion.go,
 * constraint/pkg/schema/transform.go, constraint/pkg/client/client.go, crds/*.go.
 */
import { KpcError } from '../../util/errors.ts';
import { GatekeeperError, wrapError } from './errors.ts';
import type { BlockPosition } from './gator-yaml.ts';
import { constraintSchema } from './match-schema.ts';
import { compileSchema, structuralErrors, type Schema } from './schema.ts';
import { groupVersionOf } from './suite.ts';
import { deepCopy, describeJson, isJsonObject, type JsonObject, type JsonValue } from './values.ts';

export const TEMPLATES_GROUP = 'templates.gatekeeper.sh';
export const ADMISSION_TARGET = 'admission.k8s.gatekeeper.sh';
export const REGO_ENGINE = 'Rego';
export const CEL_ENGINE = 'K8sNativeValidation';
const TEMPLATE_VERSIONS: Record<string, boolean> = { v1: false, v1beta1: true, v1alpha1: true }; // version → legacySchema default

export interface TemplateCode {
  readonly engine: string;
  /** The `source` object as written (for Rego after the legacy-field conversion). */
  readonly source: JsonValue;
  /** Where the Rego text and libs sit in the template file (literal blocks only), for error positions. */
  readonly regoBlocks?: { readonly field: string; readonly rego: BlockPosition | undefined; readonly libs: readonly (BlockPosition | undefined)[] };
}

export interface ConstraintTemplate {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly apiVersion: string;
  /** The Constraint kind it defines. */
  readonly kind: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly target: string;
  readonly operations: readonly string[];
  readonly code: readonly TemplateCode[];
  readonly legacySchema: boolean;
  /** The parameters schema after conversion, or undefined when the template has none. */
  readonly parametersSchema: Schema | undefined;
  /** The whole Constraint CRD schema (metadata, spec.match, spec.parameters, …). */
  readonly constraintSchema: Schema;
}

/** Where an object was read from, for error messages. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/** A ConstraintTemplate object → the validated versionless template. Throws GatekeeperError. */
export function loadTemplate(obj: JsonObject, origin: Origin, blocks: ReadonlyMap<string, BlockPosition> = new Map()): ConstraintTemplate {
  const [group, version] = groupVersionOf(obj);
  if (group !== TEMPLATES_GROUP || obj['kind'] !== 'ConstraintTemplate') {
    throw new GatekeeperError('not-a-template', 'not a ConstraintTemplate', origin);
  }
  const legacyDefault = TEMPLATE_VERSIONS[version];
  if (legacyDefault === undefined) {
    throw new GatekeeperError('invalid-template', `adding template: no kind "ConstraintTemplate" is registered for version "${obj['apiVersion']}"`, origin);
  }
  const decode = new TypedDecoder(origin);
  const metadata = decode.object(obj, 'metadata', 'metadata') ?? {};
  const name = decode.string(metadata, 'name', 'metadata.name');
  const labels = decode.stringMap(metadata, 'labels', 'metadata.labels');
  const spec = decode.object(obj, 'spec', 'spec') ?? {};
  const crd = decode.object(spec, 'crd', 'spec.crd');
  const crdSpec = crd ? decode.object(crd, 'spec', 'spec.crd.spec') : undefined;
  const names = crdSpec ? decode.object(crdSpec, 'names', 'spec.crd.spec.names') : undefined;
  const kind = names ? decode.string(names, 'kind', 'spec.crd.spec.names.kind') : '';
  const shortNames = names ? decode.stringList(names, 'shortNames', 'spec.crd.spec.names.shortNames') : [];

  // Structural defaulting of the template CRD: validation defaults to {legacySchema: <version default>}
  // when crd.spec exists, and legacySchema to the version default inside an existing validation.
  let validation = crdSpec ? decode.object(crdSpec, 'validation', 'spec.crd.spec.validation') : undefined;
  if (crdSpec && validation === undefined) validation = { legacySchema: legacyDefault };
  let legacySchema = false;
  let schemaRaw: JsonObject | undefined;
  if (validation) {
    const legacy = validation['legacySchema'];
    if (legacy !== undefined && legacy !== null && typeof legacy !== 'boolean') throw decode.typeError('spec.crd.spec.validation.legacySchema', legacy, 'bool');
    legacySchema = typeof legacy === 'boolean' ? legacy : legacyDefault;
    schemaRaw = decode.object(validation, 'openAPIV3Schema', 'spec.crd.spec.validation.openAPIV3Schema');
  }
  if (legacySchema && schemaRaw === undefined) schemaRaw = {};
  if (schemaRaw !== undefined) {
    schemaRaw = deepCopy(schemaRaw);
    if (legacySchema) addPreserveUnknownFields(schemaRaw, origin);
  }

  const targets = decode.list(spec, 'targets', 'spec.targets');
  const decodedTargets = targets.map((target, i) => decodeTarget(decode, target, `spec.targets[${i}]`, blocks));

  // Client.AddTemplate: getTargetName, validateTemplateMetadata, getTargetHandler, createCRD.
  if (decodedTargets.length !== 1) throw new GatekeeperError('invalid-template', 'invalid ConstraintTemplate: must declare exactly one target', origin);
  const target = decodedTargets[0]!;
  if (target.target === '') throw new GatekeeperError('invalid-template', 'invalid ConstraintTemplate: target name must not be empty', origin);
  if (kind === '') throw new GatekeeperError('invalid-template', `invalid ConstraintTemplate: ConstraintTemplate ${JSON.stringify(name)} does not specify CRD Kind`, origin);
  if (name.toLowerCase() !== kind.toLowerCase()) {
    // strings.EqualFold; Go folds Unicode simply, lower-casing both is the same for the valid names that can pass CRD validation.
    throw new GatekeeperError('invalid-template', `invalid ConstraintTemplate: the ConstraintTemplate's name ${JSON.stringify(name)} is not equal to the lowercase of CRD's Kind: ${JSON.stringify(kind.toLowerCase())}`, origin);
  }
  if (target.target !== ADMISSION_TARGET) {
    throw new GatekeeperError('invalid-template', `invalid ConstraintTemplate: target ${JSON.stringify(target.target)} not recognized, known targets [${ADMISSION_TARGET}]`, origin);
  }

  let parametersSchema: Schema | undefined;
  try {
    parametersSchema = schemaRaw === undefined ? undefined : compileSchema(schemaRaw, 'spec.crd.spec.validation.openAPIV3Schema');
  } catch (error) {
    throw wrapError('invalid-template', 'invalid ConstraintTemplate', error, origin);
  }
  const crdErrors = [...namesErrors(kind, shortNames)];
  if (parametersSchema) crdErrors.push(...structuralErrors(parametersSchema, 'spec.validation.openAPIV3Schema.properties[spec].properties[parameters]'));
  if (crdErrors.length > 0) throw new GatekeeperError('invalid-template', `invalid ConstraintTemplate: ${aggregate(crdErrors)}`, origin);

  return {
    file: origin.file,
    line: origin.line,
    name,
    apiVersion: String(obj['apiVersion']),
    kind,
    labels,
    target: target.target,
    operations: target.operations,
    code: target.code,
    legacySchema,
    parametersSchema,
    constraintSchema: constraintSchema(parametersSchema),
  };
}

/** The template's code for an engine (the first entry, as the drivers take it), or undefined. */
export function codeFor(template: ConstraintTemplate, engine: string): TemplateCode | undefined {
  return template.code.find((code) => code.engine === engine);
}

interface DecodedTarget {
  target: string;
  operations: string[];
  code: TemplateCode[];
}

function decodeTarget(decode: TypedDecoder, target: JsonObject, path: string, blocks: ReadonlyMap<string, BlockPosition>): DecodedTarget {
  const rego = decode.string(target, 'rego', `${path}.rego`);
  const libs = decode.stringList(target, 'libs', `${path}.libs`);
  const regoBlocks = (field: string, libsField: string, count: number) => ({
    field,
    rego: blocks.get(field),
    libs: Array.from({ length: count }, (_, j) => blocks.get(`${libsField}[${j}]`)),
  });
  const code = decode.list(target, 'code', `${path}.code`).map((entry, i): TemplateCode => {
    const engine = decode.string(entry, 'engine', `${path}.code[${i}].engine`);
    const source = entry['source'] === undefined ? null : deepCopy(entry['source']);
    if (engine !== REGO_ENGINE) return { engine, source };
    const libCount = isJsonObject(source) && Array.isArray(source['libs']) ? source['libs'].length : 0;
    return { engine, source, regoBlocks: regoBlocks(`${path}.code[${i}].source.rego`, `${path}.code[${i}].source.libs`, libCount) };
  });
  // Convert_v1_Target_To_templates_Target: a legacy `rego` replaces the first Rego code entry's source.
  if (rego !== '') {
    const source: JsonObject = { rego, version: '' };
    if (target['libs'] !== undefined && target['libs'] !== null) source['libs'] = libs;
    const entry: TemplateCode = { engine: REGO_ENGINE, source, regoBlocks: regoBlocks(`${path}.rego`, `${path}.libs`, libs.length) };
    const index = code.findIndex((e) => e.engine === REGO_ENGINE);
    if (index >= 0) code[index] = entry;
    else code.push(entry);
  }
  return { target: decode.string(target, 'target', `${path}.target`), operations: decode.stringList(target, 'operations', `${path}.operations`), code };
}

/**
 * frameworks schema.AddPreserveUnknownFields: x-kubernetes-preserve-unknown-fields on every node
 * whose type is object or unset, and an open items schema for arrays without one.
 */
function addPreserveUnknownFields(schema: JsonObject, origin: Origin): void {
  const type = schema['type'];
  if (type === undefined || type === null || type === '' || type === 'object') schema['x-kubernetes-preserve-unknown-fields'] = true;
  else if (type === 'array' && (schema['items'] === undefined || schema['items'] === null)) schema['items'] = { 'x-kubernetes-preserve-unknown-fields': true };
  const properties = schema['properties'];
  if (isJsonObject(properties)) for (const value of Object.values(properties)) if (isJsonObject(value)) addPreserveUnknownFields(value, origin);
  const items = schema['items'];
  if (isJsonObject(items)) addPreserveUnknownFields(items, origin);
  else if (Array.isArray(items)) throw new GatekeeperError('invalid-template', 'unable to convert template: non-nil JSONSchemas encountered, multiple schemas are not supported', origin);
  const additional = schema['additionalProperties'];
  if (isJsonObject(additional)) addPreserveUnknownFields(additional, origin);
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function dns1035Errors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!DNS1035.test(value)) {
    errors.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errors;
}

/** ValidateCustomResourceDefinitionNames for the names crds.CreateCRD derives from the kind. */
function namesErrors(kind: string, shortNames: readonly string[]): string[] {
  const errors: string[] = [];
  const plural = kind.toLowerCase();
  const listKind = `${kind}List`;
  const pluralErrors = dns1035Errors(plural);
  if (pluralErrors.length > 0) {
    errors.push(`spec.names.plural: Invalid value: ${JSON.stringify(plural)}: ${pluralErrors.join(',')}`);
    errors.push(`spec.names.singular: Invalid value: ${JSON.stringify(plural)}: ${pluralErrors.join(',')}`);
    errors.push(`spec.names.kind: Invalid value: ${JSON.stringify(kind)}: may have mixed case, but should otherwise match: ${pluralErrors.join(',')}`);
  }
  const listErrors = dns1035Errors(listKind.toLowerCase());
  if (listErrors.length > 0) errors.push(`spec.names.listKind: Invalid value: ${JSON.stringify(listKind)}: may have mixed case, but should otherwise match: ${listErrors.join(',')}`);
  shortNames.forEach((shortName, i) => {
    const e = dns1035Errors(shortName);
    if (e.length > 0) errors.push(`spec.names.shortNames[${i}]: Invalid value: ${JSON.stringify(shortName)}: ${e.join(',')}`);
  });
  return errors;
}

/** field.ErrorList.ToAggregate().Error(): one error alone, else "[a, b]". */
export function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

/** json.Unmarshal into a typed struct: absent or null is the zero value, a JSON type mismatch is an error. */
export class TypedDecoder {
  constructor(private readonly origin: Origin) {}

  object(obj: JsonObject, key: string, path: string): JsonObject | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) throw this.typeError(path, value, 'object');
    return value;
  }

  string(obj: JsonObject, key: string, path: string): string {
    const value = obj[key];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw this.typeError(path, value, 'string');
    return value;
  }

  stringList(obj: JsonObject, key: string, path: string): string[] {
    const value = obj[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.typeError(path, value, '[]string');
    return value.map((item, i) => {
      if (item === null) return '';
      if (typeof item !== 'string') throw this.typeError(`${path}[${i}]`, item, 'string');
      return item;
    });
  }

  stringMap(obj: JsonObject, key: string, path: string): Record<string, string> {
    const value = this.object(obj, key, path);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value ?? {})) {
      if (v === null) out[k] = '';
      else if (typeof v !== 'string') throw this.typeError(`${path}.${k}`, v, 'string');
      else out[k] = v;
    }
    return out;
  }

  list(obj: JsonObject, key: string, path: string): JsonObject[] {
    const value = obj[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.typeError(path, value, 'array');
    return value.map((item, i) => {
      if (item === null) return {};
      if (!isJsonObject(item)) throw this.typeError(`${path}[${i}]`, item, 'object');
      return item;
    });
  }

  typeError(path: string, value: JsonValue, want: string): KpcError {
    return new GatekeeperError('invalid-input', `json: cannot unmarshal ${describeJson(value)} into Go struct field ${path} of type ${want}`, { ...this.origin, field: path });
  }
}
