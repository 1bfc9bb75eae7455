/** A user-facing error: bad input, named by file (and line/column or field when known). */
export class KpcError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: { file?: string; line?: number; column?: number; field?: string } = {}) {
    super(message);
    this.name = 'KpcError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.field = where.field;
  }

  /** `file:line:col: field: message`, leaving out the parts that are unknown. */
  override toString(): string {
    let where = this.file ?? '';
    if (where && this.line !== undefined) where += `:${this.line}`;
    if (where && this.line !== undefined && this.column !== undefined) where += `:${this.column}`;
    const field = this.field ? `${this.field}: ` : '';
    return where ? `${where}: ${field}${this.message}` : `${field}${this.message}`;
  }
}

/** An input the engine understands but cannot evaluate faithfully: never silently passed. */
export class UnsupportedError extends KpcError {
  constructor(message: string, where: { file?: string; line?: number; column?: number; field?: string } = {}) {
    super(`unsupported: ${message}`, where);
    this.name = 'UnsupportedError';
  }
}

/** The message of any thrown value, with location for KpcErrors. */
export function describeError(error: unknown): string {
  if (error instanceof KpcError) return error.toString();
  if (error instanceof Error) return error.message;
  return String(error);
}
