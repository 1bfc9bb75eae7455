/**
 * The Rego driver (frameworks:constraint/pkg/client/drivers/rego/driver.go): each template's
 * modules are compiled with the hook module; a review evaluates `data.hooks.violation[result]`
 * once per constraint kind, with
 *   input = {target, constraints: [{kind, name}…], review}
 *   data  = {constraints: {<kind>: {<name>: <parameters>}}, inventory}
 * Numbers keep the form each path gives them upstream: the review is round-tripped through
 * float64 (`1000000` arrives as `1e+06`), parameters keep their int64s, inventory keeps the text
 * Go's JSON encoder wrote. An evaluation error becomes one result per constraint of the kind,
 * with the error text as message; a non-string `msg` makes the whole review fail.
 */
import { compileRego, goFloatNumber, prepareValue, regoNumber, RegoCompileError, RegoEvalError, type CompiledPolicy, type PreparedValue } from '../rego/index.ts';
import type { Driver, DriverResult } from './client.ts';
import type { Constraint } from './constraint.ts';
import { GatekeeperError } from './errors.ts';
import type { Inventory } from './inventory.ts';
import { reviewJson, type Review } from './review.ts';
import { HOOK_MODULE, prepareTemplateModules, regoSource, RegoTemplateError, withRegoLocation, type PreparedModule } from './rego-template.ts';
import { ADMISSION_TARGET, codeFor, REGO_ENGINE, type ConstraintTemplate, type TemplateCode } from './template.ts';
import { goJsonFloat, isJsonObject, type JsonValue } from './values.ts';

const compiledBySource = new Map<string, CompiledPolicy>();

/** Compiles (once per distinct source set) the hook module plus the template's modules. */
function compileTemplate(modules: readonly PreparedModule[]): CompiledPolicy {
  const key = JSON.stringify(modules);
  let policy = compiledBySource.get(key);
  if (!policy) {
    policy = compileRego([{ path: 'hooks.hooks_builtin', source: HOOK_MODULE, regoVersion: 'v0' }, ...modules.map((m) => ({ path: m.path, source: m.source, regoVersion: m.version }))]);
    if (compiledBySource.size >= 500) compiledBySource.clear();
    compiledBySource.set(key, policy);
  }
  return policy;
}

export class RegoDriver implements Driver {
  readonly engine = REGO_ENGINE;
  readonly #policies = new Map<string, CompiledPolicy>();

  addTemplate(template: ConstraintTemplate): void {
    const origin = { file: template.file, line: template.line };
    const code = codeFor(template, REGO_ENGINE);
    if (!code) throw new GatekeeperError('invalid-template', 'could not extract Rego from the constraint template', origin);
    let policy: CompiledPolicy;
    try {
      const modules = prepareTemplateModules(regoSource(code.source, origin), origin);
      try {
        policy = compileTemplate(modules);
      } catch (error) {
        if (error instanceof RegoCompileError) {
          // compiler.Errors (ast.Errors) print as "1 error occurred: …" or "N errors occurred:\n…".
          const text = error.errors.length === 1 ? `1 error occurred: ${error.message}` : error.message;
          throw withRegoLocation(new GatekeeperError('invalid-template', `unable to compile modules: ${text}`, origin), error.errors[0]?.location);
        }
        throw error;
      }
    } catch (error) {
      if (error instanceof RegoTemplateError) throw inTemplateFile(error, code);
      throw error;
    }
    this.#policies.set(template.kind, policy);
  }

  query(constraints: readonly Constraint[], review: Review, inventory: Inventory): DriverResult[] {
    const byKind = new Map<string, Constraint[]>();
    for (const constraint of constraints) {
      const list = byKind.get(constraint.kind) ?? [];
      list.push(constraint);
      byKind.set(constraint.kind, list);
    }
    // toInterfaceMap round-trips the review through JSON (float64 numbers); namespaceObject is set
    // afterwards from the review options, so its int64s survive.
    const reviewValue = toReviewNumbers(reviewJson(review, null)) as Record<string, unknown>;
    reviewValue['namespaceObject'] = review.namespaceObject ? toParameterNumbers(review.namespaceObject) : null;
    // converted to Rego values once for every constraint kind's query
    const preparedReview = prepared(reviewValue, 'input');
    const inventoryValue = prepared(toInventoryNumbers(inventory.data), 'data');
    const results: DriverResult[] = [];
    for (const [kind, kindConstraints] of byKind) {
      const policy = this.#policies.get(kind);
      if (!policy) throw new GatekeeperError('review', `missing Template ${JSON.stringify(kind)} for target ${JSON.stringify(ADMISSION_TARGET)}`);
      const parameters: Record<string, unknown> = {};
      for (const constraint of kindConstraints) parameters[constraint.name] = toParameterNumbers(constraint.parameters);
      const input = {
        target: ADMISSION_TARGET,
        constraints: kindConstraints.map((c) => ({ kind: c.kind, name: c.name })),
        review: preparedReview,
      };
      const data = { constraints: { [kind]: parameters }, inventory: inventoryValue };
      let rows: Record<string, unknown>[];
      try {
        rows = policy.query('data.hooks.violation[result]', { input, data });
      } catch (error) {
        if (!(error instanceof RegoEvalError)) throw error;
        // Our own evaluation limits and internal errors are not OPA behaviour: fail the review loudly
        // instead of passing them off as violations.
        if (error.code === 'eval_limit_error' || error.code === 'eval_internal_error') throw new GatekeeperError('review', error.message);
        // Driver.Query: an evaluation error is reported for every constraint of the kind.
        for (const constraint of kindConstraints) results.push({ msg: error.message, details: undefined, constraint });
        continue;
      }
      for (const row of rows) results.push(toResult(row, kindConstraints));
    }
    return results;
  }
}

