/**
 * The generic validate handler (kyverno pkg/engine/handlers/validation/validate_resource.go):
 * deny, then pattern/anyPattern, then foreach; messages as Kyverno builds them; UPDATE + Enforce
 * re-validates the old object and turns fail+fail into skip (allowExistingViolations).
 */
import { spendWork } from '../../util/budget.ts';
import { cloneValue, GoInt, isObject, type JsonObject } from '../jmespath/index.ts';
import { ConditionError, evaluateConditions, parseConditions, type Conditions } from './conditions.ts';
import { QueryError } from './context.ts';
import { exceptionKey, matchingExceptions, type PolicyException } from './exceptions.ts';
import { getNamespace, matchesResourceDescription, type RequestInfo } from './match.ts';
import { matchPattern, PatternError } from './pattern/validate.ts';
import { copyPolicyContext, isDeleteRequest, isUpdateRequest, loadContext, setOperation, setResources, type PolicyContext } from './policy-context.ts';
import type { Rule } from './policy.ts';
import { errorMessage, ruleError, ruleFail, rulePass, ruleSkip, type RuleResponse } from './responses.ts';
import { substituteAll } from './variables.ts';

interface ValidatorSpec {
  readonly contextEntries: readonly JsonObject[];
  readonly preconditions: Conditions | null;
  readonly pattern: unknown;
  readonly anyPattern: unknown;
  readonly deny: JsonObject | null;
  /** null: no foreach field; [] counts as present (a nested validator always has one). */
  readonly forEach: readonly JsonObject[] | null;
  readonly nesting: number;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;
const joinNonEmpty = (parts: string[], sep: string): string => parts.filter((p) => p !== '').join(sep);

export function enforceAction(pc: PolicyContext, rule: Rule): boolean {
  const action = rule.validate?.['failureAction'];
  const effective = typeof action === 'string' ? action : pc.policy.validationFailureAction;
  return effective === 'Enforce' || effective === 'enforce';
}

export function allowExistingViolations(rule: Rule): boolean {
  const v = rule.validate?.['allowExistingViolations'];
  return typeof v === 'boolean' ? v : true;
}

/** validateResourceHandler.Process. */
export function processValidateResource(pc: PolicyContext, rule: Rule, exceptions: readonly PolicyException[]): RuleResponse | null {
  const matched = matchingExceptions(exceptions, pc);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    // upstream concatenates without a separator
    return { ...ruleSkip(rule.name, 'rule is skipped due to policy exceptions' + keys.join(', ')), exceptions: keys };
  }
  const validate = rule.validate ?? {};
  const spec: ValidatorSpec = {
    contextEntries: [],
    preconditions: rule.preconditions,
    pattern: validate['pattern'],
    anyPattern: validate['anyPattern'],
    deny: isObject(validate['deny']) ? validate['deny'] : present(validate['deny']) ? {} : null,
    forEach: Array.isArray(validate['foreach']) ? validate['foreach'].filter(isObject) : null,
    nesting: 0,
  };
  return new Validator(pc, rule, spec).validate();
}

class Validator {
  constructor(
    private readonly pc: PolicyContext,
    private readonly rule: Rule,
    private spec: ValidatorSpec,
  ) {}

