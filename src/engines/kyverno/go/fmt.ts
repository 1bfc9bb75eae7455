/**
 * Go formatting of decoded JSON values where Kyverno's verdicts or messages depend on it:
 * fmt.Sprint / %v (floats as %g with Go's exponent threshold), strconv.FormatFloat 'E', and %f.
 */
import { GoInt, isObject } from '../../jmespath/index.ts';

function shortestDigits(v: number): { neg: boolean; digits: string; exp: number } {
  const neg = v < 0 || Object.is(v, -0);
  const [mant, e] = Math.abs(v).toExponential().split('e') as [string, string];
  return { neg, digits: mant.replace('.', ''), exp: Number(e) };
}

function expSuffix(exp: number, letter: string): string {
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${letter}${sign}${abs < 10 ? '0' : ''}${abs}`;
}

/** strconv.FormatFloat(v, 'g', -1, 64) — what %v and fmt.Sprint print for a float64. */
export function formatFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const { neg, digits, exp } = shortestDigits(v);
  let out: string;
  if (exp < -4 || exp >= 6) {
    out = digits[0]! + (digits.length > 1 ? '.' + digits.slice(1) : '') + expSuffix(exp, 'e');
  } else if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else {
    const intLen = exp + 1;
    out = digits.length <= intLen ? digits + '0'.repeat(intLen - digits.length) : digits.slice(0, intLen) + '.' + digits.slice(intLen);
  }
  return (neg ? '-' : '') + out;
}

/** strconv.FormatFloat(v, 'E', -1, 64): 80 → "8E+01". */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return (Object.is(v, -0) ? '-' : '') + '0E+00';
  const { neg, digits, exp } = shortestDigits(v);
  return (neg ? '-' : '') + digits[0]! + (digits.length > 1 ? '.' + digits.slice(1) : '') + expSuffix(exp, 'E');
}

/** fmt.Sprintf("%f", v): six decimals, never an exponent. */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return BigInt(v).toString() + '.000000';
}

/** fmt.Sprint / %v of a decoded JSON value (maps print with sorted keys, like Go). */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoInt) return String(value.value);
  if (typeof value === 'number') return formatFloatG(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => goSprint(v)).join(' ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goSprint(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** fmt %T of a decoded JSON value, for messages. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoInt) return 'int64';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}
