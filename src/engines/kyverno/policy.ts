/**
 * Loading `kyverno.io/v1` ClusterPolicy / Policy objects: the spec fields that matter for
 * validation, and a parsed view of each rule. Rules stay raw JSON underneath because autogen
 * rewrites them as text (pkg/autogen), and a rewritten rule is parsed the same way.
 */
import { KpcError } from '../../util/errors.ts';
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { ConditionError, parseConditions, type Conditions } from './conditions.ts';
import { MatchParseError, parseMatchResources, type MatchResources } from './match.ts';

export interface PolicySource {
  readonly file: string;
  readonly line: number;
}

export interface KyvernoPolicy {
  readonly kind: 'ClusterPolicy' | 'Policy';
  readonly apiVersion: string;
  readonly name: string;
  /** '' for a ClusterPolicy. */
  readonly namespace: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: JsonObject;
  /** The rules as written (before autogen). */
  readonly rules: readonly JsonObject[];
  readonly validationFailureAction: string;
  readonly applyRules: string;
  readonly source: PolicySource;
}

export interface Rule {
  readonly name: string;
  readonly raw: JsonObject;
  readonly match: MatchResources;
  readonly exclude: MatchResources | null;
  readonly context: readonly JsonObject[];
  readonly preconditions: Conditions | null;
  readonly validate: JsonObject | null;
  readonly hasValidate: boolean;
  readonly hasMutate: boolean;
  readonly hasGenerate: boolean;
  readonly hasVerifyImages: boolean;
  readonly hasVerifyImageChecks: boolean;
}

/** A policy Kyverno would refuse (the CLI skips it as "InvalidPolicy"). */
export class InvalidPolicyError extends KpcError {}

export const KYVERNO_POLICY_KINDS = new Set(['ClusterPolicy', 'Policy']);

