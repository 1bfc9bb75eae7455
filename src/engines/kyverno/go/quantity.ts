/**
 * k8s.io/apimachinery resource.ParseQuantity, Quantity.Cmp, String() and AsApproximateFloat64,
 * exact: the same scanner (which accepts odd inputs such as "." or "-" as zero, as upstream does),
 * decimal and binary suffixes, decimal exponents (int32-truncated), the int64 fast path and the
 * inf.Dec path (rounding up to nano precision, the BinarySI cap at 2^63-1) with the scale each
 * leaves. Values are kept as (sign, digits, exponent) so huge exponents never expand.
 */
import { trimEnd } from '../../../util/text.ts';
import { goPow10 } from './math.ts';

export interface Quantity {
  /** -1, 0 or 1. */
  readonly sign: number;
  /** Magnitude digits without leading/trailing zeros ('' for zero). */
  readonly digits: string;
  /** value = sign × digits × 10^exp. */
  readonly exp: number;
  readonly format: QuantityFormat;
  /**
   * The scale of the inf.Dec ParseQuantity leaves (Quantity.AsDec().Scale()): value = unscaled ×
   * 10^-scale. Float approximations (AsApproximateFloat64) and division scales depend on it.
   */
  readonly scale: number;
}

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

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
  if (str === '0') return fromRaw(0n, 0, 'DecimalSI');
  const s = scan(str);
  if (typeof s === 'string') return s;
  const suffix = interpretSuffix(s.suffix);
  if (!suffix) return "unable to parse quantity's suffix";
  let format = suffix.format;
  // the int64 fast path (value and scale kept as parsed)
  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    scale = 0;
    if (suffix.exponent >= 0 && s.denom.length === 0) {
      mantissa = 1n << BigInt(suffix.exponent);
      precision = 15 - s.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = suffix.exponent;
    precision = 18 - (s.num.length + s.denom.length);
  }
  if (precision >= 0) {
    scale -= s.denom.length;
    if (scale >= -9) {
      const value = BigInt(s.num + s.denom);
      const result = value * mantissa;
      if (result <= MAX_INT64) return fromRaw(s.positive ? result : -result, -scale, format);
    }
  }
  // inf.Dec path: exact, rounded up to nano (the scale becomes 9), BinarySI capped
  const dec = decDigits(s.value);
  if (!dec) return 'unable to parse numeric part of quantity';
  let magnitude = BigInt(dec.digits === '' ? '0' : dec.digits);
  let decScale = dec.scale;
  if (suffix.base === 10) decScale -= suffix.exponent;
  else magnitude <<= BigInt(suffix.exponent);
  let n = normalize(magnitude === 0n ? 0 : 1, magnitude.toString(), -decScale, format);
  if (magnitude !== 0n) {
    if (decScale > 9) n = roundUpToNano(n);
    decScale = 9;
  }
  if (format === 'BinarySI' && compareMagnitude(n, MAX_INT64_NORMAL) > 0) {
    n = MAX_INT64_NORMAL;
    decScale = 0;
  }
  if (format === 'BinarySI' && n.sign !== 0 && compareMagnitude(n, ONE) < 0) format = 'DecimalSI';
  return { sign: dec.neg ? -n.sign : n.sign, digits: n.digits, exp: n.exp, format, scale: decScale };
}

const MAX_INT64_NORMAL: Normal = { sign: 1, digits: '9223372036854775807', exp: 0, format: 'BinarySI' };
const ONE: Normal = { sign: 1, digits: '1', exp: 0, format: 'DecimalSI' };

/** Round a non-zero magnitude finer than 10^-9 up (away from zero) to the next nano. */
function roundUpToNano(q: Normal): Normal {
  if (q.exp >= -9) return q;
  const drop = -9 - q.exp; // digits below the nano place
  if (drop >= q.digits.length) return { sign: q.sign, digits: '1', exp: -9, format: q.format };
  const kept = q.digits.slice(0, q.digits.length - drop);
  return normalize(q.sign, (BigInt(kept) + 1n).toString(), -9, q.format); // the dropped digits end in non-zero
}

