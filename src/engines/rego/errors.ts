/** Rego errors in OPA's vocabulary: compile-time (parse, compile, unsafe var, recursion, type) and run-time. */
import { KpcError } from '../../util/errors.ts';

export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface RegoErrorDetail {
  /** e.g. rego_parse_error, rego_compile_error, rego_unsafe_var_error, rego_recursion_error, rego_type_error. */
  readonly code: string;
  readonly message: string;
  readonly location?: Location;
}

/** One detail as OPA prints it: `<file>:<line>: <code>: <message>`. */
export function formatDetail(d: RegoErrorDetail): string {
  return d.location ? `${d.location.file}:${d.location.line}: ${d.code}: ${d.message}` : `${d.code}: ${d.message}`;
}

/** Compilation failed; `errors` has every problem found (OPA stops after 10). */
export class RegoCompileError extends KpcError {
  readonly errors: readonly RegoErrorDetail[];

  constructor(errors: readonly RegoErrorDetail[]) {
    const first = errors[0];
    // One error: its detail alone (callers add OPA's "1 error occurred: " prefix, see opaText).
    super(errors.length === 1 && first ? formatDetail(first) : `${errors.length} errors occurred:\n${errors.map(formatDetail).join('\n')}`, {
      file: first?.location?.file,
      line: first?.location?.line,
      column: first?.location?.column,
    });
    this.name = 'RegoCompileError';
    this.errors = errors;
  }

  override toString(): string {
    return this.message;
  }

  /** OPA's ast.Errors text: "1 error occurred: <file>:<row>: <code>: <msg>" or "N errors occurred:\n…". */
  get opaText(): string {
    return this.errors.length === 1 ? `1 error occurred: ${this.message}` : this.message;
  }
}

/**
 * A run-time error (topdown.Error): `code` is eval_conflict_error, eval_type_error,
 * eval_builtin_error, eval_limit_error (our limits) or eval_internal_error.
 */
export class RegoEvalError extends KpcError {
  readonly code: string;
  readonly location: Location | undefined;
  readonly detail: string;

  constructor(code: string, detail: string, location?: Location) {
    super(location ? `${location.file}:${location.line}: ${code}: ${detail}` : `${code}: ${detail}`, {
      file: location?.file,
      line: location?.line,
      column: location?.column,
    });
    this.name = 'RegoEvalError';
    this.code = code;
    this.detail = detail;
    this.location = location;
  }

  override toString(): string {
    return this.message;
  }
}

/** A parse or compile problem raised while building; collected into RegoCompileError. */
export class CompileProblem extends Error {
  readonly detail: RegoErrorDetail;
  constructor(code: string, message: string, location?: Location) {
    super(message);
    this.detail = { code, message, location };
  }
}
