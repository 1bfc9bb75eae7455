// `<string>.format(<list>)` as cel-go's strings extension version 1–3 implements it
// (ext/formatting.go, stringFormatter with the en_US locale), plus Go's float-to-string rules that
// cel-go's `string(double)` uses.
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { UnsupportedError } from '../../../util/errors.ts';
import { celTypeName } from '../values.ts';
import { compareCodePoints } from './equality.ts';

/** The shortest round-trip decimal digits of a finite non-zero double and its decimal point position. */
function shortestDigits(value: number): { negative: boolean; digits: string; point: number } {
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  return { negative: value < 0, digits: mantissa.replace('-', '').replace('.', ''), point: Number(exponentText) + 1 };
}

function fixedFromDigits(digits: string, point: number): string {
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function special(value: number): string | null {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return null;
}

/** Go `strconv.FormatFloat(v, 'g', -1, 64)` (cel-go `string(double)`): %e form when exp < -4 or exp ≥ 6. */
export function goFormatFloat(value: number): string {
  const fixed = special(value);
  if (fixed !== null) return fixed;
  const { negative, digits, point } = shortestDigits(value);
  const exponent = point - 1;
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return sign + fixedFromDigits(digits, point);
}

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function goFormatFloatFixed(value: number): string {
  const fixed = special(value);
  if (fixed !== null) return fixed;
  const { negative, digits, point } = shortestDigits(value);
  return (negative ? '-' : '') + fixedFromDigits(digits, point);
}

/** Go `%q` (strconv.Quote) for the strings format() prints inside lists and maps. */
function goQuote(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\u0007') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (c === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function isMapValue(value: unknown): value is Record<string, unknown> | Map<unknown, unknown> {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** cel-go's string conversion of a timestamp (Go time.RFC3339Nano: fraction without trailing zeros). */
export function timestampString(date: Date): string {
  return date.toISOString().replace(/\.?0*Z$/, 'Z');
}

/** cel-go's string conversion of a duration: seconds in Go's shortest 'f' form, then "s". */
export function durationString(duration: Duration): string {
  return `${goFormatFloatFixed(Number(duration.seconds) + duration.nanos / 1e9)}s`;
}

/** `%s` (FormatString). */
function formatS(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goFormatFloat(value);
  if (value === null) return 'null';
  if (value instanceof UnsignedInt) return String(value.value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return timestampString(value);
  if (value instanceof Duration) return durationString(value);
  if (Array.isArray(value)) return formatList(value);
  if (isMapValue(value)) return formatMap(value);
  throw new Error(`error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${celTypeName(value)}`);
}

function formatMember(value: unknown): string {
  if (value instanceof Optional) throw new Error(`no formatting function for ${celTypeName(value)}`);
  if (typeof value === 'string') return goQuote(value);
  if (value instanceof Uint8Array) return `b${goQuote(Buffer.from(value).toString('utf8'))}`;
  if (typeof value === 'number') return Number.isFinite(value) ? goFormatFloat(value).replace(/^(-?\d+)$/, '$1') : goQuote(goFormatFloat(value));
  if (value instanceof Date) return `timestamp(${goQuote(timestampString(value))})`;
  if (value instanceof Duration) return `duration(${goQuote(durationString(value))})`;
  return formatS(value);
}

function formatList(list: unknown[]): string {
  return `[${list.map(formatMember).join(', ')}]`;
}

function formatMap(map: Record<string, unknown> | Map<unknown, unknown>): string {
  const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
  const pairs = entries.map(([key, value]) => {
    if (!(typeof key === 'string' || typeof key === 'boolean' || typeof key === 'bigint' || key instanceof UnsignedInt)) {
      throw new Error(`no formatting function for map key of type ${celTypeName(key)}`);
    }
    return [formatMember(key), formatMember(value)] as const;
  });
  pairs.sort((a, b) => compareCodePoints(a[0], b[0]));
  return `{${pairs.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
}

function integerOf(value: unknown, clause: string): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof UnsignedInt) return value.value;
  throw new Error(`error during formatting: ${clause} clause can only be used on integers, was given ${celTypeName(value)}`);
}

function formatFixed(value: unknown, precision: number): string {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') number = Number(value);
  else throw new Error(`error during formatting: fixed-point clause can only be used on doubles, was given ${celTypeName(value)}`);
  if (!Number.isFinite(number)) throw new UnsupportedError('format() %f of NaN or an infinity (locale-dependent output)');
  // x/text/message with en_US groups thousands: 1234.5 → "1,234.500000"
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: precision, maximumFractionDigits: precision }).format(number);
}

function formatClause(verb: string, precision: number | null, value: unknown): string {
  switch (verb) {
    case 's':
      return formatS(value);
    case 'd':
      return String(integerOf(value, 'decimal'));
    case 'f':
      return formatFixed(value, precision ?? 6);
    case 'e':
      throw new UnsupportedError('format() %e clause (cel-go prints it through x/text/message)');
    case 'b':
      if (typeof value === 'boolean') return value ? '1' : '0';
      return goRadix(integerOf(value, 'binary'), 2);
    case 'o':
      return goRadix(integerOf(value, 'octal'), 8);
    case 'x':
    case 'X': {
      let text: string;
      if (typeof value === 'string') text = Buffer.from(value, 'utf8').toString('hex');
      else if (value instanceof Uint8Array) text = Buffer.from(value).toString('hex');
      else text = goRadix(integerOf(value, 'hex'), 16);
      return verb === 'X' ? text.toUpperCase() : text;
    }
    default:
      throw new Error(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
  }
}

function goRadix(value: bigint, radix: number): string {
  return value < 0n ? `-${(-value).toString(radix)}` : value.toString(radix);
}

/** parseFormatString with stringFormatter semantics. */
export function formatString(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argIndex >= args.length) throw new Error(`index ${argIndex} out of range`);
    if (i + 1 >= format.length) throw new Error('unexpected end of string');
    let j = i + 1;
    let precision: number | null = null;
    if (format[j] === '.') {
      j++;
      const start = j;
      while (j < format.length && format[j]! >= '0' && format[j]! <= '9') j++;
      if (j === start) throw new Error('could not parse formatting clause: error while parsing precision: missing precision');
      precision = Number(format.slice(start, j));
    }
    if (j >= format.length) throw new Error('unexpected end of string');
    out += formatClause(format[j]!, precision, args[argIndex]);
    argIndex++;
    i = j + 1;
  }
  return out;
}
