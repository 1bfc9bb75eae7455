/**
 * The structural OpenAPI schema a Constraint CRD carries, and the three things the constraint
 * framework does with it (frameworks:constraint/pkg/client/crds/validate.go, template_client.go):
 * value validation (k8s.io/kube-openapi validate → ErrSchema), pruning to find unknown fields
 * (apiextensions pruning → ErrInvalidConstraint) and defaulting (apiextensions defaulting).
 * Plus the structural-schema rules CRD validation applies to a template's parameters schema.
 *
 * Keywords whose semantics are not reproduced here (allOf/anyOf/oneOf/not, $ref, string formats
 * that kube-openapi validates, x-kubernetes-validations …) raise UnsupportedError rather than be
 * silently ignored.
 */
import { RE2JS } from 're2js';
import { KpcError, UnsupportedError } from '../../util/errors.ts';
import { compareNumeric, deepCopy, describeJson, isJsonObject, isNumeric, type JsonObject, type JsonValue } from './values.ts';

export interface Schema {
  readonly type: string;
  readonly nullable: boolean;
  readonly properties: ReadonlyMap<string, Schema> | undefined;
  /** Schema for other keys; undefined when absent. */
  readonly additionalProperties: Schema | undefined;
  readonly items: Schema | undefined;
  readonly required: readonly string[];
  readonly enum: readonly JsonValue[] | undefined;
  readonly pattern: RE2JS | undefined;
  readonly patternText: string | undefined;
  readonly minLength: bigint | undefined;
  readonly maxLength: bigint | undefined;
  readonly minimum: bigint | number | undefined;
  readonly maximum: bigint | number | undefined;
  readonly exclusiveMinimum: boolean;
  readonly exclusiveMaximum: boolean;
  readonly multipleOf: bigint | number | undefined;
  readonly minItems: bigint | undefined;
  readonly maxItems: bigint | undefined;
  readonly uniqueItems: boolean;
  readonly minProperties: bigint | undefined;
  readonly maxProperties: bigint | undefined;
  readonly default: JsonValue | undefined;
  readonly preserveUnknownFields: boolean;
  readonly intOrString: boolean;
  readonly embeddedResource: boolean;
}

const VALID_TYPES = new Set(['', 'array', 'boolean', 'integer', 'number', 'object', 'string']);
const UNSUPPORTED_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'not', '$ref', 'definitions', 'dependencies', 'patternProperties', 'additionalItems', 'x-kubernetes-validations'];
// Formats kube-openapi validates for CRDs (apiextensions StripUnsupportedFormatsPostProcessor keeps
// these); other format values are stripped and have no effect.
const VALIDATED_STRING_FORMATS = new Set([
  'bsonobjectid', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5',
  'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor', 'byte', 'password', 'date', 'duration', 'datetime', 'date-time',
]);

