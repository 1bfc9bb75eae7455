/** Go strconv and string-ordering helpers the JMESPath and Kyverno code needs to match Go exactly. */

// Unambiguous forms (a backtracking engine stays linear on long digit runs): digits, then an
// optional point with optional digits, or a point and digits; then an optional exponent.
export const GO_FLOAT = /^[+-]?(?:(?:\d[\d_]*(?:\.(?:\d[\d_]*)?)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?|inf|infinity|nan)$/i;
export const GO_HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?)(?:[pP][+-]?\d+)?$/;

/**
 * strconv.ParseFloat(s, 64): decimal (with exponent), "inf"/"infinity"/"nan" (any case), and hex
 * floats; no surrounding spaces. Returns null where Go returns an error (out-of-range included).
 */
export function goParseFloat(s: string): number | null {
  if (s.length === 0) return null;
  const lower = s.toLowerCase().replace(/^[+-]/, '');
  if (lower === 'inf' || lower === 'infinity') return s.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (GO_HEX_FLOAT.test(s)) return parseHexFloat(s);
  if (!GO_FLOAT.test(s)) return null;
  // Underscores are only allowed with a base prefix; a plain decimal with '_' is an error.
  if (s.includes('_')) return null;
  const n = Number(s);
  if (Number.isNaN(n)) return null;
  if (!Number.isFinite(n)) return null; // Go: ErrRange
  return n;
}

function parseHexFloat(s: string): number | null {
  const m = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:[pP]([+-]?\d+))?$/.exec(s);
  if (!m) return null;
  const intPart = (m[2] ?? '').replaceAll('_', '');
  const fracPart = (m[3] ?? '').replaceAll('_', '');
  if (intPart === '' && fracPart === '') return null;
  if (fracPart !== '' || m[3] !== undefined) {
    if (m[4] === undefined) return null; // hex mantissa with a fraction needs a 'p' exponent
  }
  let value = intPart === '' ? 0 : parseInt(intPart, 16);
  for (let i = 0; i < fracPart.length; i++) value += parseInt(fracPart[i]!, 16) / 16 ** (i + 1);
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  const result = value * 2 ** exp;
  if (!Number.isFinite(result)) return null;
  return m[1] === '-' ? -result : result;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): returns a bigint, or null on syntax or range error. */
export function goParseInt(s: string): bigint | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) return null;
  return n;
}

/** Go string comparison (byte-wise over UTF-8 = code-point order). */
export function goCompareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Number of runes (code points), what Go's utf8.RuneCountInString returns. */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
