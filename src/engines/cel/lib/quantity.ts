// Kubernetes' quantity library (apiserver/pkg/cel/library/quantity.go) over a port of
// apimachinery's resource.Quantity (api/resource/quantity.go, amount.go): the same parser, the same
// two internal representations (a scaled int64, or an arbitrary-precision decimal), because
// isInteger/asInteger/asApproximateFloat answer from the representation, not just the value.
import type { Environment } from '@marcbachmann/cel-js';
import { UnsupportedError } from '../../../util/errors.ts';
import { chargeCall, traversalCost } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import type { CelComparable } from './equality.ts';

/** The numeric part of an inf.Dec quantity: sign, digits, an optional point and digits (linear to match). */
export const NUMERIC_PART = /^[+-]?[0-9]*(?:\.[0-9]*)?$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_INT64_FACTORS = 18;
const NANO = -9;

/** value × 10^scale, with value an int64 (amount.go int64Amount). */
interface Int64Amount {
  readonly kind: 'int64';
  value: bigint;
  scale: number;
}
/** unscaled × 10^exponent, arbitrary precision (inf.Dec, whose scale is −exponent). */
interface DecAmount {
  readonly kind: 'dec';
  unscaled: bigint;
  exponent: number;
}
type Amount = Int64Amount | DecAmount;

const fitsInt64 = (v: bigint) => v >= INT64_MIN && v <= INT64_MAX;
const pow10 = (n: number) => 10n ** BigInt(n);

function toDec(amount: Amount): DecAmount {
  return amount.kind === 'dec' ? amount : { kind: 'dec', unscaled: amount.value, exponent: amount.scale };
}