/** Compile a JSONSchemaProps object (as decoded from a template). `path` names it in errors. */
export function compileSchema(raw: JsonValue, path: string): Schema {
  if (!isJsonObject(raw)) throw new KpcError(`must be an object, found ${describeJson(raw)}`, { field: path });
  for (const keyword of UNSUPPORTED_KEYWORDS) {
    if (raw[keyword] !== undefined && raw[keyword] !== null) throw new UnsupportedError(`schema keyword "${keyword}" in a constraint parameters schema`, { field: `${path}.${keyword}` });
  }
  const type = optionalString(raw, 'type', path) ?? '';
  const format = optionalString(raw, 'format', path);
  if (format !== undefined && VALIDATED_STRING_FORMATS.has(format)) {
    throw new UnsupportedError(`string format "${format}" in a constraint parameters schema`, { field: `${path}.format` });
  }
  const properties = raw['properties'];
  let propertyMap: Map<string, Schema> | undefined;
  if (properties !== undefined && properties !== null) {
    if (!isJsonObject(properties)) throw new KpcError(`must be an object`, { field: `${path}.properties` });
    propertyMap = new Map(Object.entries(properties).map(([key, value]) => [key, compileSchema(value, `${path}.properties[${key}]`)]));
  }
  let additionalProperties: Schema | undefined;
  const additional = raw['additionalProperties'];
  if (typeof additional === 'boolean') {
    throw new UnsupportedError('boolean additionalProperties in a constraint parameters schema', { field: `${path}.additionalProperties` });
  } else if (additional !== undefined && additional !== null) {
    additionalProperties = compileSchema(additional, `${path}.additionalProperties`);
  }
  const itemsRaw = raw['items'];
  if (Array.isArray(itemsRaw)) throw new UnsupportedError('tuple-form items in a constraint parameters schema', { field: `${path}.items` });
  const items = itemsRaw === undefined || itemsRaw === null ? undefined : compileSchema(itemsRaw, `${path}.items`);
  const patternText = optionalString(raw, 'pattern', path);
  let pattern: RE2JS | undefined;
  if (patternText !== undefined) {
    try {
      pattern = RE2JS.compile(patternText);
    } catch (error) {
      throw new KpcError(`must be a valid regular expression, but isn't: ${(error as Error).message}`, { field: `${path}.pattern` });
    }
  }
  const required = raw['required'];
  if (required !== undefined && required !== null && (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))) {
    throw new KpcError('must be a list of strings', { field: `${path}.required` });
  }
  const enumValues = raw['enum'];
  if (enumValues !== undefined && enumValues !== null && !Array.isArray(enumValues)) throw new KpcError('must be a list', { field: `${path}.enum` });
  return {
    type,
    nullable: optionalBool(raw, 'nullable', path),
    properties: propertyMap,
    additionalProperties,
    items,
    required: (required as string[] | undefined | null) ?? [],
    enum: (enumValues as JsonValue[] | undefined | null) ?? undefined,
    pattern,
    patternText,
    minLength: optionalInt(raw, 'minLength', path),
    maxLength: optionalInt(raw, 'maxLength', path),
    minimum: optionalNumber(raw, 'minimum', path),
    maximum: optionalNumber(raw, 'maximum', path),
    exclusiveMinimum: optionalBool(raw, 'exclusiveMinimum', path),
    exclusiveMaximum: optionalBool(raw, 'exclusiveMaximum', path),
    multipleOf: optionalNumber(raw, 'multipleOf', path),
    minItems: optionalInt(raw, 'minItems', path),
    maxItems: optionalInt(raw, 'maxItems', path),
    uniqueItems: optionalBool(raw, 'uniqueItems', path),
    minProperties: optionalInt(raw, 'minProperties', path),
    maxProperties: optionalInt(raw, 'maxProperties', path),
    default: raw['default'] === null ? undefined : raw['default'],
    preserveUnknownFields: optionalBool(raw, 'x-kubernetes-preserve-unknown-fields', path),
    intOrString: optionalBool(raw, 'x-kubernetes-int-or-string', path),
    embeddedResource: optionalBool(raw, 'x-kubernetes-embedded-resource', path),
  };
}

function optionalString(raw: JsonObject, key: string, path: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KpcError(`must be a string, found ${describeJson(value)}`, { field: `${path}.${key}` });
  return value;
}

function optionalBool(raw: JsonObject, key: string, path: string): boolean {
  const value = raw[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new KpcError(`must be a boolean, found ${describeJson(value)}`, { field: `${path}.${key}` });
  return value;
}

function optionalInt(raw: JsonObject, key: string, path: string): bigint | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'bigint') throw new KpcError(`must be an integer, found ${describeJson(value)}`, { field: `${path}.${key}` });
  return value;
}

function optionalNumber(raw: JsonObject, key: string, path: string): bigint | number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isNumeric(value)) throw new KpcError(`must be a number, found ${describeJson(value)}`, { field: `${path}.${key}` });
  return value;
}

/** An object schema built in code (the CRD skeleton around parameters and match). */
export function objectSchema(properties: Record<string, Schema>, extra: Partial<Schema> = {}): Schema {
  return { ...emptySchema(), type: 'object', properties: new Map(Object.entries(properties)), ...extra };
}

