/** Go's time.ParseDuration and Duration arithmetic, in int64 nanoseconds (bigint). */

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const TWO63 = 1n << 63n;
export const SECOND = 1_000_000_000n;

export class DurationError extends Error {}

/** time.ParseDuration: returns nanoseconds or throws DurationError with Go's message. */
export function parseDuration(orig: string): bigint {
  const result = scanDuration(orig);
  if (typeof result === 'string') throw new DurationError(result);
  return result;
}

/** The nanoseconds, or Go's error message (no exception: callers probe strings in hot loops). */
function scanDuration(orig: string): bigint | string {
  const quoted = JSON.stringify(orig);
  const invalid = () => `time: invalid duration ${quoted}`;
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid();
  let d = 0n;
  while (s !== '') {
    const c0 = s[0]!;
    if (!(c0 === '.' || (c0 >= '0' && c0 <= '9'))) return invalid();
    // leading int
    let i = 0;
    let v = 0n;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
      if (v > TWO63 / 10n) return invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO63) return invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let post = false;
    let f = 0n;
    let scale = 1;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && s[j]! >= '0' && s[j]! <= '9') {
        if (!overflow) {
          if (f > (TWO63 - 1n) / 10n) overflow = true;
          else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > TWO63) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid();
    let k = 0;
    while (k < s.length && !(s[k] === '.' || (s[k]! >= '0' && s[k]! <= '9'))) k++;
    if (k === 0) return `time: missing unit in duration ${quoted}`;
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS[u];
    if (unit === undefined) return `time: unknown unit ${JSON.stringify(u)} in duration ${quoted}`;
    if (v > TWO63 / unit) return invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO63) return invalid();
    }
    d += v;
    if (d > TWO63) return invalid();
  }
  if (neg) return -d;
  if (d > TWO63 - 1n) return invalid();
  return d;
}

export function tryParseDuration(s: string): bigint | null {
  const result = scanDuration(s);
  return typeof result === 'string' ? null : result;
}

/** Duration.Seconds(): float64(sec) + float64(nsec)/1e9. */
export function durationSeconds(d: bigint): number {
  const sec = d / SECOND;
  const nsec = d % SECOND;
  return Number(sec) + Number(nsec) / 1e9;
}

/** time.Duration(x) * time.Second for a Go number: the float is truncated to int64 first. */
export function secondsToDuration(x: number): bigint {
  if (!Number.isFinite(x)) return BigInt.asIntN(64, -(2n ** 63n)); // Go: undefined conversion; amd64 gives MinInt64
  const int = BigInt(Math.trunc(x));
  return BigInt.asIntN(64, BigInt.asIntN(64, int) * SECOND);
}

/** Duration.String(), e.g. "1h2m3.5s", "0s", "1.5µs". */
export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    let unit: string;
    let prec: number;
    if (u < 1_000n) return `${neg ? '-' : ''}${u}ns`;
    if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    out = fmtFrac(u, prec) + unit;
  } else {
    const frac = fmtFrac(u % (60n * SECOND), 9) + 's';
    u /= 60n * SECOND;
    if (u > 0n) {
      const m = u % 60n;
      u /= 60n;
      out = (u > 0n ? `${u}h` : '') + `${m}m` + frac;
    } else {
      out = frac;
    }
  }
  return (neg ? '-' : '') + out;
}

function fmtFrac(v: bigint, prec: number): string {
  const div = 10n ** BigInt(prec);
  const whole = v / div;
  let frac = (v % div).toString().padStart(prec, '0').replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}
