/**
 * Rego numbers: OPA keeps a number as its decimal text (ast.Number = json.Number) and compares by
 * exact value (v1/ast/compare.go: int64 fast path, else big.Rat). Arithmetic follows
 * v1/topdown/arithmetic.go: int32 window, then exact big.Int, then big.Float with a 64-bit mantissa
 * printed with Text('g', -1) (builtins.FloatToNumber). `binaryFloat` emulates that big.Float.
 */
import { trimEnd } from '../../../util/text.ts';

export class RegoNumber {
  /** The decimal text as OPA keeps it (literal spelling, to_number input, or arithmetic result). */
  readonly text: string;
  /** Exact value as numerator/denominator (denominator > 0, reduced); computed lazily. */
  private rational: Rational | undefined;
  /** The value as a JS number when it is an integer of at most 15 digits (fast path). */
  readonly small: number | undefined;

  constructor(text: string) {
    this.text = text;
    this.small = SMALL_INT.test(text) ? Number(text) : undefined;
  }

  get exact(): Rational {
    if (!this.rational) this.rational = parseDecimal(this.text);
    return this.rational;
  }

  isInteger(): boolean {
    return this.small !== undefined || this.exact.d === 1n;
  }

  /** Canonical identity for hashing: equal values (1, 1.0, 1e0) share it. */
  key(): string {
    if (this.small !== undefined) return String(this.small === 0 ? 0 : this.small);
    const { n, d } = this.exact;
    return d === 1n ? n.toString() : `${n}/${d}`;
  }

  /** The value as an int64 if the text parses as one (Go strconv.ParseInt(text, 10, 64)). */
  parseInt64(): bigint | undefined {
    if (!/^[+-]?\d+$/.test(this.text)) return undefined;
    const v = BigInt(this.text);
    return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
  }

  toJS(): number {
    return this.small ?? Number(this.text.startsWith('+') ? this.text.slice(1) : this.text);
  }
}

const SMALL_INT = /^-?(0|[1-9]\d{0,14})$/;

export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this are refused rather than expanded into huge BigInts. */
const MAX_EXPONENT = 100_000;

export class NumberTextError extends Error {}

