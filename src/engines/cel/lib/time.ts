// Durations and timestamps as cel-go parses them: Go's time.ParseDuration and
// time.Parse(time.RFC3339, …). cel-js parses with JS Date (lenient) and its own duration grammar.
import type { Environment } from '@marcbachmann/cel-js';
import { Duration } from '@marcbachmann/cel-js/evaluator';
import type { CelLibrary } from '../environment.ts';

const NANOS_LIMIT = 1n << 63n;

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go time.ParseDuration, in nanoseconds; throws with Go's messages. */
export function parseGoDuration(original: string): bigint {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(original)}`);
  let s = original;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) throw invalid();
    const whole = /^[0-9]*/.exec(s)![0];
    s = s.slice(whole.length);
    let fraction = '';
    let hasFraction = false;
    if (s[0] === '.') {
      fraction = /^[0-9]*/.exec(s.slice(1))![0];
      s = s.slice(1 + fraction.length);
      hasFraction = fraction.length > 0;
    }
    if (whole === '' && !hasFraction) throw invalid();
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new Error(`time: missing unit in duration ${JSON.stringify(original)}`);
    s = s.slice(unitText.length);
    const unit = DURATION_UNITS[unitText];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(original)}`);
    let value = BigInt(whole || '0');
    if (value > NANOS_LIMIT / unit) throw invalid();
    value *= unit;
    if (hasFraction) {
      // float64, as Go does: nanosecond accurate for fractions of hours
      const digits = fraction.slice(0, 18);
      value += BigInt(Math.trunc(Number(digits) * (Number(unit) / 10 ** digits.length)));
      if (value > NANOS_LIMIT) throw invalid();
    }
    total += value;
    if (total > NANOS_LIMIT) throw invalid();
  }
  if (!negative && total > NANOS_LIMIT - 1n) throw invalid();
  return negative ? -total : total;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Go time.Parse(time.RFC3339, s) within CEL's range (years 1–9999), to millisecond precision. */
export function parseRFC3339(text: string): Date {
  const m = RFC3339.exec(text);
  const bad = () => new Error(`timestamp("${text}") is not a valid RFC 3339 timestamp`);
  if (!m) throw bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2000, month, 0)).getUTCDate() || hour > 23 || minute > 59 || second > 59) throw bad();
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) throw bad();
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[8]![0] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const millis = m[7] ? Math.trunc(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const result = new Date(date.getTime() - offsetMinutes * 60_000);
  if (result.getTime() < -62135596800000 || result.getTime() > 253402300799999) throw new Error('timestamp out of range');
  return result;
}

const replace = { replace: true } as const;

export const timeLibrary: CelLibrary = {
  name: 'Go duration and RFC 3339 timestamp parsing',
  install(env: Environment) {
    env.registerFunction('timestamp(string): google.protobuf.Timestamp', (text: string) => parseRFC3339(text), replace);
    env.registerFunction(
      'duration(string): google.protobuf.Duration',
      (text: string) => {
        const nanos = parseGoDuration(text);
        return new Duration(nanos / 1_000_000_000n, Number(nanos % 1_000_000_000n));
      },
      replace,
    );
  },
};
