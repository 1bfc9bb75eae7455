// The Kubernetes CEL environment on cel-js: options, variables, libraries, compilation with the
// apiserver's AST validators, and evaluation under a cost limit.
import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import { isResourceExhaustion, resourceLimitMessage } from '../../util/budget.ts';
import { KpcError, UnsupportedError } from '../../util/errors.ts';
import { callArguments, callName, childNodes, lineAndColumn, stringLiteral, walk } from './ast.ts';
import { CostMeter, currentMeter, enterMeter, PER_CALL_COST_LIMIT, restoreMeter } from './cost.ts';
import { kubernetesLibraries } from './lib/index.ts';
import { regexError } from './regex.ts';

/**
 * A set of functions, types and constants added to an environment through cel-js's public API
 * (`registerFunction`, `registerType`, `registerOperator`, `registerConstant`). Kyverno's
 * ValidatingPolicy libraries, for instance, are one of these, supplied by the Kyverno engine.
 */
export interface CelLibrary {
  readonly name: string;
  install(env: Environment): void;
  /** Root variables the library's expressions use, bound per evaluation; declared `dyn`. */
  readonly variables?: readonly string[];
}

/** The root variables of admission CEL (apiserver/pkg/admission/plugin/cel/compile.go), all `dyn` here. */
export const ADMISSION_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer', 'variables'] as const;

/** A compile error: the expression, the message and where in the expression it points. */
export class CelCompileError extends KpcError {
  readonly expression: string;
  /** 1-based position inside the expression text, when known. */
  readonly position: { line: number; column: number } | undefined;
  readonly summary: string;

  constructor(expression: string, summary: string, offset?: number) {
    const position = offset === undefined ? undefined : lineAndColumn(expression, offset);
    const at = position ? ` (at ${position.line}:${position.column})` : '';
    super(`compilation failed: ${summary}${at} in expression: ${oneLine(expression)}`);
    this.name = 'CelCompileError';
    this.expression = expression;
    this.position = position;
    this.summary = summary;
  }
}

/** The result of one evaluation: a value, or the error cel-go would return. */
export type CelOutcome =
  | { readonly ok: true; readonly value: unknown; readonly cost: number }
  | { readonly ok: false; readonly error: string; readonly cost: number; readonly costExceeded: boolean };

/** A compiled expression; `run` never throws for evaluation errors, it returns them. */
export class CelProgram {
  constructor(
    readonly expression: string,
    /** The static type cel-js inferred: `bool`, `string`, `int`, `list`, `map`, `dyn`, `optional<…>`… */
    readonly outputType: string,
    readonly ast: ASTNode,
    private readonly evaluateParsed: (context: Record<string, unknown>) => unknown,
  ) {}

  /**
   * Evaluates against an activation whose values are CEL values (see toCelValue). A missing
   * variable is an error, as in cel-go. `costLimit` defaults to Kubernetes' per-call limit;
   * `deadline` (a performance.now() value) to CEL_TIME_LIMIT_MS from now.
   */
  run(activation: Readonly<Record<string, unknown>>, costLimit: number = PER_CALL_COST_LIMIT, deadline?: number): CelOutcome {
    // a nested evaluation (a lazy variable) keeps its referrer's deadline
    const meter = new CostMeter(costLimit, deadline ?? currentMeter()?.deadline);
    const outer = enterMeter(meter);
    let value: unknown;
    try {
      value = this.evaluateParsed(activation as Record<string, unknown>);
    } catch (error) {
      if (meter.exceeded) return { ok: false, error: meter.message, cost: meter.spent, costExceeded: true };
      return { ok: false, error: celErrorSummary(error), cost: meter.spent, costExceeded: false };
    } finally {
      restoreMeter(outer);
    }
    if (meter.exceeded) return { ok: false, error: meter.message, cost: meter.spent, costExceeded: true };
    if (value instanceof Promise) {
      return { ok: false, error: 'unsupported: asynchronous CEL function', cost: meter.spent, costExceeded: false };
    }
    return { ok: true, value, cost: meter.spent };
  }
}

