/**
 * JMESPath as Kyverno runs it: github.com/kyverno/go-jmespath (a fork whose field access on a
 * missing key is an error) plus a pluggable function table. Kyverno's own functions are
 * registered by src/engines/kyverno/jmespath-functions.ts.
 *
 * Source followed: kyverno/go-jmespath master (a1d46ef, 2021-05). Kyverno pins a 2023 revision
 * that is not public in our mirror; its interpreter semantics (NotFound handling) are the ones
 * Kyverno's own tests assert (pkg/engine/validation_test.go), which this port reproduces.
 */
import { STANDARD_FUNCTIONS } from './functions.ts';
import { Interpreter, type FunctionEntry } from './interpreter.ts';
import { parse, type AstNode } from './parser.ts';

export { NotFoundError, JmesRuntimeError, JmesLimitError, ExpRef, isGoError, type FunctionEntry, type ArgType } from './interpreter.ts';
export { JmesSyntaxError } from './lexer.ts';
export { GoInt, isFalse, deepEqual, isObject, cloneValue, goJsonMarshal, type Value, type JsonObject } from './values.ts';
export type { AstNode } from './parser.ts';

/** A function table: the standard functions, optionally overridden or extended. */
export class FunctionTable {
  private readonly table = new Map<string, FunctionEntry>();

  constructor(entries: readonly FunctionEntry[] = STANDARD_FUNCTIONS) {
    for (const e of entries) this.table.set(e.name, e);
  }

  /** Add or replace a function (go-jmespath FunctionCaller.Register). */
  register(entry: FunctionEntry): this {
    this.table.set(entry.name, entry);
    return this;
  }

  get entries(): ReadonlyMap<string, FunctionEntry> {
    return this.table;
  }
}

const STANDARD_TABLE = new FunctionTable();

/** Parsed expressions are immutable and cached by text (policies repeat the same queries). */
const cache = new Map<string, AstNode>();
const CACHE_LIMIT = 10_000;

export function compile(expression: string): AstNode {
  let ast = cache.get(expression);
  if (!ast) {
    ast = parse(expression);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(expression, ast);
  }
  return ast;
}

/** Evaluate an expression against data; throws NotFoundError, JmesSyntaxError or JmesRuntimeError. */
export function search(expression: string, data: unknown, functions: FunctionTable = STANDARD_TABLE): unknown {
  const ast = compile(expression);
  const result = new Interpreter(functions.entries).execute(ast, data);
  return result === undefined ? null : result;
}
