/** units.parse / units.parse_bytes (v1/topdown/parse_units.go, parse_bytes.go). */
import { binaryToRational, parseDecimal, reduce, roundToBinary, RegoNumber, intNumber, NumberTextError, type Rational } from '../values/number.ts';
import { BuiltinError, builtin, stringArg } from './registry.ts';

const MAX_EXPONENT_DIGITS = 6;

/** extractNumAndUnit: the leading number (digits, '.', exponent) and the rest. */
function extractNumAndUnit(s: string, err: () => BuiltinError): [string, string] {
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  let first = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!(isDigit(c) || c === '.') && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      first = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        first = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (end < s.length && isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) throw err();
    }
  }
  if (first === -1) return [s, ''];
  if (first === 0) return ['', s];
  return [s.slice(0, first), s.slice(first)];
}

const K = 1000n;
const SI: Record<string, bigint> = { k: K, m: K ** 2n, g: K ** 3n, t: K ** 4n, p: K ** 5n, e: K ** 6n };
const IEC: Record<string, bigint> = { ki: 1n << 10n, mi: 1n << 20n, gi: 1n << 30n, ti: 1n << 40n, pi: 1n << 50n, ei: 1n << 60n };

/** big.Rat of the float64 0.001 (x.SetFloat64(siMilli)): not exactly 1/1000. */
const MILLI_FLOAT: Rational = (() => {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, 0.001);
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn) - 1075;
  const mant = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  return reduce(mant, 1n << BigInt(-exp));
})();

/** big.Rat.SetString for the number part (decimal with optional exponent). */
function ratOf(num: string): Rational | undefined {
  try {
    return parseDecimal(num);
  } catch (e) {
    if (e instanceof NumberTextError) return undefined;
    throw e;
  }
}

/** Rat.FloatString(10): 10 decimals, halves rounded away from zero. */
function floatString10(r: Rational): string {
  const neg = r.n < 0n;
  const n = neg ? -r.n : r.n;
  const scaled = n * 10n ** 10n;
  let q = scaled / r.d;
  const rem = scaled - q * r.d;
  if (rem * 2n >= r.d) q += 1n;
  const s = q.toString().padStart(11, '0');
  return (neg ? '-' : '') + s.slice(0, -10) + '.' + s.slice(-10);
}

builtin('units.parse', ['string'], 'number', (a) => {
  const s = stringArg(a, 0).replaceAll('"', '');
  if (s.includes(' ')) throw new BuiltinError('units.parse: spaces not allowed in resource strings');
  const [num, rawUnit] = extractNumAndUnit(s, () => new BuiltinError('units.parse: exponent too large'));
  if (num === '') throw new BuiltinError('units.parse: no amount provided');
  const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
  let factor: Rational;
  if (unit === 'm') factor = MILLI_FLOAT;
  else if (unit === '') factor = { n: 1n, d: 1n };
  else if (unit === 'M') factor = { n: SI.m!, d: 1n };
  else if (/^[kKgGtTpPeE]$/.test(unit)) factor = { n: SI[unit.toLowerCase()]!, d: 1n };
  else if (/^[kKmMgGtTpPeE]i$/.test(unit)) factor = { n: IEC[unit.toLowerCase()]!, d: 1n };
  else throw new BuiltinError(`units.parse: unit ${unit} not recognized`);
  const r = ratOf(num);
  if (!r) throw new BuiltinError('units.parse: could not parse amount to a number');
  const prod = reduce(r.n * factor.n, r.d * factor.d);
  if (prod.d === 1n) return new RegoNumber(prod.n.toString());
  return new RegoNumber(floatString10(prod));
});

const BYTE_UNITS: Record<string, bigint> = {
  '': 1n,
  kb: SI.k!, k: SI.k!, kib: IEC.ki!, ki: IEC.ki!,
  mb: SI.m!, m: SI.m!, mib: IEC.mi!, mi: IEC.mi!,
  gb: SI.g!, g: SI.g!, gib: IEC.gi!, gi: IEC.gi!,
  tb: SI.t!, t: SI.t!, tib: IEC.ti!, ti: IEC.ti!,
  pb: SI.p!, p: SI.p!, pib: IEC.pi!, pi: IEC.pi!,
  eb: SI.e!, e: SI.e!, eib: IEC.ei!, ei: IEC.ei!,
};

builtin('units.parse_bytes', ['string'], 'number', (a) => {
  const s = stringArg(a, 0).toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw new BuiltinError('units.parse_bytes: spaces not allowed in resource strings');
  const [num, unit] = extractNumAndUnit(s, () => new BuiltinError('units.parse_bytes: exponent too large'));
  if (num === '') throw new BuiltinError('units.parse_bytes: no byte amount provided');
  const m = BYTE_UNITS[unit];
  if (m === undefined) throw new BuiltinError(`units.parse_bytes: byte unit ${unit} not recognized`);
  const r = ratOf(num);
  if (!r) throw new BuiltinError('units.parse_bytes: could not parse byte amount to a number');
  // big.Float (64-bit mantissa) product, truncated to an integer
  const f = binaryToRational(roundToBinary(r.n, r.d));
  const p = binaryToRational(roundToBinary(f.n * m, f.d));
  return intNumber(p.n / p.d);
});
