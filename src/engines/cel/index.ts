/**
 * The shared Kubernetes CEL layer: one environment and one ValidatingAdmissionPolicy-shaped
 * evaluator for every engine that runs CEL (Kyverno `validate.cel` and `ValidatingPolicy`,
 * Gatekeeper `K8sNativeValidation`, native ValidatingAdmissionPolicy).
 *
 * Built on @marcbachmann/cel-js 8.0.0 (pinned, patched by patches/@marcbachmann+cel-js+8.0.0.patch:
 * `orValue`/`or` on a non-optional receiver returns it as cel-go does, built-in overloads can be
 * replaced, and every evaluated node is observed for the runtime cost limit).
 *
 * ## Evaluating a policy (what the engines call)
 *
 * ```ts
 * import { compileCelPolicy } from '../cel/index.ts';
 *
 * const policy = compileCelPolicy({
 *   variables: [{ name: 'containers', expression: 'object.spec.containers' }],
 *   matchConditions: [{ name: 'pods', expression: "object.kind == 'Pod'" }],
 *   validations: [{
 *     expression: 'variables.containers.all(c, !has(c.securityContext) || c.securityContext.?privileged.orValue(false) == false)',
 *     messageExpression: "'privileged containers: ' + variables.containers.filter(c, ...).map(c, c.name).join(', ')",
 *   }],
 * });
 * policy.issues;          // compile problems: [{field: 'validations[0].expression', message, line, column, unsupported}]
 * const result = policy.validate({ object: pod, oldObject: null, request: { operation: 'CREATE' } });
 * result.matched;         // false when a match condition was false: no decisions at all
 * result.decisions;       // one per validation: {action: 'admit'|'deny', evaluation: 'admit'|'deny'|'error', message, reason, validationIndex}
 * ```
 *
 * `validate` follows the apiserver's validator exactly: match conditions (any false → not matched;
 * otherwise errors → a single error decision under failurePolicy Fail, not matched under Ignore),
 * then every validation (`true` → admit; anything else → deny with the messageExpression's string
 * result, else `message`, else `failed expression: …`; an error → `expression '…' resulted in
 * error: …`), then audit annotations. Costs are charged per expression (1,000,000 units) and per
 * policy (10,000,000 units) as in Kubernetes; running out is an error, never a hang.
 *
 * Engines that decide differently (Kyverno's ValidatingPolicy stops at the first false validation)
 * use the activation directly: `policy.bind(bindings)` gives `matchConditions()`, `validation(i)`,
 * `failureMessage(i)`, `variable(name)`, `auditAnnotation(i)` and `evaluate(program)`.
 *
 * Bindings are plain JSON-like data (`object`, `oldObject`, `request`, `params`,
 * `namespaceObject`, an optional `authorizer`, and `extra` values for variables an extra library
 * declares); integral numbers become CEL ints. Variables are lazy and memoised per binding; a
 * failing variable is an error only where it is referenced.
 *
 * ## Extra libraries
 *
 * ```ts
 * const kyvernoEnvironment = new CelEnvironment({ libraries: [{
 *   name: 'kyverno.image', variables: ['image'],
 *   install(env) { env.registerFunction('image(string): map', (ref) => parseImage(ref)); },
 * }] });
 * compileCelPolicy(spec, { environment: kyvernoEnvironment });
 * ```
 *
 * ## Single expressions
 *
 * `defaultCelEnvironment().compile(text)` → CelProgram (throws CelCompileError / UnsupportedError;
 * cached by text); `program.run(activation)` → `{ok: true, value, cost}` or `{ok: false, error,
 * cost, costExceeded}`, with values from `toCelValue` and results back through `fromCelValue`.
 *
 * ## Fidelity
 *
 * The environment is the apiserver's base environment as of Kubernetes 1.33 (environment/base.go):
 * strings ext v2, lists, regex (RE2 via re2js, cached; lookaround and bad literals rejected when
 * compiling), urls, quantity, ip, cidr, semver v1, format, sets, authz, optional types, cross-type
 * numeric comparison, homogeneous aggregate literals (format() arguments exempt), duration /
 * timestamp / regex literal validation. Where cel-js differs from cel-go it is corrected: has() on
 * any operand, ASCII-only case mapping, rune-based string indices, Go whitespace, Go float, duration
 * and timestamp parsing and printing, int(double) range errors, orValue on non-optionals.
 * Verified: every Gatekeeper / Kyverno corpus expression compiles; the suites' CEL verdicts match
 * (test/engines/cel/verdicts.test.ts); library runtime costs equal the apiserver's cost_test figures.
 *
 * ## Known divergences (each reported, never silently passed)
 *
 * - UnsupportedError (compile time): two-variable comprehensions (Kubernetes 1.32+). Run time
 *   errors starting `unsupported:`: format() `%e` and `%f` of NaN/±Inf, quantity `div`/`divInt`,
 *   evaluations that copy more than 10,000,000 list elements (cel-js copies concatenated lists).
 * - Parse errors where cel-go accepts: optional entries in literals, `[?x]` and `{?k: v}`.
 * - Not provided (a compile error if used): the Kubernetes 1.33 `image()` library, authz field and
 *   label selectors, `cel.bind` unless the environment enables it (Kyverno's does; the apiserver's
 *   does not).
 * - `variables`, `request`, `namespaceObject`, `authorizer` are `dyn`: misusing a field is a runtime
 *   error rather than a compile error; result types are checked statically when cel-js knows them
 *   and again at run time.
 * - Timestamps have millisecond precision (JS Date); string `<`/`>` compare UTF-16 code units
 *   (differs from Go only between astral and U+E000–U+FFFF characters); error texts are cel-js's,
 *   close to but not always worded as cel-go's; compile positions point at the start of the
 *   offending sub-expression (cel-go at its operator).
 * - Cost totals follow cel-go's model per node, per operator and per library call; comprehension
 *   bookkeeping differs slightly, so totals are close to, not identical with, the apiserver's.
 * - Parser limits are cel-go's defaults (100,000 code points; 250 nested rules): cel-js counts
 *   parentheses, member chains and ternaries, we count binary-operator chains. A stack overflow
 *   while compiling (a long `&&` chain cel-go would balance) is an UnsupportedError.
 * - A policy activation's expressions share a 2 s wall-clock limit (`CEL_TIME_LIMIT_MS`, error
 *   "operation interrupted: …"), our stand-in for the apiserver's request deadline: some calls the
 *   cost model charges little for cost us far more time than cel-go (findAll over a million matches).
 */
export {
  ADMISSION_VARIABLES,
  CelCompileError,
  CelEnvironment,
  CelProgram,
  defaultCelEnvironment,
  type CelEnvironmentOptions,
  type CelLibrary,
  type CelOutcome,
} from './environment.ts';
export {
  CelPolicyActivation,
  CompiledCelPolicy,
  compileCelPolicy,
  MAX_MESSAGE_EXPRESSION_BYTES,
  type CelAuditAnnotationResult,
  type CelAuditAnnotationSpec,
  type CelBindings,
  type CelCompileIssue,
  type CelDecision,
  type CelFailurePolicy,
  type CelMatchResult,
  type CelNamedExpression,
  type CelPolicySpec,
  type CelValidateResult,
  type CelValidationSpec,
  type CompileCelPolicyOptions,
} from './validation.ts';
export { celTypeName, fromCelValue, toCelValue } from './values.ts';
export { COST_LIMIT_MESSAGE, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from './cost.ts';
export type { CelAuthorizationAttributes, CelAuthorizationDecision, CelAuthorizer, CelUserInfo } from './lib/authz.ts';
export { celCompare, celEquals } from './lib/equality.ts';