export interface CelEnvironmentOptions {
  /** Libraries added after the Kubernetes ones (their names must not clash with them). */
  readonly libraries?: readonly CelLibrary[];
  /**
   * Allow `cel.bind(var, value, expr)` (cel-go ext.Bindings). Kyverno's CEL environment has it;
   * the apiserver's (VAP, Gatekeeper) does not, so by default it is a compile error.
   */
  readonly celBind?: boolean;
}

/**
 * A Kubernetes CEL environment (the apiserver's base environment as of 1.33: strings v2, lists,
 * regex, urls, quantity, ip, cidr, semver, format, sets, authz, optional types, homogeneous
 * aggregate literals) with the admission variables, plus any extra libraries. Compiled programs
 * are cached by expression text.
 */
export class CelEnvironment {
  readonly variableNames: ReadonlySet<string>;
  readonly celBind: boolean;
  readonly #env: Environment;
  readonly #cache = new Map<string, CelProgram | CelCompileError>();

  constructor(options: CelEnvironmentOptions = {}) {
    // Homogeneity is checked by our own validator below (it exempts format() arguments, as cel-go does).
    this.#env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    const names = new Set<string>(ADMISSION_VARIABLES);
    for (const library of [...kubernetesLibraries(), ...(options.libraries ?? [])]) {
      library.install(this.#env);
      for (const name of library.variables ?? []) names.add(name);
    }
    for (const name of names) this.#env.registerVariable(name, 'dyn');
    this.variableNames = names;
    this.celBind = options.celBind ?? false;
  }

  /** The compiled expression; throws CelCompileError (or UnsupportedError) for a bad one. Cached. */
  compile(expression: string): CelProgram {
    let entry = this.#cache.get(expression);
    if (entry === undefined) {
      try {
        entry = this.#compileUncached(expression);
      } catch (error) {
        if (!(error instanceof CelCompileError)) throw error;
        entry = error;
      }
      if (this.#cache.size >= 5000) this.#cache.clear();
      this.#cache.set(expression, entry);
    }
    if (entry instanceof CelCompileError) throw entry;
    return entry;
  }

  #compileUncached(expression: string): CelProgram {
    const size = codePointCount(expression);
    if (size > EXPRESSION_SIZE_CODE_POINT_LIMIT) {
      throw new CelCompileError(expression, `expression code point size exceeds limit: size: ${size}, limit ${EXPRESSION_SIZE_CODE_POINT_LIMIT}`);
    }
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = this.#env.parse(expression);
    } catch (error) {
      throw compileErrorFrom(expression, error);
    }
    checkRecursionDepth(expression, parsed.ast);
    rejectUnsupportedSyntax(expression, parsed.ast);
    if (!this.celBind) rejectCelBind(expression, parsed.ast);
    let checked: ReturnType<typeof parsed.check>;
    try {
      checked = parsed.check();
    } catch (error) {
      throw compileErrorFrom(expression, error);
    }
    if (!checked.valid) throw compileErrorFrom(expression, checked.error);
    validateHomogeneousLiterals(expression, parsed.ast);
    validateLiteralArguments(expression, parsed.ast, (text) => this.#env.evaluate(text));
    return new CelProgram(expression, publicTypeName(checked.type ?? 'dyn'), parsed.ast, parsed);
  }
}

let kubernetesEnvironment: CelEnvironment | undefined;

/** The shared environment with only the Kubernetes libraries (what VAP and Gatekeeper use). */
export function defaultCelEnvironment(): CelEnvironment {
  kubernetesEnvironment ??= new CelEnvironment();
  return kubernetesEnvironment;
}

function compileErrorFrom(expression: string, error: unknown): CelCompileError {
  if (error instanceof CelCompileError) return error;
  if (isResourceExhaustion(error)) {
    // cel-go balances long `&&`/`||` chains and `!`/`-` runs that cel-js nests (and recurses on)
    throw new UnsupportedError(`${resourceLimitMessage(error, 'expression')} in expression: ${oneLine(expression)}`);
  }
  const summary = celErrorSummary(error);
  // cel-js points at the node's operator position (`pos`), as cel-go does; else the range start
  const located = error as { node?: { pos?: number }; range?: { start?: number } } | null;
  const offset = located?.node?.pos ?? located?.range?.start;
  return new CelCompileError(expression, summary, typeof offset === 'number' ? offset : undefined);
}

/** The one-line message of a cel-js error (without its source excerpt), or of any thrown value. */
export function celErrorSummary(error: unknown): string {
  if (error instanceof KpcError) return error.message;
  if (error instanceof Error) {
    const summary = (error as { summary?: unknown }).summary;
    const text = typeof summary === 'string' ? summary : (error.message.split('\n')[0] ?? error.message);
    // cel-js names a runtime type seen through `dyn` as dyn<int>; cel-go just says int
    return text.replace(/dyn<([^<>]+)>/g, '$1');
  }
  return String(error);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

// cel-go's parser defaults, which Kubernetes keeps (parser/options.go, parser.go): an expression
// of at most 100,000 code points, and no grammar rule nested more than 250 deep.
const EXPRESSION_SIZE_CODE_POINT_LIMIT = 100_000;
const MAX_RECURSION_DEPTH = 250;
const CALC_OPERATORS = new Set(['+', '-', '*', '/', '%']);
const RELATION_OPERATORS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in']);

function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/**
 * cel-go's recursionListener: the `calc` and `relation` rules are left-recursive, so a chain of k
 * binary operators nests the rule k + 1 deep (+1 while its last operand is parsed). cel-js counts
 * parentheses, member chains and ternaries against the same 250 but not operator chains; this
 * counts those, per rule, along every path (iteratively: the tree may be deep).
 */
function checkRecursionDepth(expression: string, root: ASTNode): void {
  const stack: { node: ASTNode; calc: number; relation: number }[] = [{ node: root, calc: 0, relation: 0 }];
  while (stack.length > 0) {
    const { node, calc, relation } = stack.pop()!;
    const binary = Array.isArray(node.args) && node.args.length === 2;
    const nextCalc = binary && CALC_OPERATORS.has(node.op) ? calc + 1 : calc;
    const nextRelation = binary && RELATION_OPERATORS.has(node.op) ? relation + 1 : relation;
    if (Math.max(nextCalc, nextRelation) + 2 > MAX_RECURSION_DEPTH) {
      throw new CelCompileError(expression, `expression recursion limit exceeded: ${MAX_RECURSION_DEPTH}`, offsetOf(node));
    }
    for (const child of childNodes(node)) stack.push({ node: child, calc: nextCalc, relation: nextRelation });
  }
}

// Kubernetes 1.32+ two-variable comprehensions (cel-go ext.TwoVarComprehensions): cel-js's
// comprehensions have a single iteration variable, so these cannot be evaluated faithfully.
const TWO_VARIABLE_MACROS = new Map<string, number>([
  ['all', 3],
  ['exists', 3],
  ['existsOne', 3],
  ['exists_one', 3],
  ['transformList', 3],
  ['transformMap', 3],
  ['transformMapEntry', 3],
]);

function rejectUnsupportedSyntax(expression: string, root: ASTNode): void {
  for (const { node } of walk(root)) {
    const name = callName(node);
    if (node.op !== 'rcall' || name === null) continue;
    const arity = callArguments(node).length;
    const twoVariable = TWO_VARIABLE_MACROS.get(name);
    if (twoVariable !== undefined && (arity === twoVariable || (name.startsWith('transform') && arity === 4))) {
      throw new UnsupportedError(`two-variable comprehension '${name}' (Kubernetes 1.32+) in expression: ${oneLine(expression)}`);
    }
  }
}

// cel-js always has cel.bind; the apiserver's environment does not declare `cel` at all.
function rejectCelBind(expression: string, root: ASTNode): void {
  for (const { node } of walk(root)) {
    if (callName(node) !== 'bind' || node.op !== 'rcall') continue;
    const receiver = (node.args as unknown as [string, ASTNode])[1];
    if (receiver.op === 'id' && receiver.args === 'cel') {
      throw new CelCompileError(expression, "undeclared reference to 'bind' (in container '')", offsetOf(node));
    }
  }
}

// cel-go ValidateHomogeneousAggregateLiterals (Kubernetes ≥1.29): every element of a list literal,
// and every key and every value of a map literal, has the same type; literals anywhere inside a
// format() call are exempt (the strings library registers that exemption).
function validateHomogeneousLiterals(expression: string, root: ASTNode): void {
  for (const { node, ancestors } of walk(root)) {
    if (node.op !== 'list' && node.op !== 'map') continue;
    if (ancestors.some((ancestor) => callName(ancestor) === 'format')) continue;
    const groups: ASTNode[][] =
      node.op === 'list'
        ? [node.args as ASTNode[]]
        : [(node.args as [ASTNode, ASTNode][]).map(([k]) => k), (node.args as [ASTNode, ASTNode][]).map(([, v]) => v)];
    for (const elements of groups) {
      let expected: string | undefined;
      for (const element of elements) {
        const type = checkedTypeName(element);
        if (type === undefined || isPlaceholderType(type)) continue;
        if (expected === undefined) expected = type;
        else if (expected !== type) {
          throw new CelCompileError(expression, `expected type '${expected}' but found '${type}'`, offsetOf(element));
        }
      }
    }
  }
}

function checkedTypeName(node: ASTNode): string | undefined {
  return (node as unknown as { checkedType?: { name?: string } }).checkedType?.name;
}

// Open type parameters (`T` of `[].sum()`) are `dyn` to a reader, as cel-go prints them.
function publicTypeName(name: string): string {
  return name.replace(/(^|[<, ])[A-Z](?=[>,]|$)/g, '$1dyn');
}

// An empty literal's element type is still open (`list<T>`); cel-go resolves it by unification.
function isPlaceholderType(name: string): boolean {
  return /(^|[<, ])[A-Z]([>,]|$)/.test(name);
}

function offsetOf(node: ASTNode): number | undefined {
  const located = node as unknown as { pos?: number; range?: { start?: number } };
  const offset = located.pos ?? located.range?.start;
  return typeof offset === 'number' ? offset : undefined;
}

// cel-go ValidateRegexLiterals / ValidateDurationLiterals / ValidateTimestampLiterals (Kubernetes
// ≥1.29): constant arguments are checked when the expression is compiled.
const REGEX_FUNCTIONS = new Set(['matches', 'find', 'findAll']);

function validateLiteralArguments(expression: string, root: ASTNode, evaluate: (text: string) => unknown): void {
  for (const { node } of walk(root)) {
    const name = callName(node);
    if (name === null) continue;
    const args = callArguments(node);
    if (REGEX_FUNCTIONS.has(name)) {
      const pattern = stringLiteral(node.op === 'call' && name === 'matches' ? args[1] : args[0]);
      if (pattern !== null) {
        const problem = regexError(pattern);
        if (problem !== null) throw new CelCompileError(expression, `invalid ${name} argument: ${problem}`, offsetOf(node));
      }
    }
    if (node.op === 'call' && (name === 'duration' || name === 'timestamp') && args.length === 1) {
      const literal = stringLiteral(args[0]);
      if (literal === null) continue;
      try {
        evaluate(`${name}(${JSON.stringify(literal)})`);
      } catch (error) {
        throw new CelCompileError(expression, `invalid ${name} argument: ${celErrorSummary(error)}`, offsetOf(node));
      }
    }
  }
}