/** prepareValue, failing the review as a conversion inside the query would (an internal error, not OPA's). */
function prepared(value: unknown, what: 'input' | 'data'): PreparedValue {
  try {
    return prepareValue(value);
  } catch (error) {
    if (error instanceof RegoEvalError) throw new GatekeeperError('review', `${what}: ${error.message.replace(/^value: /, '')}`);
    throw error;
  }
}

/**
 * The error placed at the file line and column of the Rego text when the Rego sits in a literal
 * block (module "template" is the main rego, libs["lib_<i>"] the i-th lib); the message is OPA's.
 */
function inTemplateFile(error: RegoTemplateError, code: TemplateCode): GatekeeperError {
  const location = error.regoLocation;
  const blocks = code.regoBlocks;
  if (!location || !blocks) return error;
  const lib = /^libs\["lib_(\d+)"\]$/.exec(location.module);
  const block = location.module === 'template' ? blocks.rego : lib ? blocks.libs[Number(lib[1])] : undefined;
  const field = location.module === 'template' ? blocks.field : lib ? `${blocks.field.replace(/rego$/, 'libs')}[${lib[1]}]` : blocks.field;
  if (!block) return new GatekeeperError(error.code, error.message, { file: error.file, line: error.line, field });
  return new GatekeeperError(error.code, error.message, { file: error.file, line: block.line + location.line - 1, column: block.indent + location.column, field });
}

/** drivers.ToResult. */
function toResult(row: Record<string, unknown>, constraints: readonly Constraint[]): DriverResult {
  const result = row['result'];
  if (!isJsonObject(result as JsonValue)) throw new GatekeeperError('review', 'no binding for result');
  const resultMap = result as Record<string, unknown>;
  const msg = resultMap['msg'];
  if (msg === undefined) throw new GatekeeperError('review', 'no binding for msg');
  if (typeof msg !== 'string') {
    throw new GatekeeperError('review', `extracting message binding: .msg accessor error: ${JSON.stringify(msg, bigintJson)} is of the type ${goType(msg)}, expected string`);
  }
  const key = resultMap['key'] as Record<string, unknown> | undefined;
  const constraint = constraints.find((c) => c.kind === key?.['kind'] && c.name === key?.['name']);
  if (!constraint) throw new GatekeeperError('review', 'no binding for Constraint key');
  return { msg, details: toJsonDetails(resultMap['details']), constraint };
}

function toJsonDetails(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  return value as JsonValue;
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (value === null) return '<nil>';
  if (typeof value === 'object') return 'map[string]interface {}';
  if (typeof value === 'number' || typeof value === 'bigint') return 'json.Number';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The review goes through encoding/json into interface{}: every number becomes a float64. */
function toReviewNumbers(value: JsonValue): unknown {
  if (typeof value === 'bigint' || typeof value === 'number') return goFloatNumber(Number(value));
  if (Array.isArray(value)) return value.map(toReviewNumbers);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = toReviewNumbers(member);
    return out;
  }
  return value;
}

/** Parameters are stored as decoded (int64 exact, float64 as OPA's floatNumber). */
function toParameterNumbers(value: JsonValue): unknown {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return goFloatNumber(value);
  if (Array.isArray(value)) return value.map(toParameterNumbers);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = toParameterNumbers(member);
    return out;
  }
  return value;
}

/** Inventory is re-decoded with json.Number: the text encoding/json wrote for each number. */
function toInventoryNumbers(value: JsonValue): unknown {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return regoNumber(goJsonFloat(value));
  if (Array.isArray(value)) return value.map(toInventoryNumbers);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = toInventoryNumbers(member);
    return out;
  }
  return value;
}

