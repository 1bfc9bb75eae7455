/**
 * The `spec.match` schema of every Constraint CRD (gatekeeper:pkg/target/matchcrd_constant.go,
 * generated from pkg/mutation/match/match_types.go), and the Constraint CRD schema the framework
 * builds around a template's parameters schema (frameworks:constraint/pkg/client/crds/schema.go).
 */
import { compileSchema, objectSchema, emptySchema, type Schema } from './schema.ts';
import type { JsonValue } from './values.ts';

const WILDCARD_PATTERN = '^\\*?[-:a-z0-9]*\\*?$';

const LABEL_SELECTOR: JsonValue = {
  type: 'object',
  properties: {
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { type: 'string' },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const MATCH: JsonValue = {
  type: 'object',
  properties: {
    excludedNamespaces: { type: 'array', items: { type: 'string', pattern: WILDCARD_PATTERN } },
    kinds: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          apiGroups: { type: 'array', items: { type: 'string' } },
          kinds: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    labelSelector: LABEL_SELECTOR,
    name: { type: 'string', pattern: WILDCARD_PATTERN },
    namespaceSelector: LABEL_SELECTOR,
    namespaces: { type: 'array', items: { type: 'string', pattern: WILDCARD_PATTERN } },
    scope: { type: 'string' },
    source: { type: 'string', enum: ['All', 'Generated', 'Original'] },
  },
};

const SCOPED_ENFORCEMENT_ACTIONS: JsonValue = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      action: { type: 'string' },
      enforcementPoints: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    },
  },
};

const matchSchema = compileSchema(MATCH, 'match');
const scopedActionsSchema = compileSchema(SCOPED_ENFORCEMENT_ACTIONS, 'scopedEnforcementActions');

/** crds.CreateSchema: the whole Constraint schema; `parameters` only when the template has a schema. */
export function constraintSchema(parameters: Schema | undefined): Schema {
  const spec: Record<string, Schema> = {
    match: matchSchema,
    enforcementAction: { ...emptySchema(), type: 'string', default: 'deny' },
    scopedEnforcementActions: scopedActionsSchema,
  };
  if (parameters) spec['parameters'] = parameters;
  return objectSchema({
    metadata: objectSchema({ name: { ...emptySchema(), type: 'string', maxLength: 63n } }),
    spec: objectSchema(spec),
    status: { ...emptySchema(), preserveUnknownFields: true },
  });
}
