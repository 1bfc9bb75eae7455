import { Ajv, type ValidateFunction } from 'ajv';
import { readYamlObjects } from '../util/yaml.ts';
import { KpcError } from '../util/errors.ts';

/**
 * Validate objects against the OpenAPI v3 schema of a CustomResourceDefinition, the way the API
 * server's structural schema sees them: Kubernetes extensions are translated into JSON Schema
 * (`x-kubernetes-int-or-string`, `x-kubernetes-preserve-unknown-fields`, `nullable`), and fields
 * the schema does not declare are errors (the API server would prune them, silently losing them).
 */

type Schema = Record<string, unknown>;

/** An OpenAPI v3 schema of a CRD as a JSON Schema with unknown fields forbidden. */
export function toJsonSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'format' || key === 'example' || key === 'externalDocs') continue;
    if (key === 'properties' && isObject(value)) {
      out['properties'] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub as Schema)]));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isObject(value)) {
      out[key] = toJsonSchema(value);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((sub) => toJsonSchema(sub as Schema));
    } else {
      out[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['anyOf'] = [...((out['anyOf'] as Schema[] | undefined) ?? []), { type: 'integer' }, { type: 'string' }];
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (out['type'] === 'object' && !preserve && out['additionalProperties'] === undefined && isObject(out['properties'])) {
    out['additionalProperties'] = false;
  }
  if (schema['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });

export interface SchemaCheck {
  /** Validate one object; returns the ajv error text, or null when valid. */
  validate(object: unknown): string | null;
}

export function compileSchema(openApiSchema: Schema): SchemaCheck {
  const validator: ValidateFunction = ajv.compile(toJsonSchema(openApiSchema));
  return {
    validate(object) {
      return validator(object) ? null : ajv.errorsText(validator.errors, { separator: '; ', dataVar: '' });
    },
  };
}

/** The schema of one version of a CRD file (e.g. kyverno.io_clusterpolicies.yaml, version v1). */
export function crdSchema(file: string, version: string): SchemaCheck {
  const crd = readYamlObjects(file).find((doc) => doc.value['kind'] === 'CustomResourceDefinition');
  const versions = (crd?.value['spec'] as { versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[] } | undefined)?.versions ?? [];
  const schema = versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
  if (!schema) throw new KpcError(`no version ${version} with a schema in this CRD`, { file });
  // metadata is validated by the API server's ObjectMeta, not by the CRD schema.
  const properties = { ...(schema['properties'] as Schema), metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
  return compileSchema({ ...schema, properties });
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