export function emptySchema(): Schema {
  return {
    type: '', nullable: false, properties: undefined, additionalProperties: undefined, items: undefined, required: [],
    enum: undefined, pattern: undefined, patternText: undefined, minLength: undefined, maxLength: undefined,
    minimum: undefined, maximum: undefined, exclusiveMinimum: false, exclusiveMaximum: false, multipleOf: undefined,
    minItems: undefined, maxItems: undefined, uniqueItems: false, minProperties: undefined, maxProperties: undefined,
    default: undefined, preserveUnknownFields: false, intOrString: false, embeddedResource: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Structural schema rules (apiextensions-apiserver pkg/apiserver/schema/validation.go), as CRD
// validation applies them to the Constraint CRD a template defines.

type Level = 'root' | 'item' | 'field';

/** The structural-schema errors of a schema node at `path` (e.g. the parameters schema, a field level). */
export function structuralErrors(schema: Schema, path: string, level: Level = 'field'): string[] {
  const errors: string[] = [];
  if (schema.type === 'null') errors.push(`${path}.type: Forbidden: type cannot be set to null, use nullable as an alternative`);
  else if (!VALID_TYPES.has(schema.type)) {
    errors.push(`${path}.type: Unsupported value: ${JSON.stringify(schema.type)}: supported values: "array", "boolean", "integer", "number", "object", "string"`);
  }
  if (schema.type === 'array' && schema.items === undefined) errors.push(`${path}.items: Required value: must be specified`);
  if (schema.items) errors.push(...structuralErrors(schema.items, `${path}.items`, 'item'));
  for (const [key, property] of schema.properties ?? []) errors.push(...structuralErrors(property, `${path}.properties[${key}]`, 'field'));
  if (schema.additionalProperties) {
    if (level === 'root') errors.push(`${path}.additionalProperties: Forbidden: must not be used at the root`);
    errors.push(...structuralErrors(schema.additionalProperties, `${path}.additionalProperties`, 'field'));
    if (schema.properties !== undefined && schema.properties.size > 0) errors.push(`${path}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`);
  }
  if (schema.intOrString && schema.preserveUnknownFields) errors.push(`${path}.x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`);
  if (schema.intOrString && schema.embeddedResource) errors.push(`${path}.x-kubernetes-embedded-resource: Invalid value: true: must be false if x-kubernetes-int-or-string is true`);
  if (schema.embeddedResource && schema.type !== 'object') {
    errors.push(schema.type === '' ? `${path}.type: Required value: must be object if x-kubernetes-embedded-resource is true` : `${path}.type: Invalid value: ${JSON.stringify(schema.type)}: must be object if x-kubernetes-embedded-resource is true`);
  } else if (schema.type === '' && !schema.intOrString && !schema.preserveUnknownFields) {
    const what = level === 'root' ? 'at the root' : level === 'item' ? 'for specified array items' : 'for specified object fields';
    errors.push(`${path}.type: Required value: must not be empty ${what}`);
  }
  if (schema.embeddedResource && !schema.preserveUnknownFields && (schema.properties === undefined || schema.properties.size === 0)) {
    errors.push(`${path}.properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`);
  }
  if (schema.default !== undefined) {
    // Defaults must validate and be fully pruned (apiextensions validation of defaults).
    const copy = deepCopy(schema.default);
    for (const error of validateValue(copy, schema, `${path}.default`)) errors.push(error);
    const unknown = pruneUnknownFields(copy, schema, false);
    if (unknown.length > 0) errors.push(`${path}.default: Invalid value: ${describeJson(schema.default)}: must not have unknown fields (${unknown.join(', ')})`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Value validation (kube-openapi validate), errors formatted like field.ErrorList.

/** The validation errors of `value` against `schema`; `path` is the value's field path. */
export function validateValue(value: JsonValue | undefined, schema: Schema, path: string): string[] {
  const errors: string[] = [];
  validateInto(value, schema, path, errors);
  return errors;
}

function validateInto(value: JsonValue | undefined, schema: Schema, path: string, errors: string[]): void {
  if (value === undefined) return;
  if (value === null) {
    // typeValidator: null needs nullable (or no type); the other validators skip null.
    if ((schema.type !== '' || schema.intOrString) && !schema.nullable) errors.push(`${path}: Invalid value: "null": ${path} in body must be of type ${typeList(schema)}: "null"`);
    return;
  }
  const actual = jsonSchemaType(value);
  if (schema.intOrString) {
    if (actual !== 'integer' && actual !== 'string') errors.push(`${path}: Invalid value: "${actual}": ${path} in body must be of type integer,string: "${actual}"`);
  } else if (schema.type !== '' && !(schema.type === actual || (schema.type === 'number' && actual === 'integer') || (schema.type === 'integer' && actual === 'number' && Number.isInteger(value)))) {
    errors.push(`${path}: Invalid value: "${actual}": ${path} in body must be of type ${schema.type}: "${actual}"`);
    return;
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => enumMatches(value, allowed))) {
    errors.push(`${path}: Unsupported value: ${describeJson(value)}: supported values: ${schema.enum.map((v) => describeJson(v)).join(', ')}`);
  }
  if (typeof value === 'string') validateString(value, schema, path, errors);
  else if (isNumeric(value)) validateNumber(value, schema, path, errors);
  else if (Array.isArray(value)) {
    if (schema.minItems !== undefined && BigInt(value.length) < schema.minItems) errors.push(`${path}: Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && BigInt(value.length) > schema.maxItems) errors.push(`${path}: Too many: ${value.length}: must have at most ${schema.maxItems} items`);
    if (schema.uniqueItems && hasDuplicates(value)) errors.push(`${path}: Duplicate value: shall not have duplicate items`);
    if (schema.items) value.forEach((item, index) => validateInto(item, schema.items!, `${path}[${index}]`, errors));
  } else if (isJsonObject(value)) {
    const size = BigInt(Object.keys(value).length);
    if (schema.minProperties !== undefined && size < schema.minProperties) errors.push(`${path}: Invalid value: ${size}: ${path} in body should have at least ${schema.minProperties} properties`);
    if (schema.maxProperties !== undefined && size > schema.maxProperties) errors.push(`${path}: Too many: ${size}: must have at most ${schema.maxProperties} items`);
    for (const key of schema.required) if (!Object.hasOwn(value, key)) errors.push(`${join(path, key)}: Required value`);
    for (const [key, member] of Object.entries(value)) {
      const property = schema.properties?.get(key);
      if (property) validateInto(member, property, join(path, key), errors);
      else if (schema.additionalProperties) validateInto(member, schema.additionalProperties, join(path, key), errors);
    }
  }
}

function validateString(value: string, schema: Schema, path: string, errors: string[]): void {
  const length = BigInt([...value].length); // utf8.RuneCountInString
  if (schema.maxLength !== undefined && length > schema.maxLength) errors.push(`${path}: Too long: may not be more than ${schema.maxLength} bytes`);
  if (schema.minLength !== undefined && length < schema.minLength) errors.push(`${path}: Invalid value: ${JSON.stringify(value)}: ${path} in body should be at least ${schema.minLength} chars long`);
  if (schema.pattern && !schema.pattern.matcher(value).find()) errors.push(`${path}: Invalid value: ${JSON.stringify(value)}: ${path} in body should match '${schema.patternText}'`);
}

function validateNumber(value: bigint | number, schema: Schema, path: string, errors: string[]): void {
  if (schema.maximum !== undefined) {
    const c = compareNumeric(value, schema.maximum);
    if (c > 0 || (schema.exclusiveMaximum && c === 0)) errors.push(`${path}: Invalid value: ${value}: ${path} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`);
  }
  if (schema.minimum !== undefined) {
    const c = compareNumeric(value, schema.minimum);
    if (c < 0 || (schema.exclusiveMinimum && c === 0)) errors.push(`${path}: Invalid value: ${value}: ${path} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`);
  }
  if (schema.multipleOf !== undefined) {
    const multiple =
      typeof value === 'bigint' && typeof schema.multipleOf === 'bigint'
        ? schema.multipleOf !== 0n && value % schema.multipleOf === 0n
        : Number.isInteger(Number(value) / Number(schema.multipleOf));
    if (!multiple) errors.push(`${path}: Invalid value: ${value}: ${path} in body should be a multiple of ${schema.multipleOf}`);
  }
}

/**
 * kube-openapi's Enum: reflect.DeepEqual, else the value converted to the enum member's Go type.
 * Enum members are decoded with encoding/json, so numbers are float64; an int64 value converts to
 * a string as a rune (a Go quirk reproduced on purpose).
 */
function enumMatches(value: JsonValue, allowed: JsonValue): boolean {
  const allowedGo = typeof allowed === 'bigint' ? Number(allowed) : allowed;
  if (isNumeric(value) && typeof allowedGo === 'number') return Number(value) === allowedGo;
  if (typeof value === 'bigint' && typeof allowedGo === 'string') return runeString(value) === allowedGo;
  if (typeof value === 'number' || typeof value === 'bigint') return false;
  return strictDeepEqual(value, allowed);
}

function runeString(value: bigint): string {
  return value >= 0n && value <= 0x10ffffn && !(value >= 0xd800n && value <= 0xdfffn) ? String.fromCodePoint(Number(value)) : '\ufffd';
}

/** DeepEqual of decoded values where int64 and float64 are distinct Go types. */
function strictDeepEqual(a: JsonValue, b: JsonValue): boolean {
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => strictDeepEqual(item, b[i]!));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && strictDeepEqual(a[key]!, b[key]!));
  }
  return a === b;
}

function hasDuplicates(values: JsonValue[]): boolean {
  for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) if (strictDeepEqual(values[i]!, values[j]!)) return true;
  return false;
}

function jsonSchemaType(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return 'number';
  return typeof value;
}

function typeList(schema: Schema): string {
  return schema.intOrString ? 'integer,string' : schema.type;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

// ---------------------------------------------------------------------------------------------
// Pruning (unknown fields) and defaulting.

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * apiextensions PruneWithOptions with TrackUnknownFieldPaths: removes fields the schema does not
 * specify and returns their paths, sorted. At a resource root (and in embedded resources)
 * apiVersion, kind and metadata are kept.
 */
export function pruneUnknownFields(value: JsonValue, schema: Schema | undefined, isResourceRoot: boolean): string[] {
  const unknown: string[] = [];
  const root = isResourceRoot ? { ...(schema ?? emptySchema()), embeddedResource: true } : schema;
  prune(value, root, [], unknown);
  return unknown.sort();
}

function prune(value: JsonValue, schema: Schema | undefined, path: string[], unknown: string[]): void {
  if (schema?.preserveUnknownFields) {
    skipPrune(value, schema, path, unknown);
    return;
  }
  if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      if (schema === undefined) {
        unknown.push(pathText([...path, key]));
        delete value[key];
        continue;
      }
      if (schema.embeddedResource && META_FIELDS.has(key)) continue;
      const property = schema.properties?.get(key);
      if (property) prune(value[key]!, property, [...path, key], unknown);
      else if (schema.additionalProperties) prune(value[key]!, schema.additionalProperties, [...path, key], unknown);
      else {
        if (!META_FIELDS.has(key) || path.length > 0) unknown.push(pathText([...path, key]));
        delete value[key];
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => prune(item, schema?.items, [...path, `[${index}]`], unknown));
  }
}

function skipPrune(value: JsonValue, schema: Schema, path: string[], unknown: string[]): void {
  if (isJsonObject(value)) {
    for (const [key, member] of Object.entries(value)) {
      if (schema.embeddedResource && META_FIELDS.has(key)) continue;
      const property = schema.properties?.get(key);
      if (property) prune(member, property, [...path, key], unknown);
      else if (schema.additionalProperties) prune(member, schema.additionalProperties, [...path, key], unknown);
    }
  } else if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => skipPrune(item, schema.items!, [...path, `[${index}]`], unknown));
  }
}

function pathText(parts: string[]): string {
  return parts.reduce((text, part) => (part.startsWith('[') ? text + part : text ? `${text}.${part}` : part), '');
}

/** apiextensions defaulting.Default: fills absent (or non-nullable null) properties with deep-copied defaults, in place. */
export function applyDefaults(value: JsonValue, schema: Schema | undefined): void {
  if (!schema) return;
  if (isJsonObject(value)) {
    for (const [key, property] of schema.properties ?? []) {
      if (property.default === undefined) continue;
      if (!Object.hasOwn(value, key) || (value[key] === null && !property.nullable)) value[key] = deepCopy(property.default);
    }
    for (const key of Object.keys(value)) {
      const property = schema.properties?.get(key);
      if (property) applyDefaults(value[key]!, property);
      else if (schema.additionalProperties) {
        const additional = schema.additionalProperties;
        if (value[key] === null && !additional.nullable && additional.default !== undefined) value[key] = deepCopy(additional.default);
        applyDefaults(value[key]!, additional);
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, index) => {
      if (item === null && !items.nullable && items.default !== undefined) value[index] = deepCopy(items.default);
      applyDefaults(value[index]!, items);
    });
  }
}