/** Exact comparison of two amounts. */
function compareAmounts(a: Amount, b: Amount): number {
  const x = toDec(a);
  const y = toDec(b);
  const exponent = Math.min(x.exponent, y.exponent);
  const left = x.unscaled * pow10(x.exponent - exponent);
  const right = y.unscaled * pow10(y.exponent - exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

function addDec(a: DecAmount, b: DecAmount): DecAmount {
  const exponent = Math.min(a.exponent, b.exponent);
  return { kind: 'dec', unscaled: a.unscaled * pow10(a.exponent - exponent) + b.unscaled * pow10(b.exponent - exponent), exponent };
}

// amount.go int64Amount.Add: exact in int64 or reports failure (then the caller goes decimal).
function addInt64(a: Int64Amount, b: Int64Amount): Int64Amount | null {
  if (b.value === 0n) return { ...a };
  if (a.value === 0n) return { ...b };
  let value: bigint;
  let scale: number;
  if (a.scale === b.scale) {
    value = a.value + b.value;
    scale = a.scale;
  } else if (a.scale > b.scale) {
    const scaled = a.value * pow10(a.scale - b.scale);
    if (!fitsInt64(scaled)) return null;
    value = scaled + b.value;
    scale = b.scale;
  } else {
    const scaled = b.value * pow10(b.scale - a.scale);
    if (!fitsInt64(scaled)) return null;
    value = a.value + scaled;
    scale = a.scale;
  }
  return fitsInt64(value) ? { kind: 'int64', value, scale } : null;
}

/** The shared mutable state of a Go Quantity (`*quantityState`). */
interface QuantityState {
  amount: Amount;
}

export class Quantity implements CelComparable {
  constructor(readonly state: QuantityState) {}

  celEquals(other: unknown): boolean {
    return other instanceof Quantity && compareAmounts(this.state.amount, other.state.amount) === 0;
  }

  sign(): bigint {
    const a = this.state.amount;
    const v = a.kind === 'int64' ? a.value : a.unscaled;
    return v < 0n ? -1n : v > 0n ? 1n : 0n;
  }

  /** Quantity.AsInt64: only the int64 form with a non-negative scale converts. */
  asInt64(): bigint | null {
    const a = this.state.amount;
    if (a.kind === 'dec') return null;
    if (a.scale === 0) return a.value;
    if (a.scale < 0) return null;
    const v = a.value * pow10(a.scale);
    return fitsInt64(v) ? v : null;
  }

  /** Quantity.AsApproximateFloat64: base × math.Pow10(exponent) in float64. */
  asApproximateFloat(): number {
    const a = this.state.amount;
    const [base, exponent] = a.kind === 'int64' ? [Number(a.value), a.scale] : [Number(a.unscaled), a.exponent];
    return exponent === 0 ? base : base * goPow10(exponent);
  }

  // apiservercel quantityAdd copies the Quantity struct, which shares *quantityState with the
  // receiver: Add mutates the receiver's state too, and the result shares it.
  add(other: Quantity): Quantity {
    const a = this.state.amount;
    const b = other.state.amount;
    const sum = a.kind === 'int64' && b.kind === 'int64' ? addInt64(a, b) : null;
    this.state.amount = sum ?? addDec(toDec(a), toDec(b));
    return new Quantity(this.state);
  }

  sub(other: Quantity): Quantity {
    const b = other.state.amount;
    const negated: Amount = b.kind === 'int64' ? { kind: 'int64', value: -b.value, scale: b.scale } : { kind: 'dec', unscaled: -b.unscaled, exponent: b.exponent };
    if (negated.kind === 'int64' && !fitsInt64(negated.value)) return this.add(new Quantity({ amount: toDec(negated) }));
    return this.add(new Quantity({ amount: negated }));
  }

  // Quantity.Mul (int64Amount.Mul: stays int64 when the product and its scaled value fit).
  mul(factor: bigint): Quantity {
    const a = this.state.amount;
    if (a.kind === 'int64') {
      if (a.value === 0n) return new Quantity(this.state);
      if (factor === 0n) {
        this.state.amount = { kind: 'int64', value: 0n, scale: 0 };
        return new Quantity(this.state);
      }
      const product = a.value * factor;
      const scaledFits = a.scale <= 0 || fitsInt64(product * pow10(a.scale));
      if (fitsInt64(product) && scaledFits) {
        this.state.amount = { kind: 'int64', value: product, scale: a.scale };
        return new Quantity(this.state);
      }
    }
    const d = toDec(a);
    this.state.amount = { kind: 'dec', unscaled: d.unscaled * factor, exponent: d.exponent };
    return new Quantity(this.state);
  }

  toString(): string {
    const d = toDec(this.state.amount);
    return `${d.unscaled}e${d.exponent}`;
  }
}

// math.Pow10 with Go's tables, so products round exactly as in Go.
const POW10_TAB = Array.from({ length: 32 }, (_, i) => Number(`1e${i}`));
const POW10_POS_TAB32 = Array.from({ length: 10 }, (_, i) => Number(`1e${i * 32}`));
const POW10_NEG_TAB32 = Array.from({ length: 11 }, (_, i) => Number(`1e-${i * 32}`));

export function goPow10(n: number): number {
  if (n >= 0 && n <= 308) return POW10_POS_TAB32[Math.floor(n / 32)]! * POW10_TAB[n % 32]!;
  if (n >= -323 && n <= 0) return POW10_NEG_TAB32[Math.floor(-n / 32)]! / POW10_TAB[-n % 32]!;
  return n > 0 ? Infinity : 0;
}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

// quantity.go parseQuantityString. (A bare suffix such as "Mi" scans as 0 with that suffix, so it
// parses as zero, although the library's documentation lists quantity('Mi') as an error.)
function scan(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    denom = str.slice(pos, j);
    if (j >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = j;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  let k = pos;
  while (k < end && SUFFIX_CHARS.includes(str[k]!)) k++;
  if (k >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[k] === '-' || str[k] === '+') k++;
  while (k < end && isDigit(str[k])) k++;
  if (k < end) throw new Error(FORMAT_WRONG);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; binary: boolean } | null {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, binary: false };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, binary: true };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    if (parsed < INT64_MIN || parsed > INT64_MAX) return null;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), binary: false }; // int32(parsed) wraps
  }
  return null;
}