  validate(): RuleResponse | null {
    const name = this.rule.name;
    try {
      loadContext(this.pc, name, this.spec.contextEntries);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return ruleError(name, 'failed to load context', error);
    }
    let passed: boolean;
    let msg: string;
    try {
      [passed, msg] = evaluateConditions(this.pc.json, this.spec.preconditions);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return ruleError(name, 'failed to evaluate preconditions', error);
    }
    if (!passed) return ruleSkip(name, joinNonEmpty(['preconditions not met', msg], '; '));

    let response: RuleResponse | null = null;
    if (this.spec.deny !== null) {
      response = this.validateDeny(this.spec.deny);
    } else if (present(this.spec.pattern) || present(this.spec.anyPattern)) {
      try {
        this.substitutePatterns();
      } catch (error) {
        if (isUnsupported(error)) throw error;
        return ruleError(name, 'variable substitution failed', error);
      }
      response = this.validateResourceWithRule();
    } else if (this.spec.forEach !== null) {
      response = this.validateForEach();
    }

    if (enforceAction(this.pc, this.rule) && isUpdateRequest(this.pc) && allowExistingViolations(this.rule) && this.spec.nesting === 0) {
      let prior: RuleResponse | null;
      try {
        prior = this.validateOldObject();
      } catch (error) {
        if (isUnsupported(error)) throw error;
        return ruleSkip(name, 'failed to validate old object');
      }
      if (prior !== null && response !== null && response.status === 'fail' && prior.status === 'fail') {
        return ruleSkip(name, 'skipping the rule evaluation as pre-existing violations are allowed');
      }
    }
    return response;
  }

  private validateOldObject(): RuleResponse | null {
    if (this.pc.operation !== 'UPDATE') throw new Error('invalid operation');
    const newResource = this.pc.newResource;
    const oldResource = this.pc.oldResource;
    setResources(this.pc, null, oldResource);
    setOperation(this.pc, 'CREATE');
    try {
      if (!this.oldObjectMatches(oldResource)) return ruleSkip(this.rule.name, 'resource not matched');
      return this.validate();
    } finally {
      setResources(this.pc, oldResource, newResource);
      setOperation(this.pc, 'UPDATE');
    }
  }

  /** handlers/validation/utils.go matchResource: preconditions, then match with a made-up user. */
  private oldObjectMatches(resource: JsonObject | null): boolean {
    if (present(this.rule.raw['preconditions'])) {
      try {
        if (!evaluateConditions(this.pc.json, this.rule.preconditions)[0]) return false;
      } catch (error) {
        if (isUnsupported(error)) throw error;
        return false;
      }
    }
    const fakeUser: RequestInfo = {
      roles: ['kyverno:invalidrole'],
      clusterRoles: ['kyverno:invalidrole'],
      userInfo: { username: 'kyverno:kyverno-invalid-controller', uid: 'kyverno:invaliduid', groups: ['kyverno:invalidgroup'] },
    };
    return (
      resource !== null &&
      matchesResourceDescription(resource, this.rule.match, this.rule.exclude, this.rule.name, {
        gvk: gvkFromObject(resource),
        subresource: '',
        namespaceLabels: this.pc.namespaceLabels,
        policyNamespace: this.pc.policy.namespace,
        operation: 'CREATE',
        admissionInfo: fakeUser,
      }) === null
    );
  }

  private validateForEach(): RuleResponse | null {
    const name = this.rule.name;
    let applyCount = 0;
    let listError: unknown = null;
    for (const foreach of this.spec.forEach ?? []) {
      const list = typeof foreach['list'] === 'string' ? foreach['list'] : '';
      let elements: unknown[];
      try {
        const value = this.pc.json.query(list);
        elements = Array.isArray(value) ? value : [value];
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        if (error.message.includes('Unknown key')) continue;
        listError = error;
        continue;
      }
      const [resp, count] = this.validateElements(foreach, elements);
      if (resp.status !== 'pass') return resp;
      applyCount += count;
    }
    if (applyCount === 0) {
      if (listError !== null) return ruleError(name, 'failed to evaluate list', listError);
      return null;
    }
    return rulePass(name, 'rule passed');
  }

