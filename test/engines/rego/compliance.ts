/**
 * Runner for Rego cases in the format of OPA's compliance corpus (v1/test/cases/cases.go):
 * `cases: [{note, modules, query, data, input | input_term, want_result | want_error_code |
 * want_error, strict_error, sort_bindings, want_defined}]`. Results are compared as a set of
 * binding objects after OPA's ast.JSON round trip (sets become sorted arrays).
 * Extension: `rego_version: v1` parses the modules as Rego v1 (default v0, as Gatekeeper).
 */
import { readFileSync } from 'node:fs';
import { compileRego, PreparedValue, RegoCompileError, RegoEvalError } from '../../../src/engines/rego/index.ts';
import { fromJS } from '../../../src/engines/rego/values/convert.ts';
import { RegoObject, RegoSet, compareValues, isArray, keyOf, valueToString, type Value } from '../../../src/engines/rego/values/value.ts';
import { parse as parseYaml } from 'yaml';
import { describeError } from '../../../src/util/errors.ts';

export interface RegoCase {
  readonly note: string;
  readonly query: string;
  readonly modules?: readonly string[];
  readonly data?: unknown;
  readonly input?: unknown;
  readonly input_term?: string;
  readonly want_result?: readonly Record<string, unknown>[];
  readonly want_error_code?: string;
  readonly want_error?: string;
  readonly strict_error?: boolean;
  readonly sort_bindings?: boolean;
  readonly want_defined?: boolean;
  readonly rego_version?: 'v0' | 'v1';
  /** Extension: evaluation limits for runaway-policy cases. */
  readonly limits?: { maxSteps?: number; maxDepth?: number; maxCollectionSize?: number };
}

export function loadCases(file: string): RegoCase[] {
  // YAML 1.2 core schema (as OPA's loader): `n`, `y`, `on` stay strings; integers stay exact.
  const doc = parseYaml(readFileSync(file, 'utf8'), { intAsBigInt: true }) as { cases?: RegoCase[] } | null;
  const cases = doc?.cases;
  if (!Array.isArray(cases)) throw new Error(`${file}: no cases`);
  for (const c of cases) {
    if (typeof c.note !== 'string' || typeof c.query !== 'string') throw new Error(`${file}: a case needs note and query`);
    if (c.want_result === undefined && c.want_error === undefined && c.want_error_code === undefined && c.want_defined === undefined) {
      throw new Error(`${file}: case ${c.note} has no expectation`);
    }
  }
  return cases;
}

/** OPA's ast.JSON round trip: sets become arrays (sorted), objects keep their keys. */
function jsonRoundTrip(v: Value): Value {
  if (v instanceof RegoSet) return v.sortedValues().map(jsonRoundTrip);
  if (isArray(v)) return v.map(jsonRoundTrip);
  if (v instanceof RegoObject) {
    const map = new Map<string, readonly [Value, Value]>();
    for (const [k, x] of v.sortedEntries()) {
      const key = typeof k === 'string' ? k : valueToString(k);
      map.set(keyOf(key), [key, jsonRoundTrip(x)]);
    }
    return new RegoObject(map);
  }
  return v;
}

function sortArrays(row: RegoObject): RegoObject {
  const map = new Map<string, readonly [Value, Value]>();
  for (const [id, [k, v]] of row.map) map.set(id, [k, isArray(v) ? [...v].sort(compareValues) : v]);
  return new RegoObject(map);
}

/** Run one case; returns null when it passes, else what differed. */
export function runCase(c: RegoCase): string | null {
  const modules = (c.modules ?? []).map((source, i) => ({ path: `test-${i}.rego`, source, regoVersion: c.rego_version ?? 'v0' }));
  const wantsError = c.want_error !== undefined || c.want_error_code !== undefined;
  let rows: Record<string, Value>[];
  try {
    const policy = compileRego(modules);
    let input: unknown = c.input;
    if (c.input_term !== undefined) {
      const term = policy.queryValues(`__input_term__ = ${c.input_term}`)[0]?.['__input_term__'];
      if (term === undefined) return `input_term ${c.input_term} is undefined`;
      input = new PreparedValue(term);
    }
    rows = policy.queryValues(c.query, { input, data: c.data ?? {}, strictBuiltinErrors: c.strict_error ?? false, limits: numberLimits(c.limits) });
  } catch (e) {
    if (!(e instanceof RegoCompileError) && !(e instanceof RegoEvalError)) return `unexpected exception: ${e instanceof Error ? e.stack : describeError(e)}`;
    if (!wantsError) return `unexpected error: ${describeError(e)}`;
    const code = e instanceof RegoEvalError ? e.code : e.errors[0]?.code;
    if (c.want_error_code !== undefined && code !== c.want_error_code) return `error code ${code}, want ${c.want_error_code} (${describeError(e)})`;
    if (c.want_error !== undefined && !describeError(e).includes(c.want_error)) return `error ${JSON.stringify(describeError(e))} does not contain ${JSON.stringify(c.want_error)}`;
    return null;
  }
  if (wantsError) return `no error, want ${c.want_error_code ?? ''} ${c.want_error ?? ''} (got ${rows.length} results)`;
  if (c.want_defined !== undefined) {
    const defined = rows.length > 0;
    return defined === c.want_defined ? null : `defined = ${defined}, want ${c.want_defined}`;
  }
  const norm = (r: Value) => (c.sort_bindings && r instanceof RegoObject ? sortArrays(r) : r);
  const got = RegoSet.of(rows.map((row) => norm(jsonRoundTrip(RegoObject.fromEntries(Object.entries(row))))));
  const want = RegoSet.of((c.want_result ?? []).map((row) => norm(jsonRoundTrip(fromJS(row)))));
  if (compareValues(got, want) === 0) return null;
  return `results ${valueToString(got)}\n  want ${valueToString(want)}`;
}

function numberLimits(l: RegoCase['limits']): Record<string, number> | undefined {
  if (!l) return undefined;
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, Number(v)]));
}
