/**
 * Rego interpreter: public API. Everything else under src/engines/rego/ is internal.
 *
 * Compile once, evaluate many times:
 *
 *   const policy = compileRego([{ path: 'template.rego', source }, { path: 'lib.rego', source: lib }]);
 *   const rows = policy.query('data.k8spspseccomp.violation[r]', { input, data });
 *   // rows: [{ r: { msg: '…' } }, …]  — one binding map per solution, user vars only
 *   const value = policy.evaluate('data.k8spspseccomp.violation', { input }); // undefined when undefined
 *
 * - `compileRego` throws `RegoCompileError` (a KpcError) whose `errors` each carry file, line, column
 *   and an OPA error code (rego_parse_error, rego_compile_error, rego_unsafe_var_error,
 *   rego_recursion_error, rego_type_error); `toString()` prints them as OPA prints one ast.Error
 *   (`<file>:<line>: <code>: <message>`), `opaText` as OPA prints ast.Errors ("1 error occurred: …").
 *   Modules default to Rego v0 syntax (what Gatekeeper uses); `import rego.v1` or `regoVersion: 'v1'`
 *   switches a module to v1, and `import future.keywords…` enables keywords in v0. Queries are parsed
 *   with `CompileOptions.regoVersion` (default v0).
 * - `query` / `evaluate` throw `RegoEvalError` (code `eval_conflict_error`, `eval_type_error`,
 *   `eval_builtin_error`, `eval_limit_error`, …) for the errors OPA raises at run time. Builtin errors
 *   make the call undefined unless `strictBuiltinErrors` is set, as in OPA.
 * - Limits OPA does not have (`EvalOptions.limits`, defaults in `DEFAULT_LIMITS`): steps (body
 *   expressions, iterations, calls, builtin argument sizes and nested values traversed; 5M, well
 *   under a second), a 2 s wall clock, rule/function nesting and collection size. Hitting one is an
 *   `eval_limit_error` naming it (`limits.maxSteps`, `limits.timeoutMs`, …), never a verdict.
 *
 * Values crossing the boundary:
 * - In (`input`, `data`): plain JSON-like JS values. `number` → a Rego number whose text is the JS
 *   shortest form (integers exact); `bigint` → an exact integer; `RegoNumber` (from `regoNumber(text)`)
 *   → a number with exactly that text (e.g. Gatekeeper's float64 round trip: `goFloatNumber(1e6)` is
 *   `1e+06`, see `toGoFloatNumbers`); `Set` → a Rego set; `Map` → an object with any keys. `undefined`
 *   members of objects are dropped.
 *   `prepareValue(js)` converts once, for an input or data document passed to many evaluations.
 * - Out (bindings, evaluate results): OPA's `ast.JSON` form by default — sets become arrays in Rego's
 *   sorted order, objects with non-string keys get their keys' Rego text (as ast.JSON does), numbers become JS numbers
 *   (integers outside ±2^53 become `bigint`). With `{ exact: true }` sets stay `Set`s (members in sorted
 *   order) and objects with non-string keys become `Map`s.
 */
export { compileRego, prepareValue, PreparedValue, type RegoModuleSource, type CompileOptions, type CompiledPolicy, type EvalOptions, type EvalLimits } from './policy.ts';
export { RegoCompileError, RegoEvalError, type RegoErrorDetail } from './errors.ts';
export { regoNumber, goFloatNumber, toGoFloatNumbers, RegoNumber } from './values/convert.ts';