export function parseDecimal(text: string): Rational {
  const m = NUMBER_TEXT.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new NumberTextError(`invalid number text ${JSON.stringify(text)}`);
  const digits = (m[2] ?? '') + (m[3] ?? '');
  let exp = Number(m[4] ?? '0') - (m[3] ?? '').length;
  if (!Number.isFinite(exp) || Math.abs(exp) > MAX_EXPONENT) throw new NumberTextError(`number exponent out of range in ${text}`);
  let n = BigInt(digits === '' ? '0' : digits);
  if (m[1] === '-') n = -n;
  if (n === 0n) return { n: 0n, d: 1n };
  let d = 1n;
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else d = 10n ** BigInt(-exp);
  return reduce(n, d);
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function reduce(n: bigint, d: bigint): Rational {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

export function compareNumbers(a: RegoNumber, b: RegoNumber): number {
  if (a.small !== undefined && b.small !== undefined) return a.small < b.small ? -1 : a.small > b.small ? 1 : 0;
  const x = a.exact;
  const y = b.exact;
  const l = x.n * y.d;
  const r = y.n * x.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function intNumber(v: bigint | number): RegoNumber {
  return new RegoNumber(String(v));
}

// ---------------------------------------------------------------------------------------------
// big.Float with a 64-bit mantissa (Go math/big default precision for SetString), round to nearest even.

const PREC = 64;

/** value = mant × 2^exp, |mant| in [2^63, 2^64) or 0; `negZero` keeps Go's signed zero. */
export interface BinaryFloat {
  readonly mant: bigint;
  readonly exp: number;
  readonly negZero?: boolean;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Round the rational n/d to the nearest 64-bit-mantissa binary float (ties to even). */
export function roundToBinary(n: bigint, d: bigint): BinaryFloat {
  if (n === 0n) return { mant: 0n, exp: 0 };
  const neg = n < 0n;
  let a = neg ? -n : n;
  let e = bitLength(a) - bitLength(d) - PREC;
  let num = e < 0 ? a << BigInt(-e) : a;
  let den = e > 0 ? d << BigInt(e) : d;
  let q = num / den;
  if (q >= 1n << BigInt(PREC)) {
    e += 1;
    den <<= 1n;
    q = num / den;
  } else if (q < 1n << BigInt(PREC - 1)) {
    e -= 1;
    num <<= 1n;
    q = num / den;
  }
  const rem2 = (num - q * den) * 2n;
  if (rem2 > den || (rem2 === den && (q & 1n) === 1n)) {
    q += 1n;
    if (q === 1n << BigInt(PREC)) {
      q >>= 1n;
      e += 1;
    }
  }
  a = q;
  return { mant: neg ? -a : a, exp: e };
}

export function toBinary(x: RegoNumber): BinaryFloat {
  const { n, d } = x.exact;
  const f = roundToBinary(n, d);
  if (f.mant === 0n && x.text.trimStart().startsWith('-')) return { mant: 0n, exp: 0, negZero: true };
  return f;
}

export function binaryToRational(f: BinaryFloat): Rational {
  if (f.exp >= 0) return { n: f.mant << BigInt(f.exp), d: 1n };
  return reduce(f.mant, 1n << BigInt(-f.exp));
}

/** big.Float Text('g', -1): the shortest decimal that rounds back to f at 64-bit precision. */
export function binaryToText(f: BinaryFloat): string {
  if (f.mant === 0n) return f.negZero ? '-0' : '0';
  const neg = f.mant < 0n;
  const mant = neg ? -f.mant : f.mant;
  // Exact decimal digits of mant·2^exp.
  const d = exactDecimal(mant, f.exp);
  // Bounds at ±1/2 ulp: (2·mant ∓ 1)·2^(exp-1).
  const lower = exactDecimal(2n * mant - 1n, f.exp - 1);
  const upper = exactDecimal(2n * mant + 1n, f.exp - 1);
  const inclusive = (mant & 1n) === 0n;
  const digits = roundShortest(d, lower, upper, inclusive);
  return (neg ? '-' : '') + formatG(digits.mant, digits.dp);
}

interface Decimal {
  mant: string; // digits without leading/trailing zeros
  dp: number; // decimal point position: value = 0.mant × 10^dp
}

function exactDecimal(k: bigint, e: number): Decimal {
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (k << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (k * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  const trimmed = trimEnd(digits, '0');
  return { mant: trimmed, dp };
}

// Port of the digit walk of math/big ftoa.go roundShortest.
function roundShortest(d: Decimal, lower: Decimal, upper: Decimal, inclusive: boolean): Decimal {
  const at = (x: Decimal, i: number) => (i < x.mant.length ? x.mant.charCodeAt(i) - 48 : 0);
  for (let i = 0; i < d.mant.length; i++) {
    const m = at(d, i);
    const l = at(lower, i);
    const u = at(upper, i);
    const okdown = l !== m || (inclusive && i + 1 === lower.mant.length);
    const okup = m !== u && (inclusive || m + 1 < u || i + 1 < upper.mant.length);
    if (okdown && okup) return roundDecimal(d, i + 1);
    if (okdown) return roundDown(d, i + 1);
    if (okup) return roundUp(d, i + 1);
  }
  return d;
}

function roundDecimal(d: Decimal, n: number): Decimal {
  if (n >= d.mant.length) return d;
  const c = d.mant.charCodeAt(n);
  let up = c > 53;
  if (c === 53) {
    // exactly half: round to even unless more digits follow
    up = n + 1 < d.mant.length || (n > 0 && (d.mant.charCodeAt(n - 1) - 48) % 2 === 1);
  }
  return up ? roundUp(d, n) : roundDown(d, n);
}

function roundDown(d: Decimal, n: number): Decimal {
  if (n >= d.mant.length) return d;
  return { mant: trimEnd(d.mant.slice(0, n), '0'), dp: d.dp };
}

function roundUp(d: Decimal, n: number): Decimal {
  if (n >= d.mant.length) return d;
  let i = n;
  while (i > 0 && d.mant.charCodeAt(i - 1) === 57) i--;
  if (i === 0) return { mant: '1', dp: d.dp + 1 };
  return { mant: d.mant.slice(0, i - 1) + String.fromCharCode(d.mant.charCodeAt(i - 1) + 1), dp: d.dp };
}

/** Go's %g with shortest precision: %e when exp < -4 || exp >= 6 (eprec = 6 for shortest). */
export function formatG(mant: string, dp: number): string {
  const exp = dp - 1;
  if (exp < -4 || exp >= 6) {
    let s = mant[0] ?? '0';
    if (mant.length > 1) s += '.' + mant.slice(1);
    const ae = Math.abs(exp);
    return `${s}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (dp <= 0) return '0.' + '0'.repeat(-dp) + mant;
  if (dp >= mant.length) return mant + '0'.repeat(dp - mant.length);
  return mant.slice(0, dp) + '.' + mant.slice(dp);
}

/** Go strconv.FormatFloat(f, 'g', -1, 64) for a JS double (shortest round-trip digits, as Go). */
export function formatFloat64G(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [m, e] = Math.abs(f).toExponential().split('e') as [string, string];
  const mant = trimEnd(m.replace('.', ''), '0') || '0';
  return (f < 0 ? '-' : '') + formatG(mant, Number(e) + 1);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic, as v1/topdown/arithmetic.go.

export class ArithmeticError extends Error {}

const MIN_SMALL = -(2 ** 31);
const MAX_SMALL = 2 ** 31 - 1;

function smallInt(x: RegoNumber): number | undefined {
  const s = x.small;
  return s !== undefined && s >= MIN_SMALL && s <= MAX_SMALL ? s : undefined;
}

/** builtins.NumberToInt: through a 64-bit big.Float, so integers needing more bits are rounded. */
function numberToInt(x: RegoNumber): bigint | undefined {
  if (x.small !== undefined) return BigInt(x.small);
  const f = toBinary(x);
  const r = binaryToRational(f);
  return r.d === 1n ? r.n : undefined;
}

function floatResult(f: BinaryFloat): RegoNumber {
  return new RegoNumber(binaryToText(f));
}

function floatOp(x: RegoNumber, y: RegoNumber, op: (a: Rational, b: Rational) => Rational): RegoNumber {
  const a = binaryToRational(toBinary(x));
  const b = binaryToRational(toBinary(y));
  const r = op(a, b);
  return floatResult(roundToBinary(r.n, r.d));
}

export type ArithOp = 'plus' | 'minus' | 'mul' | 'div' | 'rem';

export function arith(op: ArithOp, x: RegoNumber, y: RegoNumber): RegoNumber {
  const sx = smallInt(x);
  const sy = smallInt(y);
  if (sx !== undefined && sy !== undefined) {
    switch (op) {
      case 'plus':
        return intNumber(sx + sy);
      case 'minus':
        return intNumber(sx - sy);
      case 'mul': {
        const p = sx * sy;
        return Number.isSafeInteger(p) ? intNumber(p) : intNumber(BigInt(sx) * BigInt(sy));
      }
      case 'div':
        if (sy === 0) throw new ArithmeticError('divide by zero');
        if (sx !== 0 && sx % sy === 0) return intNumber(sx / sy);
        break;
      case 'rem':
        if (sy === 0) throw new ArithmeticError('modulo by zero');
        return intNumber(sx % sy === 0 ? 0 : sx % sy);
    }
  }
  if (op !== 'div') {
    const ix = numberToInt(x);
    const iy = numberToInt(y);
    if (ix !== undefined && iy !== undefined) {
      switch (op) {
        case 'plus':
          return intNumber(ix + iy);
        case 'minus':
          return intNumber(ix - iy);
        case 'mul':
          return intNumber(ix * iy);
        case 'rem':
          if (iy === 0n) throw new ArithmeticError('modulo by zero');
          return intNumber(ix % iy);
      }
    }
  }
  switch (op) {
    case 'plus':
      return floatOp(x, y, (a, b) => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d }));
    case 'minus':
      return floatOp(x, y, (a, b) => ({ n: a.n * b.d - b.n * a.d, d: a.d * b.d }));
    case 'mul':
      return floatOp(x, y, (a, b) => ({ n: a.n * b.n, d: a.d * b.d }));
    case 'rem':
      throw new ArithmeticError('modulo on floating-point number');
    case 'div': {
      const fy = toBinary(y);
      if (fy.mant === 0n) throw new ArithmeticError('divide by zero');
      const fx = toBinary(x);
      if (fx.mant === 0n) return new RegoNumber((fx.negZero ?? false) !== fy.mant < 0n ? '-0' : '0');
      const a = binaryToRational(fx);
      const b = binaryToRational(fy);
      return floatResult(roundToBinary(a.n * b.d, a.d * b.n));
    }
  }
}

/** abs / round / ceil / floor (arithUnary): int32 window exact, else through big.Float. */
export function arithUnary(op: 'abs' | 'round' | 'ceil' | 'floor', x: RegoNumber): RegoNumber {
  const s = smallInt(x);
  if (s !== undefined) return intNumber(op === 'abs' ? Math.abs(s) : s);
  const f = toBinary(x);
  const r = binaryToRational(f);
  let out: Rational;
  switch (op) {
    case 'abs':
      out = { n: r.n < 0n ? -r.n : r.n, d: r.d };
      break;
    case 'round': {
      // half away from zero: trunc(a ± 0.5)
      const twice = r.n * 2n;
      const t = r.n >= 0n ? (twice + r.d) / (2n * r.d) : -((-twice + r.d) / (2n * r.d));
      out = { n: t, d: 1n };
      break;
    }
    case 'ceil':
    case 'floor': {
      // Literal port of arithCeil/arithFloor: t = trunc(a); a Go zero from SetInt is +0, so
      // upstream gives ceil(-0.5) = 1 and floor(-0.5) = 0.
      const t = r.n / r.d;
      const exact = t * r.d === r.n;
      if (op === 'ceil') out = { n: t < 0n || exact ? t : t + 1n, d: 1n };
      else out = { n: t >= 0n || exact ? t : t - 1n, d: 1n };
      break;
    }
  }
  const res = roundToBinary(out.n, out.d);
  return floatResult(res);
}
