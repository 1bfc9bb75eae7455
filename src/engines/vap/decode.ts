/**
 * Reading admissionregistration objects the way the apiserver does: strict decoding (unknown or
 * mistyped fields are decode errors, reported before validation), then validation errors in
 * apimachinery's field.Error text (`spec.failurePolicy: Unsupported value: "X": supported values:
 * "Fail", "Ignore"`), gathered and raised as one KpcError naming the file, line and first field.
 */
import { KpcError } from '../../util/errors.ts';
import { isJsonObject, type JsonObject } from './attributes.ts';
import type { LabelSelector, LabelSelectorRequirement } from './selector.ts';

/** One field.Error: its path and its text. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A rejected object: every decode or validation error, the first one's field on the KpcError. */
export class InvalidObjectError extends KpcError {
  readonly errors: readonly FieldError[];

  constructor(summary: string, errors: readonly FieldError[], where: { file?: string; line?: number }) {
    const texts = errors.map((e) => e.message);
    super(`${summary}: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`, { ...where, field: errors[0]?.field });
    this.name = 'InvalidObjectError';
    this.errors = errors;
  }

  /** `file:line: <message>` — the message already names every field. */
  override toString(): string {
    const where = this.file === undefined ? '' : this.line === undefined ? `${this.file}: ` : `${this.file}:${this.line}: `;
    return `${where}${this.message}`;
  }
}

/** Go's `%v`/`%q`/`%#v` as field.Error prints a bad value. */
export function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[]string{${value.map((v) => JSON.stringify(String(v))).join(', ')}}`;
  return JSON.stringify(value);
}

/** Collects field.ErrorList entries. */
export class FieldErrors {
  readonly list: FieldError[] = [];

  required(field: string, detail = ''): void {
    this.list.push({ field, message: `${field}: Required value${detail ? `: ${detail}` : ''}` });
  }
  invalid(field: string, value: unknown, detail: string): void {
    this.list.push({ field, message: `${field}: Invalid value: ${goValue(value)}${detail ? `: ${detail}` : ''}` });
  }
  notSupported(field: string, value: unknown, supported: readonly string[]): void {
    const list = supported.map((s) => JSON.stringify(s)).join(', ');
    this.list.push({ field, message: `${field}: Unsupported value: ${goValue(value)}: supported values: ${list}` });
  }
  duplicate(field: string, value: unknown): void {
    this.list.push({ field, message: `${field}: Duplicate value: ${goValue(value)}` });
  }
  forbidden(field: string, detail: string): void {
    this.list.push({ field, message: `${field}: Forbidden: ${detail}` });
  }
  tooMany(field: string, actual: number, max: number): void {
    this.list.push({ field, message: `${field}: Too many: ${actual}: must have at most ${max} items` });
  }
  addAll(field: string, messages: readonly string[]): void {
    for (const message of messages) this.list.push({ field, message });
  }
}

/**
 * A strict reader over a decoded JSON object: each accessor records a decode error for a value of
 * the wrong type; `done` records every key the schema does not know.
 */
export class StrictReader {
  readonly errors: FieldError[] = [];

  typeError(field: string, expected: string, value: unknown): void {
    const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
    this.errors.push({ field, message: `${field}: expected ${expected}, got ${got}` });
  }

  /** An object at `field` with only `known` keys; null when absent (undefined or null). */
  object(value: unknown, field: string, known: readonly string[]): JsonObject | null {
    if (value === undefined || value === null) return null;
    if (!isJsonObject(value)) {
      this.typeError(field, 'object', value);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.errors.push({ field: join(field, key), message: `unknown field ${JSON.stringify(join(field, key))}` });
    }
    return value;
  }

  string(parent: JsonObject, key: string, field: string): string | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.typeError(join(field, key), 'string', value);
      return null;
    }
    return value;
  }

  stringList(parent: JsonObject, key: string, field: string): string[] {
    const value = parent[key];
    if (value === undefined || value === null) return [];
    const path = join(field, key);
    if (!Array.isArray(value)) {
      this.typeError(path, 'list of strings', value);
      return [];
    }
    return value.flatMap((item, i) => {
      if (typeof item === 'string') return [item];
      this.typeError(`${path}[${i}]`, 'string', item);
      return [];
    });
  }

  /** A list of objects, each read by `read` at `field[i]`; null when absent. */
  list<T>(parent: JsonObject, key: string, field: string, read: (item: unknown, path: string) => T | null): T[] | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    const path = join(field, key);
    if (!Array.isArray(value)) {
      this.typeError(path, 'list', value);
      return [];
    }
    return value.flatMap((item, i) => {
      const read_ = read(item, `${path}[${i}]`);
      return read_ === null ? [] : [read_];
    });
  }

  stringMap(parent: JsonObject, key: string, field: string): Record<string, string> | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    const path = join(field, key);
    if (!isJsonObject(value)) {
      this.typeError(path, 'map of strings', value);
      return null;
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') out[k] = v;
      else this.typeError(`${path}.${k}`, 'string', v);
    }
    return out;
  }

  /** metav1.LabelSelector; null when absent. */
  labelSelector(value: unknown, field: string): LabelSelector | null {
    const selector = this.object(value, field, ['matchLabels', 'matchExpressions']);
    if (selector === null) return null;
    const matchLabels = this.stringMap(selector, 'matchLabels', field) ?? {};
    const matchExpressions =
      this.list(selector, 'matchExpressions', field, (item, path): LabelSelectorRequirement | null => {
        const requirement = this.object(item, path, ['key', 'operator', 'values']);
        if (requirement === null) return null;
        return {
          key: this.string(requirement, 'key', path) ?? '',
          operator: this.string(requirement, 'operator', path) ?? '',
          values: this.stringList(requirement, 'values', path),
        };
      }) ?? [];
    return { matchLabels, matchExpressions };
  }

  /** Throws the decode errors, if any, as the apiserver's strict decoding error. */
  done(summary: string, where: { file?: string; line?: number }): void {
    if (this.errors.length > 0) throw new InvalidObjectError(`${summary}: strict decoding error`, this.errors, where);
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

/** path.ValidatePathSegmentName (resource names in rules and paramRef.name). */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) return [`may not contain '${illegal}'`];
  return [];
}
