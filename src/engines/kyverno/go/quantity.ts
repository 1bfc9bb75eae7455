/**
 * k8s.io/apimachinery resource.ParseQuantity and Quantity.Cmp, exact: the same scanner (which
 * accepts odd inputs such as "." or "-" as zero, as upstream does), decimal and binary suffixes,
 * decimal exponents (int32-truncated), rounding up to nano precision, and the BinarySI cap at
 * 2^63-1. Values are kept as (sign, digits, exponent) so huge exponents never expand.
 */

export interface Quantity {
  /** -1, 0 or 1. */
  readonly sign: number;
  /** Magnitude digits without leading/trailing zeros ('' for zero). */
  readonly digits: string;
  /** value = sign × digits × 10^exp. */
  readonly exp: number;
  readonly format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

export class QuantityError extends Error {}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const ERR_FORMAT = `quantities must match the regular expression '${SPLIT_RE}'`;

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_INT64 = (1n << 63n) - 1n;

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** parseQuantityString, byte for byte (Kubernetes quantity.go). */
function scan(str: string): Scanned | string {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') pos++;
  }
  // leading zeros
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
    if (str[i] === '0') pos++;
    else break;
  }
  let num = '';
  let value = '';
  let i = pos;
  for (; ; i++) {
    if (i >= end) return { positive, value: str.slice(0, end), num: str.slice(pos, end), denom: '', suffix: '' };
    if (!isDigit(str[i])) {
      num = str.slice(pos, i);
      pos = i;
      break;
    }
  }
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    for (i = pos; ; i++) {
      if (i >= end) return { positive, value: str.slice(0, end), num, denom: str.slice(pos, end), suffix: '' };
      if (!isDigit(str[i])) {
        denom = str.slice(pos, i);
        pos = i;
        break;
      }
    }
  }
  value = str.slice(0, pos);
  const suffixStart = pos;
  for (i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart, end) };
    if (!'eEinumkKMGTP'.includes(str[i]!)) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  for (i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart, end) };
    if (!isDigit(str[i])) break;
  }
  return ERR_FORMAT;
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: Quantity['format'] } | null {
  if (Object.hasOwn(DEC_SUFFIXES, suffix)) return { base: 10, exponent: DEC_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BIN_SUFFIXES, suffix)) return { base: 2, exponent: BIN_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'E' || suffix[0] === 'e')) {
    const rest = suffix.slice(1);
    if (!/^[+-]?\d+$/.test(rest)) return null;
    const parsed = BigInt(rest);
    if (parsed < -(1n << 63n) || parsed > MAX_INT64) return null;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return null;
}

/** inf.Dec SetString: an optional sign, digits with at most one '.', at least one digit, nothing else. */
function decDigits(value: string): { neg: boolean; digits: string; scale: number } | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart.length + frac.length === 0) return null;
  return { neg: m[1] === '-', digits: intPart + frac, scale: frac.length };
}

export function parseQuantity(str: string): Quantity {
  const result = scanQuantity(str);
  if (typeof result === 'string') throw new QuantityError(result);
  return result;
}

/** The quantity, or upstream's error message (no exception: operators probe strings in hot loops). */
function scanQuantity(str: string): Quantity | string {
  if (str.length === 0) return ERR_FORMAT;
  if (str === '0') return { sign: 0, digits: '', exp: 0, format: 'DecimalSI' };
  const s = scan(str);
  if (typeof s === 'string') return s;
  const suffix = interpretSuffix(s.suffix);
  if (!suffix) return "unable to parse quantity's suffix";
  let digits: string;
  let exp: number;
  let negative: boolean;
  const fastPrecision = suffix.format === 'BinarySI' ? (suffix.exponent >= 0 && s.denom.length === 0 ? 0 : -1) : 18 - (s.num.length + s.denom.length);
  if (fastPrecision >= 0 && (suffix.format !== 'BinarySI' ? suffix.exponent - s.denom.length >= -9 : true)) {
    // fast path: num+denom as an integer, scaled by the suffix
    digits = s.num + s.denom;
    exp = suffix.base === 10 ? suffix.exponent - s.denom.length : 0;
    negative = !s.positive;
  } else {
    const dec = decDigits(s.value);
    if (!dec) return 'unable to parse numeric part of quantity';
    digits = dec.digits;
    exp = -dec.scale;
    negative = dec.neg;
    if (suffix.base === 10) exp += suffix.exponent;
  }
  let magnitude = stripLeadingZeros(digits);
  if (suffix.base === 2 && magnitude !== '') {
    // multiply the unscaled digits by 2^exponent, keeping the decimal exponent
    magnitude = (BigInt(magnitude) << BigInt(suffix.exponent)).toString();
  }
  let q = normalize(negative ? -1 : 1, magnitude, exp, suffix.format);
  q = roundUpToNano(q);
  if (q.format === 'BinarySI' && q.sign !== 0 && compareMagnitude(q, fromBigInt(MAX_INT64)) > 0) {
    q = { ...fromBigInt(MAX_INT64), sign: q.sign, format: 'BinarySI' };
  }
  return q;
}

export function tryParseQuantity(str: string): Quantity | null {
  const result = scanQuantity(str);
  return typeof result === 'string' ? null : result;
}

/** Quantity.Cmp: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  const c = compareMagnitude(a, b);
  return a.sign > 0 ? c : -c;
}

function stripLeadingZeros(d: string): string {
  const s = d.replace(/^0+/, '');
  return s;
}

function normalize(sign: number, digits: string, exp: number, format: Quantity['format']): Quantity {
  const stripped = stripLeadingZeros(digits);
  if (stripped === '') return { sign: 0, digits: '', exp: 0, format };
  const trimmed = stripped.replace(/0+$/, '');
  return { sign, digits: trimmed, exp: exp + (stripped.length - trimmed.length), format };
}

function fromBigInt(n: bigint): Quantity {
  return normalize(n < 0n ? -1 : n > 0n ? 1 : 0, (n < 0n ? -n : n).toString(), 0, 'DecimalSI');
}

/** Non-zero values finer than 10^-9 are rounded up (away from zero) to the next nano. */
function roundUpToNano(q: Quantity): Quantity {
  if (q.sign === 0 || q.exp >= -9) return q;
  const drop = -9 - q.exp; // digits below the nano place
  if (drop >= q.digits.length) return { sign: q.sign, digits: '1', exp: -9, format: q.format };
  const kept = q.digits.slice(0, q.digits.length - drop);
  const rest = q.digits.slice(q.digits.length - drop);
  const bumped = /[1-9]/.test(rest) ? (BigInt(kept) + 1n).toString() : kept;
  return normalize(q.sign, bumped, -9, q.format);
}

function compareMagnitude(a: Quantity, b: Quantity): number {
  // magnitude order: position of the most significant digit, then the digits themselves
  const ma = a.digits.length + a.exp;
  const mb = b.digits.length + b.exp;
  if (ma !== mb) return ma < mb ? -1 : 1;
  const len = Math.max(a.digits.length, b.digits.length);
  const da = a.digits.padEnd(len, '0');
  const db = b.digits.padEnd(len, '0');
  return da < db ? -1 : da > db ? 1 : 0;
}