  private validateElements(foreach: JsonObject, elements: unknown[]): [RuleResponse, number] {
    const name = this.rule.name;
    const json = this.pc.json;
    json.checkpoint();
    try {
      let applyCount = 0;
      for (let index = 0; index < elements.length; index++) {
        const element = elements[index];
        if (element === null || element === undefined) continue;
        spendWork(1);
        json.resetToCheckpoint();
        const pc = copyPolicyContext(this.pc);
        const scoped = foreach['elementScope'];
        const data = cloneValue(element);
        json.addElement(data, index, this.spec.nesting, new GoInt(index));
        let elementScope = isObject(data);
        if (typeof scoped === 'boolean') {
          if (scoped && !isObject(data)) {
            return [ruleError(name, 'failed to process foreach', `cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${goType(data)}`), applyCount];
          }
          elementScope = scoped;
        }
        if (elementScope) pc.element = data as JsonObject;
        let spec: ValidatorSpec;
        try {
          spec = foreachSpec(foreach, this.spec.nesting + 1);
        } catch (error) {
          return [ruleError(name, 'failed to create foreach validator', error), applyCount];
        }
        const r = new Validator(pc, this.rule, spec).validate();
        if (r === null) continue;
        if (r.status === 'skip') continue;
        if (r.status !== 'pass') {
          if (r.unsupported) return [r, applyCount];
          if (r.status === 'error' && r.message.includes('failed to evaluate preconditions')) continue;
          return [{ name, ruleType: 'Validation', status: r.status, message: `validation failure: ${r.message}` }, applyCount];
        }
        applyCount++;
      }
      return [rulePass(name, ''), applyCount];
    } finally {
      json.restore();
    }
  }

  private validateDeny(deny: JsonObject): RuleResponse {
    const name = this.rule.name;
    let result: boolean;
    let msg: string;
    try {
      const conditions = parseConditions(deny['conditions'], 'deny.conditions');
      [result, msg] = evaluateConditions(this.pc.json, conditions);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return ruleError(name, 'failed to check deny conditions', error);
    }
    if (result) return ruleFail(name, this.denyMessage(true, msg));
    return rulePass(name, this.denyMessage(false, msg));
  }

  private denyMessage(deny: boolean, msg: string): string {
    if (!deny) return `validation rule '${this.rule.name}' passed.`;
    const message = this.message();
    if (message === '' && msg === '') return `validation error: rule ${this.rule.name} failed`;
    const s = joinNonEmpty([message, msg], '; ');
    let raw: unknown;
    try {
      raw = substituteAll(this.pc.json, s);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return msg;
    }
    return typeof raw === 'string' ? raw : "the produced message didn't resolve to a string, check your policy definition.";
  }

  private message(): string {
    const m = this.rule.validate?.['message'];
    return typeof m === 'string' ? m : '';
  }

  private substitutePatterns(): void {
    // Go substitutes into a deep copy; here substitution builds new values (copy-on-write) and
    // pattern matching never writes into the pattern, so the policy's own pattern is used as is.
    if (present(this.spec.pattern)) {
      this.spec = { ...this.spec, pattern: substituteAll(this.pc.json, this.spec.pattern) };
      return;
    }
    if (present(this.spec.anyPattern)) {
      this.spec = { ...this.spec, anyPattern: substituteAll(this.pc.json, this.spec.anyPattern) };
    }
  }

  private validateResourceWithRule(): RuleResponse | null {
    if (this.pc.element !== null) return this.validatePatterns(this.pc.element);
    if (isDeleteRequest(this.pc)) return null;
    const resource = this.pc.newResource;
    return this.validatePatterns(this.pc.integers === 'int64' && resource !== null ? withGoInts(resource) : resource);
  }

  private validatePatterns(resource: JsonObject | null): RuleResponse {
    const name = this.rule.name;
    if (present(this.spec.pattern)) {
      const pe = matchPattern(resource, this.spec.pattern);
      if (!pe) return rulePass(name, `validation rule '${name}' passed.`);
      if (pe.skip) return ruleSkip(name, pe.message);
      if (pe.path === '') return ruleError(name, this.errorMessage(pe, ''));
      return ruleFail(name, this.errorMessage(pe, pe.path));
    }
    if (present(this.spec.anyPattern)) {
      const anyPatterns = this.spec.anyPattern;
      if (!Array.isArray(anyPatterns)) return ruleError(name, 'failed to deserialize anyPattern, expected type array', 'json: cannot unmarshal into Go value of type []interface {}');
      const failed: string[] = [];
      const skipped: string[] = [];
      for (let idx = 0; idx < anyPatterns.length; idx++) {
        const pe = matchPattern(resource, anyPatterns[idx]);
        if (!pe) return rulePass(name, `validation rule '${name}' anyPattern[${idx}] passed.`);
        if (pe.skip) skipped.push(`rule ${name}[${idx}] skipped: ${pe.message}`);
        else if (pe.path === '') failed.push(`rule ${name}[${idx}] failed: ${pe.message}`);
        else failed.push(`rule ${name}[${idx}] failed at path ${pe.path}`);
      }
      if (skipped.length > 0 && failed.length === 0) return ruleSkip(name, skipped.join(' '));
      if (failed.length > 0) return ruleFail(name, this.anyPatternMessage(failed));
    }
    return rulePass(name, this.message());
  }

