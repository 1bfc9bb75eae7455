/**
 * The per-request evaluation state (kyverno pkg/engine/policycontext) and rule context loading
 * (pkg/engine/factories/contextloaderfactory.go, context/loaders/variable.go, and the CLI store
 * initializer that injects `values` for a policy/rule).
 */
import type { WorkLimits } from '../../util/budget.ts';
import { UnsupportedError } from '../../util/errors.ts';
import { cloneValue, isObject, type JsonObject } from '../jmespath/index.ts';
import { goJsonMarshal } from '../jmespath/index.ts';
import { QueryError, type JsonContext } from './context.ts';
import type { Gvk, RequestInfo } from './match.ts';
import type { KyvernoPolicy } from './policy.ts';
import { substituteAll } from './variables.ts';
import type { PolicyException } from './exceptions.ts';

export interface EngineOptions {
  /** Mock values for rule context entries (a values file's policies[].rules[].values). */
  readonly ruleValues?: (policy: string, rule: string) => Readonly<Record<string, unknown>> | undefined;
  /** True when foreachValues were given for the rule (not supported). */
  readonly ruleHasForeachValues?: (policy: string, rule: string) => boolean;
  readonly exceptions?: readonly PolicyException[];
  /** Work bound per rule and resource (default RULE_WORK_LIMITS in engine.ts). */
  readonly workLimits?: WorkLimits;
}

export interface PolicyContext {
  readonly policy: KyvernoPolicy;
  readonly json: JsonContext;
  newResource: JsonObject | null;
  oldResource: JsonObject | null;
  operation: string;
  element: JsonObject | null;
  readonly namespaceLabels: Readonly<Record<string, string>> | null;
  readonly admissionInfo: RequestInfo;
  readonly gvk: Gvk;
  readonly subresource: string;
  /** AdmissionRequest.integers: int64 gives pattern matching the resource's integral numbers as Go ints. */
  readonly integers: 'float64' | 'int64';
  readonly options: EngineOptions;
}

export function copyPolicyContext(pc: PolicyContext): PolicyContext {
  return { ...pc };
}

export function setResources(pc: PolicyContext, oldResource: JsonObject | null, newResource: JsonObject | null): void {
  pc.newResource = newResource;
  pc.json.addResource(newResource);
  pc.oldResource = oldResource;
  pc.json.addOldResource(oldResource);
}

export function setOperation(pc: PolicyContext, operation: string): void {
  pc.operation = operation;
  pc.json.addOperation(operation);
}

export const isDeleteRequest = (pc: PolicyContext): boolean => (pc.operation !== '' ? pc.operation === 'DELETE' : pc.newResource === null);
export const isUpdateRequest = (pc: PolicyContext): boolean => (pc.oldResource !== null && pc.newResource !== null) || pc.operation === 'UPDATE';

export class ContextLoadError extends Error {}

/** The engine's context loader for a rule: CLI values first, then each entry (lazily). */
export function loadContext(pc: PolicyContext, ruleName: string, entries: readonly JsonObject[]): void {
  const values = pc.options.ruleValues?.(pc.policy.name, ruleName);
  if (values) for (const [key, value] of Object.entries(values)) pc.json.addVariable(key, value);
  if (pc.options.ruleHasForeachValues?.(pc.policy.name, ruleName)) {
    throw new UnsupportedError(`foreachValues for rule ${ruleName} (values are picked by foreach element index)`);
  }
  for (const entry of entries) {
    const name = typeof entry['name'] === 'string' ? entry['name'] : '';
    if (isObject(entry['variable'])) {
      const variable = entry['variable'];
      pc.json.addDeferredLoader(name, (ctx) => loadVariable(ctx, name, variable));
      continue;
    }
    const kind = ['configMap', 'apiCall', 'globalReference', 'imageRegistry'].find((k) => isObject(entry[k]));
    if (!kind) throw new ContextLoadError(`missing ConfigMap|APICall|ImageRegistry|Variable in context entry ${name}`);
    // The CLI loads nothing for these without a cluster; a value the values file put in the
    // context under this name stands in for it.
    if (Object.hasOwn(pc.json.raw, name)) continue;
    pc.json.addDeferredLoader(name, () => {
      throw new UnsupportedError(`context entry "${name}" (${kind}) has no mocked value in the test's values`);
    });
  }
}

/** loaders/variable.go loadVariable. */
function loadVariable(ctx: JsonContext, name: string, variable: JsonObject): void {
  let path = '';
  const jmesPath = variable['jmesPath'];
  if (typeof jmesPath === 'string' && jmesPath !== '') {
    let jp: unknown;
    try {
      jp = substituteAll(ctx, jmesPath);
    } catch (error) {
      throw new QueryError(`failed to substitute variables in context entry ${name} ${jmesPath}: ${(error as Error).message}`, false);
    }
    if (typeof jp !== 'string') throw new QueryError(`jmespath value must be a string ${name} ${jmesPath}: <nil>`, false);
    path = jp;
  }
  let defaultValue: unknown = null;
  if (variable['default'] !== undefined && variable['default'] !== null) {
    try {
      defaultValue = substituteAll(ctx, cloneValue(variable['default']));
    } catch (error) {
      throw new QueryError(`failed to substitute variables in context entry ${name} ${goJsonMarshal(variable['default'])}: ${(error as Error).message}`, false);
    }
  }
  let output: unknown = defaultValue;
  if (variable['value'] !== undefined && variable['value'] !== null) {
    let value: unknown;
    try {
      value = substituteAll(ctx, cloneValue(variable['value']));
    } catch (error) {
      throw new QueryError(`failed to substitute variables in context entry ${name} ${goJsonMarshal(variable['value'])}: ${(error as Error).message}`, false);
    }
    if (path !== '') {
      try {
        output = searchIn(ctx, path, value);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        if (defaultValue === null) throw new QueryError(`failed to apply jmespath ${path} to variable ${goJsonMarshal(value)}: ${error.message}`, false);
      }
    } else {
      output = value;
    }
  } else if (path !== '') {
    try {
      const v = ctx.query(path);
      if (v !== null && v !== undefined) output = v;
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      if (defaultValue === null) throw new QueryError(`failed to apply jmespath ${path} to variable <nil>: ${error.message}`, false);
    }
  }
  if (output === null || output === undefined) throw new QueryError(`failed to add context entry for variable ${name} since it evaluated to nil`, false);
  // json.Marshal + ReplaceContextEntry: stored as decoded JSON
  ctx.replaceContextEntry(name, JSON.parse(goJsonMarshal(output)));
}

/** applyJMESPath on a value (not the context document). */
function searchIn(ctx: JsonContext, path: string, data: unknown): unknown {
  return ctx.searchData(path, data);
}
