/**
 * Errors of the constraint framework and gator, each tagged with the upstream sentinel it mirrors
 * so callers can test `errors.Is`-style (gator's `invalid: true` passes only on ErrSchema).
 */
import { KpcError } from '../../util/errors.ts';

export type GatekeeperErrorCode =
  /** gator.ErrNotATemplate */
  | 'not-a-template'
  /** gator.ErrNotAConstraint */
  | 'not-a-constraint'
  /** clienterrors.ErrInvalidConstraintTemplate (and ErrCompile, ErrNoDriver at AddTemplate) */
  | 'invalid-template'
  /** apiconstraints.ErrInvalidConstraint */
  | 'invalid-constraint'
  /** apiconstraints.ErrSchema: the constraint fails its CRD's OpenAPI schema */
  | 'schema'
  /** client.ErrMissingConstraintTemplate */
  | 'missing-template'
  /** clienterrors.ErrNoDriver */
  | 'no-driver'
  /** an error while reviewing (target.HandleReview, driver Query, expansion) */
  | 'review'
  /** a malformed suite, case or input file (gator.ErrInvalidSuite, ErrInvalidCase, ErrInvalidYAML …) */
  | 'invalid-input';

export class GatekeeperError extends KpcError {
  readonly code: GatekeeperErrorCode;

  constructor(code: GatekeeperErrorCode, message: string, where: { file?: string; line?: number; column?: number; field?: string } = {}) {
    super(message, where);
    this.name = 'GatekeeperError';
    this.code = code;
  }
}

/** Wrap a lower-level error under an upstream sentinel prefix (`fmt.Errorf("%w: %v", …)`), keeping its location. */
export function wrapError(code: GatekeeperErrorCode, prefix: string, error: unknown, where: { file?: string; line?: number } = {}): GatekeeperError {
  if (error instanceof KpcError) {
    return new GatekeeperError(code, `${prefix}: ${error.message}`, {
      file: error.file ?? where.file,
      line: error.line ?? where.line,
      ...(error.column !== undefined ? { column: error.column } : {}),
      ...(error.field !== undefined ? { field: error.field } : {}),
    });
  }
  return new GatekeeperError(code, `${prefix}: ${error instanceof Error ? error.message : String(error)}`, where);
}