  private errorMessage(err: PatternError, path: string): string {
    const name = this.rule.name;
    const message = this.message();
    if (message === '') {
      return path !== '' ? `validation error: rule ${name} failed at path ${path}` : `validation error: rule ${name} execution error: ${err.message}`;
    }
    let raw: unknown;
    try {
      raw = substituteAll(this.pc.json, message);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return `validation error: variables substitution error in rule ${name} execution error: ${err.message}`;
    }
    let msg = typeof raw === 'string' ? raw : String(raw);
    if (!msg.endsWith('.')) msg += '.';
    return path !== '' ? `validation error: ${msg} rule ${name} failed at path ${path}` : `validation error: ${msg} rule ${name} execution error: ${err.message}`;
  }

  private anyPatternMessage(errors: string[]): string {
    const errStr = errors.join(' ');
    const message = this.message();
    if (message === '') return `validation error: ${errStr}`;
    let raw: unknown;
    try {
      raw = substituteAll(this.pc.json, message);
    } catch (error) {
      if (isUnsupported(error)) throw error;
      return `validation error: variables substitution error in rule ${this.rule.name} execution error: ${errStr}`;
    }
    const msg = typeof raw === 'string' ? raw : String(raw);
    return msg.endsWith('.') ? `validation error: ${msg} ${errStr}` : `validation error: ${msg}. ${errStr}`;
  }
}

function foreachSpec(foreach: JsonObject, nesting: number): ValidatorSpec {
  let preconditions: Conditions | null;
  try {
    preconditions = parseConditions(foreach['preconditions'], 'foreach.preconditions');
  } catch (error) {
    if (error instanceof ConditionError) throw new Error(error.message);
    throw error;
  }
  const nested = foreach['foreach'];
  const context = Array.isArray(foreach['context']) ? foreach['context'].filter(isObject) : [];
  return {
    contextEntries: context,
    preconditions,
    pattern: foreach['pattern'],
    anyPattern: foreach['anyPattern'],
    deny: isObject(foreach['deny']) ? foreach['deny'] : present(foreach['deny']) ? {} : null,
    // GetForEachValidation: a nested validator always has a (possibly empty) foreach list
    forEach: Array.isArray(nested) ? nested.filter(isObject) : [],
    nesting,
  };
}

function gvkFromObject(resource: JsonObject): { group: string; version: string; kind: string } {
  const apiVersion = typeof resource['apiVersion'] === 'string' ? resource['apiVersion'] : '';
  const kind = typeof resource['kind'] === 'string' ? resource['kind'] : '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion, kind } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return `${typeof v}`;
}

export function isUnsupported(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnsupportedError';
}

export { errorMessage, getNamespace };

const goIntCopies = new WeakMap<JsonObject, JsonObject>();

/** The object as unstructured JSON decoding gives it to the pattern walk: integral numbers as int64. */
function withGoInts(resource: JsonObject): JsonObject {
  let copy = goIntCopies.get(resource);
  if (!copy) {
    copy = convertIntegers(resource) as JsonObject;
    goIntCopies.set(resource, copy);
  }
  return copy;
}

function convertIntegers(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? new GoInt(value) : value;
  if (Array.isArray(value)) return value.map(convertIntegers);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = convertIntegers(v);
    return out;
  }
  return value;
}