/** A Quantity from its AsDec() representation: unscaled × 10^-scale. */
export function fromRaw(unscaled: bigint, scale: number, format: QuantityFormat): Quantity {
  const sign = unscaled < 0n ? -1 : unscaled > 0n ? 1 : 0;
  return { ...normalize(sign, (unscaled < 0n ? -unscaled : unscaled).toString(), -scale, format), scale };
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

type Normal = Pick<Quantity, 'sign' | 'digits' | 'exp' | 'format'>;

function normalize(sign: number, digits: string, exp: number, format: QuantityFormat): Normal {
  const stripped = stripLeadingZeros(digits);
  if (stripped === '') return { sign: 0, digits: '', exp: 0, format };
  const trimmed = trimEnd(stripped, '0');
  return { sign, digits: trimmed, exp: exp + (stripped.length - trimmed.length), format };
}

function compareMagnitude(a: Normal, b: Normal): number {
  // magnitude order: position of the most significant digit, then the digits themselves
  const ma = a.digits.length + a.exp;
  const mb = b.digits.length + b.exp;
  if (ma !== mb) return ma < mb ? -1 : 1;
  const len = Math.max(a.digits.length, b.digits.length);
  const da = a.digits.padEnd(len, '0');
  const db = b.digits.padEnd(len, '0');
  return da < db ? -1 : da > db ? 1 : 0;
}

const DEC_SUFFIX_BY_EXPONENT: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BIN_SUFFIX_BY_EXPONENT: Record<number, string> = { 10: 'Ki', 20: 'Mi', 30: 'Gi', 40: 'Ti', 50: 'Pi', 60: 'Ei' };
const KI: Normal = { sign: 1, digits: '1024', exp: 0, format: 'DecimalSI' };

/**
 * Quantity.String() of a freshly computed quantity (CanonicalizeBytes): BinarySI only for integers
 * of magnitude ≥ 1024 (as a power-of-1024 suffix), otherwise decimal with the exponent lowered to a
 * multiple of 3; an exponent with no suffix (beyond E or below n, or 1024^0) prints none, as upstream.
 */
export function quantityString(q: Normal): string {
  if (q.sign === 0) return '0';
  const sign = q.sign < 0 ? '-' : '';
  let format = q.format;
  if (format === 'BinarySI' && (compareMagnitude(q, KI) < 0 || q.exp < 0)) format = 'DecimalSI';
  if (format === 'BinarySI') {
    let n = BigInt(q.digits) * 10n ** BigInt(q.exp);
    let times = 0;
    while (n >= 1024n && n % 1024n === 0n) {
      n /= 1024n;
      times++;
    }
    return sign + n.toString() + (BIN_SUFFIX_BY_EXPONENT[times * 10] ?? '');
  }
  const lower = ((q.exp % 3) + 3) % 3;
  const exponent = q.exp - lower;
  const number = q.digits + '0'.repeat(lower);
  if (format === 'DecimalExponent') return sign + number + (exponent === 0 ? '' : `e${exponent}`);
  return sign + number + (DEC_SUFFIX_BY_EXPONENT[exponent] ?? '');
}

/** Quantity.AsApproximateFloat64: float64(unscaled) × math.Pow10(-scale). */
export function approximateFloat64(q: Quantity): number {
  let base = 0;
  if (q.sign !== 0) {
    const shift = q.exp + q.scale; // unscaled = ±digits × 10^shift, shift ≥ 0
    base = shift > 400 ? Infinity : Number(BigInt(q.digits) * 10n ** BigInt(shift));
    if (q.sign < 0) base = -base;
  }
  const exponent = -q.scale;
  return exponent === 0 ? base : base * goPow10(exponent);
}
