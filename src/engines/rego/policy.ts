/** compileRego and the CompiledPolicy it returns (see index.ts for the contract). */
import './builtins/all.ts';
import { compileModuleSources, compileQuery } from './compile/compiler.ts';
import { CompileProblem, RegoCompileError, RegoEvalError } from './errors.ts';
import { DEFAULT_LIMITS, Evaluator, type EvalLimits } from './eval/evaluator.ts';
import type { CQuery, DataNode } from './ir.ts';
import { parseQuery, type RegoVersion } from './syntax/parser.ts';
import { ConversionError, fromJS, PreparedValue, toJS } from './values/convert.ts';

export { PreparedValue };
import { EMPTY_OBJECT, type Value } from './values/value.ts';
import { isResourceExhaustion, resourceLimitMessage, WorkLimitExceeded } from '../../util/budget.ts';

export type { EvalLimits };

export interface RegoModuleSource {
  /** File name used in error locations, e.g. `template.rego` or `lib/exempt_container.rego`. */
  readonly path: string;
  readonly source: string;
  /** Syntax of this module; default from CompileOptions (v0). `import rego.v1` also selects v1. */
  readonly regoVersion?: RegoVersion;
}

export interface CompileOptions {
  /** Default syntax for modules and for queries (Gatekeeper: v0). */
  readonly regoVersion?: RegoVersion;
}

export interface EvalOptions {
  /** The input document; undefined leaves `input` undefined. */
  readonly input?: unknown;
  /** The base `data` document (merged with the rules' virtual documents). */
  readonly data?: unknown;
  /** Builtin errors raise eval_type_error / eval_builtin_error instead of making the call undefined. */
  readonly strictBuiltinErrors?: boolean;
  readonly limits?: Partial<EvalLimits>;
  /** Output sets as `Set` and non-string-keyed objects as `Map` (default: OPA's JSON form). */
  readonly exact?: boolean;
}

export interface CompiledPolicy {
  /** Package paths defined by the modules, e.g. ['k8spspseccomp', 'lib.exempt_container']. */
  readonly packages: readonly string[];
  /** Every solution of a query body (e.g. `data.x.violation[r]`): bindings of its named vars. */
  query(query: string, options?: EvalOptions): Record<string, unknown>[];
  /** The value of a ref such as `data.x.violation`, or undefined when it is undefined. */
  evaluate(ref: string, options?: EvalOptions): unknown;
  /** As `query`, with Rego values (internal form), for tests and the Gatekeeper driver. */
  queryValues(query: string, options?: EvalOptions): Record<string, Value>[];
}


export function prepareValue(value: unknown): PreparedValue {
  return new PreparedValue(convertIn(value, 'value'));
}

function convertIn(value: unknown, what: string): Value {
  if (value instanceof PreparedValue) return value.value;
  try {
    return fromJS(value);
  } catch (e) {
    if (e instanceof ConversionError) throw new RegoEvalError('eval_internal_error', `${what}: ${e.message}`);
    throw e;
  }
}

export function compileRego(modules: readonly RegoModuleSource[], options: CompileOptions = {}): CompiledPolicy {
  const compiled = compileModuleSources(modules, options.regoVersion ?? 'v0');
  return new Policy(compiled.root, compiled.modules.map((m) => m.packagePath.join('.')), options.regoVersion ?? 'v0');
}

class Policy implements CompiledPolicy {
  private readonly queries = new Map<string, CQuery>();

  constructor(
    private readonly root: DataNode,
    readonly packages: readonly string[],
    private readonly queryVersion: RegoVersion,
  ) {}

  private compiledQuery(query: string): CQuery {
    let q = this.queries.get(query);
    if (!q) {
      try {
        q = compileQuery(parseQuery(query, this.queryVersion), this.root);
      } catch (e) {
        if (e instanceof CompileProblem) throw new RegoCompileError([e.detail]);
        throw e;
      }
      this.queries.set(query, q);
    }
    return q;
  }

  queryValues(query: string, options: EvalOptions = {}): Record<string, Value>[] {
    return this.#query(query, options, (v) => v);
  }

  query(query: string, options: EvalOptions = {}): Record<string, unknown>[] {
    const exact = options.exact ?? false;
    return this.#query(query, options, (v) => toJS(v, { exact }));
  }

  /** Runs a query and converts its bindings, both under the query's limits. */
  #query<T>(query: string, options: EvalOptions, convert: (v: Value) => T): Record<string, T>[] {
    const q = this.compiledQuery(query);
    const evaluator = new Evaluator(this.root, {
      input: options.input === undefined ? undefined : convertIn(options.input, 'input'),
      data: options.data === undefined ? EMPTY_OBJECT : convertIn(options.data, 'data'),
      strictBuiltinErrors: options.strictBuiltinErrors ?? false,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
    });
    const rows: Record<string, T>[] = [];
    try {
      evaluator.run(q.body, q.nslots, (frame) => {
        const row: Record<string, T> = {};
        for (const { name, slot } of q.vars) {
          const v = frame[slot];
          if (v !== undefined) row[name] = convert(v);
        }
        rows.push(row);
        return false;
      });
      // a limit error absorbed on the way (by a catch-all) still ends the query
      if (evaluator.budget.exhausted !== null) throw evaluator.budget.exhausted;
    } catch (e) {
      if (e instanceof WorkLimitExceeded) {
        const { maxUnits, timeoutMs } = evaluator.budget.limits;
        throw new RegoEvalError(
          'eval_limit_error',
          e.limit === 'units' ? `evaluation exceeded ${maxUnits} steps (limits.maxSteps)` : `evaluation exceeded ${timeoutMs} ms (limits.timeoutMs)`,
        );
      }
      if (isResourceExhaustion(e)) throw new RegoEvalError('eval_limit_error', resourceLimitMessage(e, 'evaluation'));
      throw e;
    }
    return rows;
  }

  evaluate(ref: string, options: EvalOptions = {}): unknown {
    const rows = this.query(`__kpc_value__ = ${ref}`, options);
    return rows[0]?.['__kpc_value__'];
  }
}