/** Go zero value test for a decoded field: null/undefined/"" are zero; anything else is set. */
export function isZero(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/** !DeepEqual(*x, X{}) for a struct decoded from a JSON object. */
export function hasNonZeroField(value: unknown): boolean {
  return isObject(value) && Object.values(value).some((v) => !isZero(v));
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function loadKyvernoPolicy(value: JsonObject, source: PolicySource): KyvernoPolicy {
  const where = { file: source.file, line: source.line };
  const kind = value['kind'];
  if (kind !== 'ClusterPolicy' && kind !== 'Policy') throw new KpcError(`not a Kyverno policy (kind ${String(kind)})`, where);
  const metadata = isObject(value['metadata']) ? value['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  if (name === '') throw new InvalidPolicyError('policy has no metadata.name', { ...where, field: 'metadata.name' });
  const spec = value['spec'];
  if (!isObject(spec)) throw new InvalidPolicyError('policy has no spec', { ...where, field: 'spec' });
  const rules = spec['rules'] ?? [];
  if (!Array.isArray(rules) || !rules.every(isObject)) throw new InvalidPolicyError('spec.rules must be a list of objects', { ...where, field: 'spec.rules' });
  const namespace = kind === 'Policy' ? (typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '') : '';
  const policy: KyvernoPolicy = {
    kind,
    apiVersion: typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '',
    name,
    namespace,
    annotations: stringMap(metadata['annotations']),
    labels: stringMap(metadata['labels']),
    spec,
    rules: rules as JsonObject[],
    validationFailureAction: typeof spec['validationFailureAction'] === 'string' ? spec['validationFailureAction'] : '',
    applyRules: typeof spec['applyRules'] === 'string' ? spec['applyRules'] : 'All',
    source,
  };
  validatePolicy(policy);
  return policy;
}

const ruleCache = new WeakMap<JsonObject, Rule>();

/** Parse one (possibly autogen-rewritten) rule; throws InvalidPolicyError for shapes Kyverno rejects. */
export function parseRule(raw: JsonObject, where: PolicySource, index = 0): Rule {
  const cached = ruleCache.get(raw);
  if (cached) return cached;
  const field = `spec.rules[${index}]`;
  const fail = (message: string, sub: string): never => {
    throw new InvalidPolicyError(message, { file: where.file, line: where.line, field: `${field}${sub}` });
  };
  const name = typeof raw['name'] === 'string' ? raw['name'] : '';
  let match: MatchResources;
  let exclude: MatchResources | null = null;
  let preconditions: Conditions | null;
  try {
    match = parseMatchResources(raw['match'], 'match');
    if (raw['exclude'] !== undefined && raw['exclude'] !== null) exclude = parseMatchResources(raw['exclude'], 'exclude');
    preconditions = parseConditions(raw['preconditions'], 'preconditions');
  } catch (error) {
    if (error instanceof MatchParseError || error instanceof ConditionError) return fail(error.message, '');
    throw error;
  }
  const context = raw['context'] ?? [];
  if (!Array.isArray(context) || !context.every(isObject)) return fail('context must be a list of objects', '.context');
  const validate = isObject(raw['validate']) ? raw['validate'] : null;
  const verifyImages = Array.isArray(raw['verifyImages']) ? raw['verifyImages'] : [];
  const rule: Rule = {
    name,
    raw,
    match,
    exclude,
    context: context as JsonObject[],
    preconditions,
    validate,
    hasValidate: hasNonZeroField(validate),
    hasMutate: hasNonZeroField(raw['mutate']),
    hasGenerate: hasNonZeroField(raw['generate']),
    hasVerifyImages: verifyImages.some(hasNonZeroField),
    hasVerifyImageChecks: verifyImages.some((v) => isObject(v) && (v['verifyDigest'] === true || v['required'] === true)),
  };
  ruleCache.set(raw, rule);
  return rule;
}

/**
 * The part of policyvalidation.Validate that decides whether the CLI runs a policy: rule names,
 * match/exclude shape, anchors allowed in validate patterns, conditions that decode.
 */
function validatePolicy(policy: KyvernoPolicy): void {
  const names = new Set<string>();
  policy.rules.forEach((raw, i) => {
    const field = `spec.rules[${i}]`;
    const where = { file: policy.source.file, line: policy.source.line };
    const rule = parseRule(raw, policy.source, i);
    if (rule.name === '') throw new InvalidPolicyError('rule name is required', { ...where, field: `${field}.name` });
    if (rule.name.length > 63) throw new InvalidPolicyError(`rule name "${rule.name}" is longer than 63 characters`, { ...where, field: `${field}.name` });
    if (names.has(rule.name)) throw new InvalidPolicyError(`duplicate rule name: '${rule.name}'`, { ...where, field: `${field}.name` });
    names.add(rule.name);
    for (const [label, m] of [['match', rule.match], ['exclude', rule.exclude]] as const) {
      if (m && m.any.length > 0 && m.all.length > 0) {
        throw new InvalidPolicyError(`can't specify any and all together`, { ...where, field: `${field}.${label}` });
      }
    }
    const validate = rule.validate;
    if (validate) {
      if (!isZero(validate['celPreconditions'] ?? raw['celPreconditions']) && !hasNonZeroField(validate['cel'])) {
        throw new InvalidPolicyError('celPreconditions can only be used with validate.cel', { ...where, field: `${field}.celPreconditions` });
      }
      for (const key of ['pattern', 'anyPattern'] as const) {
        const p = validate[key];
        if (p !== undefined && p !== null) checkPatternAnchors(p, `${field}.validate.${key}`, where);
      }
      if (validate['deny'] !== undefined && validate['deny'] !== null) {
        try {
          const deny = validate['deny'];
          if (isObject(deny)) parseConditions(deny['conditions'], 'deny.conditions');
        } catch (error) {
          if (error instanceof ConditionError) throw new InvalidPolicyError(error.message, { ...where, field: `${field}.validate.deny` });
          throw error;
        }
      }
    }
  });
}

/** validate_pattern.go: only (), =(), ^(), X(), <() in validate patterns; ^() needs a non-empty list. */
function checkPatternAnchors(pattern: unknown, field: string, where: { file: string; line: number }): void {
  if (Array.isArray(pattern)) {
    pattern.forEach((p, i) => checkPatternAnchors(p, `${field}[${i}]`, where));
    return;
  }
  if (!isObject(pattern)) return;
  for (const [key, value] of Object.entries(pattern)) {
    const m = /^([+<=X^])?\((.+)\)$/.exec(key.trim());
    if (m) {
      if (m[1] === '+') throw new InvalidPolicyError(`add-if-not-present anchor +() is not allowed in a validate pattern: ${key}`, { ...where, field: `${field}.${key}` });
      if (m[1] === '^' && (!Array.isArray(value) || value.length === 0)) {
        throw new InvalidPolicyError(`existence anchor ${key} must have a non-empty list value`, { ...where, field: `${field}.${key}` });
      }
    }
    checkPatternAnchors(value, `${field}.${key}`, where);
  }
}
