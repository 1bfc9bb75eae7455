// The ValidatingAdmissionPolicy-shaped evaluator the engines share: compile a policy's variables,
// match conditions, validations (+ messageExpressions) and audit annotations once, then evaluate
// them per request exactly as the apiserver does (admission/plugin/policy/validating/validator.go,
// plugin/cel/{activation,composition}.go, webhook/matchconditions/matcher.go).
import { UnsupportedError } from '../../util/errors.ts';
import { walk } from './ast.ts';
import { authorizerValue, type CelAuthorizer } from './lib/authz.ts';
import { CEL_TIME_LIMIT_MS, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from './cost.ts';
import { CelCompileError, CelProgram, defaultCelEnvironment, type CelEnvironment, type CelOutcome } from './environment.ts';
import { toCelValue } from './values.ts';

export interface CelNamedExpression {
  readonly name: string;
  readonly expression: string;
}

export interface CelValidationSpec {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  /** A metav1.StatusReason; a denial without one has reason `Invalid`. */
  readonly reason?: string;
}

export interface CelAuditAnnotationSpec {
  readonly key: string;
  readonly valueExpression: string;
}

/** The CEL parts of a ValidatingAdmissionPolicy spec (also Kyverno's and Gatekeeper's). */
export interface CelPolicySpec {
  readonly variables?: readonly CelNamedExpression[];
  readonly matchConditions?: readonly CelNamedExpression[];
  readonly validations?: readonly CelValidationSpec[];
  readonly auditAnnotations?: readonly CelAuditAnnotationSpec[];
}

/** A compile problem, named by the spec field it comes from (`validations[0].messageExpression`). */
export interface CelCompileIssue {
  readonly field: string;
  readonly expression: string;
  readonly message: string;
  /** 1-based position inside the expression, when known. */
  readonly line?: number;
  readonly column?: number;
  /** True when the expression is valid Kubernetes CEL that this evaluator cannot run. */
  readonly unsupported: boolean;
}

/** Per-request inputs, as plain JSON-like data (converted with toCelValue; integers become ints). */
export interface CelBindings {
  readonly object?: unknown;
  readonly oldObject?: unknown;
  /** The AdmissionRequest as CEL sees it (kind, resource, name, namespace, operation, userInfo…). */
  readonly request?: unknown;
  readonly params?: unknown;
  readonly namespaceObject?: unknown;
  /** Absent: `authorizer` is unbound, and using it is an error, as in the apiserver without one. */
  readonly authorizer?: CelAuthorizer | null;
  /** Values of the root variables declared by extra libraries (e.g. Kyverno's). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type CelFailurePolicy = 'Fail' | 'Ignore';

export interface CelMatchResult {
  readonly matches: boolean;
  /** The name of the first condition that evaluated to false. */
  readonly failedCondition?: string;
  /** Set when conditions errored (and none was false); what happens next is the failure policy's call. */
  readonly error?: string;
}

/** One validation's outcome, mirroring the apiserver's PolicyDecision. */
export interface CelDecision {
  readonly action: 'admit' | 'deny';
  readonly evaluation: 'admit' | 'deny' | 'error';
  readonly message: string;
  /** For denials: the validation's reason, `Invalid` by default. */
  readonly reason?: string;
  /** Index into `validations`, or null for a policy-level error (match conditions, cost budget). */
  readonly validationIndex: number | null;
}

export interface CelAuditAnnotationResult {
  readonly key: string;
  readonly action: 'publish' | 'exclude' | 'error';
  readonly value?: string;
  readonly error?: string;
}

export interface CelValidateResult {
  /** False when a match condition was false (or errored under failurePolicy Ignore): no decisions. */
  readonly matched: boolean;
  readonly decisions: readonly CelDecision[];
  readonly auditAnnotations: readonly CelAuditAnnotationResult[];
  /** Cost units spent, summed over every expression evaluated. */
  readonly cost: number;
}

/** apiserver/pkg/apis/cel/config.go MaxEvaluatedMessageExpressionSizeBytes */
export const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface CompiledExpression {
  readonly field: string;
  readonly expression: string;
  readonly program: CelProgram | null;
  /** Compile error text as the apiserver reports it ("compilation failed: …"). */
  readonly error: string | null;
}

export interface CompileCelPolicyOptions {
  /** Default: the Kubernetes environment. Kyverno passes one with its own libraries. */
  readonly environment?: CelEnvironment;
}

const policyCache = new WeakMap<CelEnvironment, Map<string, CompiledCelPolicy>>();

/**
 * Compiles every expression of the spec once (cached by the spec's content per environment).
 * Never throws for a bad expression: its error is listed in `issues` and surfaces at evaluation,
 * where the apiserver would report it.
 */
export function compileCelPolicy(spec: CelPolicySpec, options: CompileCelPolicyOptions = {}): CompiledCelPolicy {
  const environment = options.environment ?? defaultCelEnvironment();
  let byText = policyCache.get(environment);
  if (!byText) policyCache.set(environment, (byText = new Map()));
  const key = JSON.stringify(spec);
  let compiled = byText.get(key);
  if (!compiled) {
    compiled = new CompiledCelPolicy(spec, environment);
    if (byText.size >= 2000) byText.clear();
    byText.set(key, compiled);
  }
  return compiled;
}

export class CompiledCelPolicy {
  readonly issues: readonly CelCompileIssue[];
  readonly variables: readonly (CompiledExpression & { readonly name: string })[];
  readonly matchConditions: readonly (CompiledExpression & { readonly name: string })[];
  readonly validations: readonly (CompiledExpression & { readonly spec: CelValidationSpec; readonly messageProgram: CompiledExpression | null })[];
  readonly auditAnnotations: readonly (CompiledExpression & { readonly key: string })[];

  constructor(
    readonly spec: CelPolicySpec,
    readonly environment: CelEnvironment,
  ) {
    const issues: CelCompileIssue[] = [];
    const compile = (field: string, expression: string, visibleVariables: ReadonlySet<string>): CompiledExpression => {
      try {
        const program = environment.compile(expression);
        checkVariableReferences(program, visibleVariables);
        return { field, expression, program, error: null };
      } catch (error) {
        const issue = toIssue(field, expression, error);
        issues.push(issue);
        return { field, expression, program: null, error: issue.message };
      }
    };

    const declared = new Set<string>();
    this.variables = (spec.variables ?? []).map((variable, i) => {
      const field = `variables[${i}].expression`;
      const compiled = compile(field, variable.expression, new Set(declared));
      if (!VARIABLE_NAME.test(variable.name)) issues.push(plainIssue(`variables[${i}].name`, variable.name, `invalid variable name '${variable.name}'`));
      else if (declared.has(variable.name)) issues.push(plainIssue(`variables[${i}].name`, variable.name, `duplicate variable name '${variable.name}'`));
      declared.add(variable.name);
      return { ...compiled, name: variable.name };
    });
    this.matchConditions = (spec.matchConditions ?? []).map((condition, i) => ({
      ...compile(`matchConditions[${i}].expression`, condition.expression, declared),
      name: condition.name,
    }));
    this.validations = (spec.validations ?? []).map((validation, i) => ({
      ...compile(`validations[${i}].expression`, validation.expression, declared),
      spec: validation,
      messageProgram:
        validation.messageExpression !== undefined && validation.messageExpression !== ''
          ? compile(`validations[${i}].messageExpression`, validation.messageExpression, declared)
          : null,
    }));
    this.auditAnnotations = (spec.auditAnnotations ?? []).map((annotation, i) => ({
      ...compile(`auditAnnotations[${i}].valueExpression`, annotation.valueExpression, declared),
      key: annotation.key,
    }));
    // The apiserver requires these result types (ReturnTypes of each ExpressionAccessor); with
    // `dyn` inputs cel-js may only know the type at run time, where it is checked again.
    for (const [list, expected] of [
      [this.matchConditions, 'bool'],
      [this.validations, 'bool'],
      [this.validations.map((v) => v.messageProgram).filter((m): m is CompiledExpression => m !== null), 'string'],
    ] as const) {
      for (const entry of list) {
        const type = entry.program?.outputType;
        if (type !== undefined && type !== 'dyn' && type !== expected) {
          const message = `must evaluate to ${expected} but got ${type}`;
          issues.push(plainIssue(entry.field, entry.expression, message));
          (entry as { program: CelProgram | null }).program = null;
          (entry as { error: string | null }).error = message;
        }
      }
    }
    this.issues = issues;
  }

  /** The activation for one request: lazily evaluated variables, and every expression on demand. */
  bind(bindings: CelBindings): CelPolicyActivation {
    return new CelPolicyActivation(this, bindings);
  }

  /** Evaluates the policy for one request as the apiserver's validator does. */
  validate(bindings: CelBindings, options: { readonly failurePolicy?: CelFailurePolicy } = {}): CelValidateResult {
    return this.bind(bindings).validate(options.failurePolicy ?? 'Fail');
  }
}

/**
 * The getter of one lazy variable. A module function returning an unnamed closure: a closure
 * written inline as `get: () => …` gets a name, which tsx's keepNames sets with a defineProperty
 * on every activation.
 */
function lazyVariable(activation: CelPolicyActivation, name: string): () => unknown {
  return function () {
    const outcome = activation.variable(name);
    if (outcome.ok) return outcome.value;
    throw new Error(outcome.error);
  };
}

export class CelPolicyActivation {
  readonly #policy: CompiledCelPolicy;
  readonly #context: Record<string, unknown>;
  readonly #variableOutcomes = new Map<string, CelOutcome>();
  /** Cost spent by variables since the last takeVariableCost (composition cost, charged to the referrer). */
  #variableCost = 0;
  #totalCost = 0;
  /** Every expression of this activation (one policy, one request) shares one time limit. */
  readonly #deadline = performance.now() + CEL_TIME_LIMIT_MS;

  constructor(policy: CompiledCelPolicy, bindings: CelBindings) {
    this.#policy = policy;
    const context: Record<string, unknown> = Object.create(null);
    context.object = toCelValue(bindings.object ?? null);
    context.oldObject = toCelValue(bindings.oldObject ?? null);
    context.request = toCelValue(bindings.request ?? null);
    context.params = toCelValue(bindings.params ?? null);
    context.namespaceObject = toCelValue(bindings.namespaceObject ?? null);
    if (bindings.authorizer) context.authorizer = authorizerValue(bindings.authorizer, bindings.request);
    for (const [name, value] of Object.entries(bindings.extra ?? {})) {
      if (!policy.environment.variableNames.has(name)) throw new UnsupportedError(`no library declares the CEL variable '${name}'`);
      context[name] = toCelValue(value);
    }
    context.variables = this.#lazyVariables();
    this.#context = context;
  }

  /** Cost units spent so far by everything evaluated in this activation. */
  get cost(): number {
    return this.#totalCost;
  }

  /** The CEL activation (root variable → CEL value), for evaluating other programs against it. */
  get context(): Readonly<Record<string, unknown>> {
    return this.#context;
  }

  // Variables are a lazy map (apiserver/pkg/cel/lazy): each is evaluated on first reference, once;
  // a failure is an error value at the reference, which `||`/`&&` may absorb like any other error.
  #lazyVariables(): Record<string, unknown> {
    const variables: Record<string, unknown> = Object.create(null);
    for (const variable of this.#policy.variables) {
      Object.defineProperty(variables, variable.name, { enumerable: true, get: lazyVariable(this, variable.name) });
    }
    return variables;
  }

  /** A variable's value or error, evaluated once per activation. */
  variable(name: string): CelOutcome {
    const cached = this.#variableOutcomes.get(name);
    if (cached) return cached;
    const variable = this.#policy.variables.find((v) => v.name === name);
    let outcome: CelOutcome;
    if (!variable) outcome = { ok: false, error: `no such variable: ${name}`, cost: 0, costExceeded: false };
    else if (!variable.program) {
      outcome = { ok: false, error: `composited variable "${name}" fails to compile: ${variable.error}`, cost: 0, costExceeded: false };
    } else {
      const result = variable.program.run(this.#context, PER_CALL_COST_LIMIT, this.#deadline);
      outcome = result.ok ? result : { ...result, error: `composited variable "${name}" fails to evaluate: ${result.error}` };
      this.#variableCost += result.cost;
      this.#totalCost += result.cost;
    }
    this.#variableOutcomes.set(name, outcome);
    return outcome;
  }

  /** Evaluates any compiled program in this activation (for engine-specific expressions). */
  evaluate(program: CelProgram): CelOutcome {
    const outcome = program.run(this.#context, PER_CALL_COST_LIMIT, this.#deadline);
    this.#totalCost += outcome.cost;
    return outcome;
  }

  /** Runs one compiled entry as the apiserver's activation.Evaluate does, charging `budget`. */
  #evaluateEntry(entry: CompiledExpression, budget: { remaining: number }): { outcome: CelOutcome | null; error: string | null; outOfBudget: boolean } {
    if (!entry.program) return { outcome: null, error: `compilation error: ${entry.error}`, outOfBudget: false };
    this.#variableCost = 0;
    const outcome = this.evaluate(entry.program);
    const composition = this.#variableCost;
    this.#variableCost = 0;
    if (composition > budget.remaining) return { outcome, error: null, outOfBudget: true };
    budget.remaining -= composition;
    if (outcome.cost > budget.remaining) return { outcome, error: null, outOfBudget: true };
    budget.remaining -= outcome.cost;
    if (!outcome.ok) return { outcome, error: `expression '${entry.expression}' resulted in error: ${outcome.error}`, outOfBudget: false };
    return { outcome, error: null, outOfBudget: false };
  }

  /** Match conditions as webhook/matchconditions.Matcher: any false → no match; else errors → error. */
  matchConditions(): CelMatchResult {
    const budget = { remaining: RUNTIME_COST_BUDGET };
    const errors: string[] = [];
    for (const condition of this.#policy.matchConditions) {
      const { outcome, error, outOfBudget } = this.#evaluateEntry(condition, budget);
      if (outOfBudget) return { matches: false, error: OUT_OF_BUDGET };
      if (error !== null) errors.push(error);
      else if (outcome?.ok && outcome.value === false) return { matches: false, failedCondition: condition.name };
      else if (outcome?.ok && outcome.value !== true) errors.push(`expression '${condition.expression}' resulted in error: must evaluate to bool`);
    }
    if (errors.length > 0) return { matches: false, error: aggregate(errors) };
    return { matches: true };
  }

  /** A validation's raw outcome (true/false, another value, or an error message), no budget. */
  validation(index: number): CelOutcome {
    const entry = this.#policy.validations[index];
    if (!entry) throw new RangeError(`no validation ${index}`);
    if (!entry.program) return { ok: false, error: `compilation error: ${entry.error}`, cost: 0, costExceeded: false };
    return this.evaluate(entry.program);
  }

  /**
   * The message for a failed validation, chosen as the apiserver does: the messageExpression's
   * string result (trimmed; dropped when empty, over 5 KiB or multi-line), else `message` (trimmed),
   * else `failed expression: <expression>`.
   */
  failureMessage(index: number, messageOutcome?: CelOutcome | null): string {
    const entry = this.#policy.validations[index];
    if (!entry) throw new RangeError(`no validation ${index}`);
    const outcome = messageOutcome === undefined ? this.#messageOutcome(index) : messageOutcome;
    let message = '';
    if (outcome?.ok && typeof outcome.value === 'string') {
      message = outcome.value.trim();
      if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_EXPRESSION_BYTES || message.includes('\n')) message = '';
    }
    if (message === '' && entry.spec.message) message = entry.spec.message.trim();
    if (message === '') message = `failed expression: ${entry.spec.expression.trim()}`;
    return message;
  }

  #messageOutcome(index: number): CelOutcome | null {
    const program = this.#policy.validations[index]?.messageProgram;
    if (!program) return null;
    if (!program.program) return { ok: false, error: `compilation error: ${program.error}`, cost: 0, costExceeded: false };
    return this.evaluate(program.program);
  }

  /** An audit annotation's value expression outcome. */
  auditAnnotation(index: number): CelOutcome {
    const entry = this.#policy.auditAnnotations[index];
    if (!entry) throw new RangeError(`no audit annotation ${index}`);
    if (!entry.program) return { ok: false, error: `compilation error: ${entry.error}`, cost: 0, costExceeded: false };
    return this.evaluate(entry.program);
  }

  /** validator.Validate: match conditions, every validation, messages, audit annotations. */
  validate(failurePolicy: CelFailurePolicy): CelValidateResult {
    const errorAction = failurePolicy === 'Ignore' ? 'admit' : 'deny';
    const policyError = (message: string): CelValidateResult => ({
      matched: true,
      decisions: [{ action: errorAction, evaluation: 'error', message, validationIndex: null }],
      auditAnnotations: [],
      cost: this.#totalCost,
    });

    if (this.#policy.matchConditions.length > 0) {
      const match = this.matchConditions();
      if (match.error !== undefined && match.failedCondition === undefined) {
        if (failurePolicy === 'Ignore') return { matched: false, decisions: [], auditAnnotations: [], cost: this.#totalCost };
        return policyError(match.error);
      }
      if (!match.matches) return { matched: false, decisions: [], auditAnnotations: [], cost: this.#totalCost };
    }

    const budget = { remaining: RUNTIME_COST_BUDGET };
    const results: { outcome: CelOutcome | null; error: string | null }[] = [];
    for (const validation of this.#policy.validations) {
      const { outcome, error, outOfBudget } = this.#evaluateEntry(validation, budget);
      if (outOfBudget) return policyError(OUT_OF_BUDGET);
      results.push({ outcome, error });
    }
    // Every messageExpression is evaluated (placeholders for validations without one), sharing what
    // is left of the budget; running out turns every decision into an error.
    const messages: (CelOutcome | null)[] = [];
    let messageBudgetError: string | null = null;
    for (const validation of this.#policy.validations) {
      if (!validation.messageProgram || messageBudgetError !== null) {
        messages.push(null);
        continue;
      }
      const { outcome, outOfBudget } = this.#evaluateEntry(validation.messageProgram, budget);
      if (outOfBudget) messageBudgetError = OUT_OF_BUDGET;
      messages.push(outcome);
    }

    const decisions: CelDecision[] = results.map(({ outcome, error }, index): CelDecision => {
      if (error !== null) return { action: errorAction, evaluation: 'error', message: error, validationIndex: index };
      if (messageBudgetError !== null) {
        return { action: errorAction, evaluation: 'error', message: `failed messageExpression: ${messageBudgetError}`, validationIndex: index };
      }
      if (outcome?.ok && outcome.value === true) return { action: 'admit', evaluation: 'admit', message: '', validationIndex: index };
      if (outcome?.ok && typeof outcome.value !== 'boolean') {
        // A `dyn` expression that is not a bool at run time: the apiserver rejects it when compiling.
        const message = `expression '${this.#policy.validations[index]!.expression}' resulted in error: must evaluate to bool`;
        return { action: errorAction, evaluation: 'error', message, validationIndex: index };
      }
      return {
        action: 'deny',
        evaluation: 'deny',
        message: this.failureMessage(index, messages[index] ?? null),
        reason: this.#policy.validations[index]!.spec.reason ?? 'Invalid',
        validationIndex: index,
      };
    });

    const auditBudget = { remaining: RUNTIME_COST_BUDGET };
    const auditAnnotations: CelAuditAnnotationResult[] = [];
    for (const annotation of this.#policy.auditAnnotations) {
      const { outcome, error, outOfBudget } = this.#evaluateEntry(annotation, auditBudget);
      if (outOfBudget) return policyError(OUT_OF_BUDGET);
      const errorResult = failurePolicy === 'Ignore' ? 'exclude' : 'error';
      if (error !== null) auditAnnotations.push({ key: annotation.key, action: errorResult, error });
      else if (outcome?.ok && typeof outcome.value === 'string') {
        const value = outcome.value.trim();
        auditAnnotations.push(value === '' ? { key: annotation.key, action: 'exclude' } : { key: annotation.key, action: 'publish', value });
      } else if (outcome?.ok && outcome.value === null) auditAnnotations.push({ key: annotation.key, action: 'exclude' });
      else {
        const type = outcome?.ok ? typeof outcome.value : 'unknown';
        auditAnnotations.push({
          key: annotation.key,
          action: 'error',
          error: `valueExpression '${annotation.expression}' resulted in unsupported return type: ${type}. Return type must be either string or null.`,
        });
      }
    }
    return { matched: true, decisions, auditAnnotations, cost: this.#totalCost };
  }
}

// References to `variables.<name>` must name a variable declared earlier (the composition
// environment's object type gains a field per compiled variable; anything else is undefined).
function checkVariableReferences(program: CelProgram, visible: ReadonlySet<string>): void {
  for (const { node } of walk(program.ast)) {
    if (node.op !== '.' && node.op !== '.?') continue;
    const [target, field] = node.args as [{ op: string; args: unknown }, string];
    if (target.op === 'id' && target.args === 'variables' && !visible.has(field)) {
      const offset = (node as unknown as { range?: { start?: number } }).range?.start;
      throw new CelCompileError(program.expression, `undefined field '${field}'`, offset);
    }
  }
}

function toIssue(field: string, expression: string, error: unknown): CelCompileIssue {
  if (error instanceof CelCompileError) {
    return { field, expression, message: error.message, line: error.position?.line, column: error.position?.column, unsupported: false };
  }
  if (error instanceof UnsupportedError) return { field, expression, message: error.message, unsupported: true };
  throw error;
}

function plainIssue(field: string, expression: string, message: string): CelCompileIssue {
  return { field, expression, message, unsupported: false };
}

// utilerrors.NewAggregate formatting: one error as is, several as "[a, b]".
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}