/** resource.ParseQuantity; throws Error with apimachinery's messages. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new Error(FORMAT_WRONG);
  if (str === '0') return new Quantity({ amount: { kind: 'int64', value: 0n, scale: 0 } });
  const { positive, value, num, denom, suffix } = scan(str);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new Error("unable to parse quantity's suffix");
  const { base, exponent, binary } = interpreted;

  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (!binary) {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc(Math.fround(exponent) * 3 / 10) - 1;
  } else {
    precision = -1;
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const result = BigInt(num + denom) * mantissa;
      if (fitsInt64(result)) return new Quantity({ amount: { kind: 'int64', value: positive ? result : -result, scale } });
    }
  }

  // inf.Dec path
  if (!NUMERIC_PART.test(value) || !/[0-9]/.test(value)) throw new Error('unable to parse numeric part of quantity');
  const [intPart = '', fracPart = ''] = value.replace(/^[+-]/, '').split('.');
  let unscaled = BigInt((intPart + fracPart) || '0');
  let exp = -fracPart.length;
  if (base === 10) exp += exponent;
  else unscaled *= 1n << BigInt(exponent);
  if (unscaled !== 0n) {
    // Round up (away from zero) to nano: the result has inf scale 9 exactly.
    if (exp < NANO) {
      const divisor = pow10(NANO - exp);
      unscaled = (unscaled + divisor - 1n) / divisor;
    } else unscaled *= pow10(exp - NANO);
    exp = NANO;
  }
  if (binary && compareAmounts({ kind: 'dec', unscaled, exponent: exp }, { kind: 'dec', unscaled: INT64_MAX, exponent: 0 }) > 0) {
    unscaled = INT64_MAX;
    exp = 0;
  }
  return new Quantity({ amount: { kind: 'dec', unscaled: positive ? unscaled : -unscaled, exponent: exp } });
}

const QUANTITY = 'kubernetes.Quantity';

export const quantityLibrary: CelLibrary = {
  name: 'kubernetes.quantity',
  install(env: Environment) {
    env.registerType(QUANTITY, Quantity);
    env.registerFunction(`quantity(string): ${QUANTITY}`, (s: string) => {
      chargeCall(traversalCost(s.length));
      return parseQuantity(s);
    });
    env.registerFunction('isQuantity(string): bool', (s: string) => {
      chargeCall(traversalCost(s.length));
      try {
        parseQuantity(s);
        return true;
      } catch {
        return false;
      }
    });
    env.registerFunction(`sign(${QUANTITY}): int`, (q: Quantity) => q.sign());
    env.registerFunction(`${QUANTITY}.isGreaterThan(${QUANTITY}): bool`, (a: Quantity, b: Quantity) => compareAmounts(a.state.amount, b.state.amount) === 1);
    env.registerFunction(`${QUANTITY}.isLessThan(${QUANTITY}): bool`, (a: Quantity, b: Quantity) => compareAmounts(a.state.amount, b.state.amount) === -1);
    env.registerFunction(`${QUANTITY}.compareTo(${QUANTITY}): int`, (a: Quantity, b: Quantity) => BigInt(compareAmounts(a.state.amount, b.state.amount)));
    env.registerFunction(`${QUANTITY}.asApproximateFloat(): double`, (q: Quantity) => q.asApproximateFloat());
    env.registerFunction(`${QUANTITY}.asInteger(): int`, (q: Quantity) => {
      const value = q.asInt64();
      if (value === null) throw new Error('cannot convert value to integer');
      return value;
    });
    env.registerFunction(`${QUANTITY}.isInteger(): bool`, (q: Quantity) => q.asInt64() !== null);
    env.registerFunction(`${QUANTITY}.add(${QUANTITY}): ${QUANTITY}`, (a: Quantity, b: Quantity) => a.add(b));
    env.registerFunction(`${QUANTITY}.add(int): ${QUANTITY}`, (a: Quantity, b: bigint) => a.add(new Quantity({ amount: { kind: 'int64', value: b, scale: 0 } })));
    env.registerFunction(`${QUANTITY}.sub(${QUANTITY}): ${QUANTITY}`, (a: Quantity, b: Quantity) => a.sub(b));
    env.registerFunction(`${QUANTITY}.sub(int): ${QUANTITY}`, (a: Quantity, b: bigint) => a.sub(new Quantity({ amount: { kind: 'int64', value: b, scale: 0 } })));
    env.registerFunction(`${QUANTITY}.mul(int): ${QUANTITY}`, (a: Quantity, b: bigint) => a.mul(b));
    // Quantity.QuoRound / QuoIntegerDivision are not in the stored apimachinery sources we ported from.
    for (const signature of [`${QUANTITY}.div(int): ${QUANTITY}`, `${QUANTITY}.div(int, int): ${QUANTITY}`, `${QUANTITY}.divInt(int): ${QUANTITY}`]) {
      const name = signature.slice(QUANTITY.length + 1, signature.indexOf('('));
      env.registerFunction(signature, () => {
        throw new UnsupportedError(`quantity ${name}() (Quantity.QuoRound/QuoIntegerDivision rounding is not ported)`);
      });
    }
    env.registerOperator(`${QUANTITY} == ${QUANTITY}`, (a: Quantity, b: Quantity) => a.celEquals(b));
  },
};
