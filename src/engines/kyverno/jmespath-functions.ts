/**
 * Kyverno's custom JMESPath functions (pkg/engine/jmespath/functions.go, arithmetic.go), registered
 * over the standard set (Kyverno's `sum` replaces the standard one). Functions whose result depends
 * on the clock, randomness, the network or certificate parsing are refused with UnsupportedError
 * rather than approximated. Quantity arithmetic is exact (inf.Dec semantics) and prints results as
 * Quantity.String() does.
 */
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';
import { UnsupportedError } from '../../util/errors.ts';
import { imageInfo } from './images.ts';
import { deepEqual, FunctionTable, GoInt, isObject, JmesRuntimeError, type ArgType, type FunctionEntry } from '../jmespath/index.ts';
import { goCompareStrings } from '../jmespath/strconv.ts';
import { durationSeconds, formatDuration, SECOND, tryParseDuration } from './go/duration.ts';
import { formatFloatG } from './go/fmt.ts';
import { pathClean } from './go/path.ts';
import { approximateFloat64, fromRaw, parseQuantity, QuantityError, quantityString, tryParseQuantity, type Quantity } from './go/quantity.ts';
import { parseSemver } from './go/semver.ts';
import { wildcardMatch } from './go/wildcard.ts';

const errorPrefix = (fn: string) => `JMESPath function '${fn}': `;
const invalidArgType = (fn: string, index: number, type: string) => new JmesRuntimeError(`${errorPrefix(fn)}argument #${index} is not of type ${type}`);
const typeMismatch = (fn: string) => new JmesRuntimeError(`${errorPrefix(fn)}Types mismatch`);
const zeroDivision = (fn: string) => new JmesRuntimeError(`${errorPrefix(fn)}Zero divisor passed`);
const generic = (fn: string, msg: string) => new JmesRuntimeError(`${errorPrefix(fn)}${msg}`);

/** validateArg(f, args, index, kind): present, non-nil and of the Go kind. */
function argString(fn: string, args: unknown[], index: number): string {
  const v = args[index];
  if (typeof v !== 'string') throw invalidArgType(fn, index + 1, 'string');
  return v;
}

function argFloat(fn: string, args: unknown[], index: number): number {
  const v = args[index];
  if (typeof v !== 'number') throw invalidArgType(fn, index + 1, 'float64');
  return v;
}

/** ifaceToString: int, float64 ('f', -1, 32 bits!), string, bool. */
function ifaceToString(v: unknown): string | null {
  if (v instanceof GoInt) return String(v.value);
  if (typeof v === 'number') return formatFloat32Shortest(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

/** strconv.FormatFloat(v, 'f', -1, 32): shortest digits that round-trip through float32. */
function formatFloat32Shortest(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return plainDecimal(s);
  }
  return plainDecimal(f);
}

function plainDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mant, expStr] = s.split(/e/i) as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointPos = (mant.replace('-', '').indexOf('.') === -1 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointPos <= 0) out = '0.' + '0'.repeat(-pointPos) + digits;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = digits.slice(0, pointPos) + '.' + digits.slice(pointPos);
  return (neg ? '-' : '') + out;
}

const regexCache = new Map<string, RE2JS>();

/** re2js already words its syntax errors as Go does ("error parsing regexp: …"). */
function goRegexpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('error parsing regexp: ') ? message : `error parsing regexp: ${message}`;
}

/** Go regexp.Compile (RE2 syntax) through re2js, cached; throws re2js's error for a bad pattern. */
function cachedRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** cachedRegex, a bad pattern being the function's Go error. */
function compileRegex(fn: string, pattern: string): RE2JS {
  try {
    return cachedRegex(pattern);
  } catch (error) {
    throw generic(fn, goRegexpError(error));
  }
}

/** Go regexp template expansion ($1, ${1}, $name, $$) — a `$1x` names group "1x", as in Go. */
function expandTemplate(template: string, groups: (string | undefined)[], names: Record<string, number>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = template.slice(i + 2, close);
      end = close;
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += c;
        continue;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      end = i + name.length;
    }
    const idx = /^\d+$/.test(name) ? Number(name) : names[name];
    if (idx !== undefined && idx < groups.length) out += groups[idx] ?? '';
    i = end;
  }
  return out;
}

function regexReplace(fn: string, args: unknown[], literal: boolean): string {
  const regex = argString(fn, args, 0);
  const src = ifaceToString(args[1]);
  if (src === null) throw invalidArgType(fn, 2, 'String or Real');
  const repl = ifaceToString(args[2]);
  if (repl === null) throw invalidArgType(fn, 3, 'String or Real');
  const re = compileRegex(fn, regex);
  const names = re.namedGroups() as Record<string, number>;
  return re.matcher(src).replaceAll((...m: unknown[]) => {
    if (literal) return repl;
    const groupCount = re.groupCount();
    const groups = m.slice(0, groupCount + 1) as (string | undefined)[];
    return expandTemplate(repl, groups, names);
  });
}

type Operand = { kind: 'scalar'; value: number } | { kind: 'quantity'; value: Quantity; text: string } | { kind: 'duration'; value: bigint };

function operand(fn: string, args: unknown[], index: number): Operand {
  const v = args[index];
  if (typeof v === 'number') return { kind: 'scalar', value: v };
  if (typeof v === 'string') {
    const q = tryParseQuantity(v);
    if (q) return { kind: 'quantity', value: q, text: v };
    const d = tryParseDuration(v);
    if (d !== null) return { kind: 'duration', value: d };
  }
  throw generic(fn, 'invalid operand');
}

/** Digits a quantity operation may expand to (inputs like "1e999999999" would otherwise hang). */
const MAX_QUANTITY_DIGITS = 4096;

function pow10(fn: string, n: number): bigint {
  if (n > MAX_QUANTITY_DIGITS) throw new UnsupportedError(`JMESPath ${fn}() on quantities more than ${MAX_QUANTITY_DIGITS} decimal digits apart`);
  return 10n ** BigInt(n);
}

const magnitudeOf = (q: Quantity): bigint => BigInt(q.digits || '0');

/** q1 ± q2 exactly (Quantity.Add / Sub: a zero receiver takes the other operand's format). */
function addQuantities(fn: string, q1: Quantity, q2: Quantity, negate: boolean): string {
  const exp = Math.min(q1.exp, q2.exp);
  const u1 = BigInt(q1.sign) * magnitudeOf(q1) * pow10(fn, q1.exp - exp);
  const u2 = BigInt(negate ? -q2.sign : q2.sign) * magnitudeOf(q2) * pow10(fn, q2.exp - exp);
  return quantityString(fromRaw(u1 + u2, -exp, q1.sign === 0 ? q2.format : q1.format));
}

/** A scalar operand as a quantity: ParseQuantity(fmt.Sprintf("%v", f)). */
function scalarQuantity(f: number): Quantity {
  try {
    return parseQuantity(formatFloatG(f));
  } catch (error) {
    if (error instanceof QuantityError) throw new JmesRuntimeError(error.message);
    throw error;
  }
}

/** Quantity × scalar: inf.Dec product, in the quantity's format. */
function multiplyQuantity(q: Quantity, f: number): string {
  const m = scalarQuantity(f);
  return quantityString(fromRaw(BigInt(q.sign * m.sign) * magnitudeOf(q) * magnitudeOf(m), -(q.exp + m.exp), q.format));
}

/** Quantity / scalar: inf.Dec QuoRound to the larger of the two scales, rounding toward zero. */
function divideQuantity(q: Quantity, f: number): string {
  const d = scalarQuantity(f);
  const scale = Math.max(q.scale, d.scale);
  // trunc(q × 10^scale / d) = trunc(|q|digits × 10^(q.exp + scale − d.exp) / |d|digits)
  const shift = q.exp + scale - d.exp;
  let num = magnitudeOf(q);
  let den = magnitudeOf(d);
  if (shift >= 0) num *= pow10('divide', shift);
  else den *= pow10('divide', -shift);
  return quantityString(fromRaw(BigInt(q.sign * d.sign) * (num / den), scale, q.format));
}

/** int64(f) as amd64 converts it: NaN and out-of-range values give MinInt64. */
function goInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(f));
}

/** Quantity % Quantity: both as approximate floats that must be integers, in q1's format. */
function moduloQuantities(q1: Quantity, q2: Quantity): string {
  const f1 = approximateFloat64(q1);
  const f2 = approximateFloat64(q2);
  const i1 = goInt64(f1);
  const i2 = goInt64(f2);
  if (f1 !== Number(i1) || f2 !== Number(i2)) throw generic('modulo', 'Non-integer argument(s) passed for modulo');
  if (i2 === 0n) throw zeroDivision('modulo');
  return quantityString(fromRaw(i1 % i2, 0, q1.format));
}

function add(fn: string, args: unknown[]): unknown {
  const a = operand(fn, args, 0);
  const b = operand(fn, args, 1);
  if (a.kind !== b.kind) throw typeMismatch(fn);
  if (a.kind === 'scalar') return a.value + (b as typeof a).value;
  if (a.kind === 'duration') return formatDuration(BigInt.asIntN(64, a.value + (b as typeof a).value));
  return addQuantities(fn, a.value, (b as typeof a).value, false);
}

const string1 = (name: string, f: (s: string) => unknown): FunctionEntry => ({ name, args: [{ types: ['string'] }], handler: (args) => f(argString(name, args, 0)) });
const sig = (...types: ArgType[][]) => types.map((t) => ({ types: t }));

function unsupported(name: string, why: string, args: FunctionEntry['args']): FunctionEntry {
  return {
    name,
    args,
    handler: () => {
      throw new UnsupportedError(`JMESPath function ${name}() (${why})`);
    },
  };
}

const KYVERNO_FUNCTIONS: FunctionEntry[] = [
  { name: 'compare', args: sig(['string'], ['string']), handler: (a) => new GoInt(goCompareStrings(argString('compare', a, 0), argString('compare', a, 1))) },
  { name: 'equal_fold', args: sig(['string'], ['string']), handler: (a) => equalFold(argString('equal_fold', a, 0), argString('equal_fold', a, 1)) },
  {
    name: 'replace',
    args: sig(['string'], ['string'], ['string'], ['number']),
    handler: (a) => goReplace(argString('replace', a, 0), argString('replace', a, 1), argString('replace', a, 2), Math.trunc(argFloat('replace', a, 3))),
  },
  { name: 'replace_all', args: sig(['string'], ['string'], ['string']), handler: (a) => goReplace(argString('replace_all', a, 0), argString('replace_all', a, 1), argString('replace_all', a, 2), -1) },
  string1('to_upper', (s) => s.toUpperCase()),
  string1('to_lower', (s) => s.toLowerCase()),
  { name: 'trim', args: sig(['string'], ['string']), handler: (a) => goTrim(argString('trim', a, 0), argString('trim', a, 1)) },
  {
    name: 'trim_prefix',
    args: sig(['string'], ['string']),
    handler: (a) => {
      const s = argString('trim_prefix', a, 0);
      const p = argString('trim_prefix', a, 1);
      return s.startsWith(p) ? s.slice(p.length) : s;
    },
  },
  { name: 'split', args: sig(['string'], ['string']), handler: (a) => goSplit(argString('split', a, 0), argString('split', a, 1)) },
  { name: 'regex_replace_all', args: sig(['string'], ['string', 'number'], ['string', 'number']), handler: (a) => regexReplace('regex_replace_all', a, false) },
  { name: 'regex_replace_all_literal', args: sig(['string'], ['string', 'number'], ['string', 'number']), handler: (a) => regexReplace('regex_replace_all_literal', a, true) },
  {
    name: 'regex_match',
    args: sig(['string'], ['string', 'number']),
    handler: (a) => {
      const regex = argString('regex_match', a, 0);
      const src = ifaceToString(a[1]);
      if (src === null) throw invalidArgType('regex_match', 2, 'String or Real');
      let re: RE2JS;
      try {
        re = cachedRegex(regex);
      } catch (error) {
        throw new JmesRuntimeError(goRegexpError(error));
      }
      return re.matcher(src).find();
    },
  },
  {
    name: 'pattern_match',
    args: sig(['string'], ['string', 'number']),
    handler: (a) => {
      const pattern = argString('pattern_match', a, 0);
      const src = ifaceToString(a[1]);
      if (src === null) throw invalidArgType('pattern_match', 2, 'String or Real');
      return wildcardMatch(pattern, src);
    },
  },
  {
    name: 'label_match',
    args: sig(['object'], ['object']),
    handler: ([labels, match]) => {
      if (!isObject(labels)) throw invalidArgType('label_match', 0, 'Object');
      if (!isObject(match)) throw invalidArgType('label_match', 1, 'Object');
      return Object.entries(labels).every(([k, v]) => Object.hasOwn(match, k) && deepEqual(match[k], v));
    },
  },
  {
    name: 'to_boolean',
    args: sig(['string']),
    handler: (a) => {
      const s = argString('to_boolean', a, 0);
      if (s.toLowerCase() === 'true') return true;
      if (s.toLowerCase() === 'false') return false;
      throw generic('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${s}')`);
    },
  },
  { name: 'add', args: sig(['any'], ['any']), handler: (a) => add('add', a) },
  {
    name: 'sum',
    args: sig(['array']),
    handler: ([items]) => {
      if (!Array.isArray(items)) throw typeMismatch('sum');
      if (items.length === 0) throw generic('sum', 'at least one element in the array is required');
      let result: unknown = items[0];
      for (const item of items.slice(1)) result = add('sum', [result, item]);
      return result;
    },
  },
  {
    name: 'subtract',
    args: sig(['any'], ['any']),
    handler: (args) => {
      const a = operand('subtract', args, 0);
      const b = operand('subtract', args, 1);
      if (a.kind !== b.kind) throw typeMismatch('subtract');
      if (a.kind === 'scalar') return a.value - (b as typeof a).value;
      if (a.kind === 'duration') return formatDuration(BigInt.asIntN(64, a.value - (b as typeof a).value));
      return addQuantities('subtract', a.value, (b as typeof a).value, true);
    },
  },
  {
    name: 'multiply',
    args: sig(['any'], ['any']),
    handler: (args) => {
      let a = operand('multiply', args, 0);
      let b = operand('multiply', args, 1);
      if (a.kind === 'scalar' && b.kind !== 'scalar') [a, b] = [b, a];
      if (a.kind === 'scalar' && b.kind === 'scalar') return a.value * b.value;
      if (b.kind !== 'scalar') throw typeMismatch('multiply');
      if (a.kind === 'duration') return formatDuration(floatToDuration(durationSeconds(a.value) * b.value * Number(SECOND)));
      if (a.kind !== 'quantity') throw typeMismatch('multiply');
      return multiplyQuantity(a.value, b.value);
    },
  },
  {
    name: 'divide',
    args: sig(['any'], ['any']),
    handler: (args) => {
      const a = operand('divide', args, 0);
      const b = operand('divide', args, 1);
      if (a.kind === 'scalar') {
        if (b.kind !== 'scalar') throw typeMismatch('divide');
        if (b.value === 0) throw zeroDivision('divide');
        return a.value / b.value;
      }
      if (a.kind === 'duration') {
        if (b.kind === 'duration') {
          if (durationSeconds(b.value) === 0) throw zeroDivision('divide');
          return durationSeconds(a.value) / durationSeconds(b.value);
        }
        if (b.kind === 'scalar') {
          if (b.value === 0) throw zeroDivision('divide');
          return formatDuration(floatToDuration((durationSeconds(a.value) / b.value) * Number(SECOND)));
        }
        throw typeMismatch('divide');
      }
      if (b.kind === 'quantity') {
        const divisor = approximateFloat64(b.value);
        if (divisor === 0) throw zeroDivision('divide');
        return approximateFloat64(a.value) / divisor;
      }
      if (b.kind === 'scalar') {
        if (b.value === 0) throw zeroDivision('divide');
        return divideQuantity(a.value, b.value);
      }
      throw typeMismatch('divide');
    },
  },
  {
    name: 'modulo',
    args: sig(['any'], ['any']),
    handler: (args) => {
      const a = operand('modulo', args, 0);
      const b = operand('modulo', args, 1);
      if (a.kind !== b.kind) throw typeMismatch('modulo');
      if (a.kind === 'scalar') {
        const x = a.value;
        const y = (b as typeof a).value;
        const i1 = goInt64(x);
        const i2 = goInt64(y);
        if (x !== Number(i1) || y !== Number(i2)) throw generic('modulo', 'Non-integer argument(s) passed for modulo');
        if (i2 === 0n) throw zeroDivision('modulo');
        return Number(i1 % i2);
      }
      if (a.kind === 'duration') {
        const y = (b as typeof a).value;
        if (y === 0n) throw zeroDivision('modulo');
        return formatDuration(a.value % y);
      }
      return moduloQuantities(a.value, (b as typeof a).value);
    },
  },
  {
    name: 'round',
    args: sig(['number'], ['number']),
    handler: (a) => {
      const x = argFloat('round', a, 0);
      const length = argFloat('round', a, 1);
      if (!Number.isInteger(length)) throw generic('round', 'Non-integer argument(s) passed for round off');
      if (length < 0) throw generic('round', '%!d(MISSING) argument is out of bounds (%!d(MISSING))');
      const shift = 10 ** length;
      return goRound(x * shift) / shift;
    },
  },
  {
    name: 'base64_decode',
    args: sig(['string']),
    handler: (a) => {
      const s = argString('base64_decode', a, 0);
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s.replace(/[\r\n]/g, ''))) {
        throw new JmesRuntimeError('illegal base64 data at input byte 0');
      }
      return Buffer.from(s, 'base64').toString('utf8');
    },
  },
  string1('base64_encode', (s) => Buffer.from(s, 'utf8').toString('base64')),
  string1('path_canonicalize', (s) => goFilepathJoin(s)),
  {
    name: 'truncate',
    args: sig(['string'], ['number']),
    handler: (a) => {
      const s = argString('truncate', a, 0);
      const n = Math.max(0, Math.trunc(argFloat('truncate', a, 1)));
      return Array.from(s).slice(0, n).join('');
    },
  },
  {
    name: 'semver_compare',
    args: sig(['string'], ['string']),
    handler: (a) => {
      argString('semver_compare', a, 0);
      argString('semver_compare', a, 1);
      void parseSemver;
      throw new UnsupportedError('JMESPath function semver_compare() (blang/semver range grammar is not reproduced)');
    },
  },
  {
    name: 'parse_json',
    args: sig(['string']),
    handler: (a) => {
      try {
        return JSON.parse(argString('parse_json', a, 0));
      } catch (error) {
        throw new JmesRuntimeError((error as Error).message);
      }
    },
  },
  {
    name: 'parse_yaml',
    args: sig(['string']),
    handler: (a) => {
      try {
        return JSON.parse(JSON.stringify(parseYaml(argString('parse_yaml', a, 0), { version: '1.1' }) ?? null));
      } catch (error) {
        throw new JmesRuntimeError((error as Error).message);
      }
    },
  },
  {
    name: 'lookup',
    args: sig(['object', 'array'], ['string', 'number']),
    handler: ([input, key]) => {
      if (isObject(input)) {
        if (typeof key !== 'string') throw invalidArgType('lookup', 2, 'String');
        return Object.hasOwn(input, key) ? input[key] : null;
      }
      if (Array.isArray(input)) {
        if (typeof key !== 'number') throw invalidArgType('lookup', 2, 'Number');
        if (!Number.isInteger(key)) throw new JmesRuntimeError(`JMESPath function 'lookup': argument #2: expected an integer number but got: ${formatFloatG(key)}`);
        return key < 0 || key > input.length - 1 ? null : input[key];
      }
      throw invalidArgType('lookup', 1, 'Object or Array');
    },
  },
  {
    name: 'items',
    args: sig(['object', 'array'], ['string'], ['string']),
    handler: ([input, keyName, valName]) => {
      if (typeof keyName !== 'string') throw invalidArgType('items', 2, 'String');
      if (typeof valName !== 'string') throw invalidArgType('items', 3, 'String');
      if (isObject(input)) {
        return Object.keys(input)
          .sort(goCompareStrings)
          .map((k) => ({ [keyName]: k, [valName]: input[k] }));
      }
      if (Array.isArray(input)) return input.map((v, i) => ({ [keyName]: i, [valName]: v }));
      throw invalidArgType('items', 1, 'Object or Array');
    },
  },
  {
    name: 'object_from_lists',
    args: sig(['array'], ['array']),
    handler: ([keys, values]) => {
      if (!Array.isArray(keys)) throw invalidArgType('object_from_lists', 1, 'Array');
      if (!Array.isArray(values)) throw invalidArgType('object_from_lists', 2, 'Array');
      const out: Record<string, unknown> = {};
      keys.forEach((k, i) => {
        const key = ifaceToString(k);
        if (key === null) throw invalidArgType('object_from_lists', 1, 'StringArray');
        out[key] = i < values.length ? values[i] : null;
      });
      return out;
    },
  },
  string1('sha256', (s) => createHash('sha256').update(s, 'utf8').digest('hex')),
  string1('sha1', (s) => createHash('sha1').update(s, 'utf8').digest('hex')),
  string1('md5', (s) => createHash('md5').update(s, 'utf8').digest('hex')),
  unsupported('random', 'random output', sig(['string'])),
  unsupported('x509_decode', 'certificate parsing', sig(['string'])),
  {
    name: 'image_normalize',
    args: sig(['string']),
    handler: (a) => {
      const info = imageInfo(argString('image_normalize', a, 0));
      if (typeof info === 'string') throw new JmesRuntimeError(errorPrefix('image_normalize') + info);
      return info['reference'];
    },
  },
  unsupported('is_external_url', 'network lookups', sig(['string'])),
  unsupported('time_since', 'clock-dependent', sig(['string'], ['string'], ['string'])),
  unsupported('time_now', 'clock-dependent', []),
  unsupported('time_now_utc', 'clock-dependent', []),
  unsupported('time_to_cron', 'Go time layouts', sig(['string'])),
  unsupported('time_add', 'Go time layouts', sig(['string'], ['string'])),
  unsupported('time_parse', 'Go time layouts', sig(['string'], ['string'])),
  unsupported('time_utc', 'Go time layouts', sig(['string'])),
  unsupported('time_diff', 'Go time layouts', sig(['string'], ['string'])),
  unsupported('time_before', 'Go time layouts', sig(['string'], ['string'])),
  unsupported('time_after', 'Go time layouts', sig(['string'], ['string'])),
  unsupported('time_between', 'Go time layouts', sig(['string'], ['string'], ['string'])),
  unsupported('time_truncate', 'Go time layouts', sig(['string'], ['string'])),
];

/** time.Duration(f): float64 → int64 truncation. */
function floatToDuration(f: number): bigint {
  if (!Number.isFinite(f)) return -(1n << 63n);
  return BigInt.asIntN(64, BigInt(Math.trunc(f)));
}

/** math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** strings.EqualFold: Unicode simple case folding (close to comparing both case forms). */
function equalFold(a: string, b: string): boolean {
  const ra = Array.from(a);
  const rb = Array.from(b);
  if (ra.length !== rb.length) return false;
  return ra.every((c, i) => c === rb[i] || c.toLowerCase() === rb[i]!.toLowerCase() || c.toUpperCase() === rb[i]!.toUpperCase());
}

/** strings.Replace with n (<0: all). An empty `old` inserts between runes, like Go. */
function goReplace(s: string, old: string, repl: string, n: number): string {
  if (n === 0 || old === repl) return s;
  if (old === '') {
    const runes = Array.from(s);
    let out = '';
    let count = 0;
    for (let i = 0; i <= runes.length; i++) {
      if (n < 0 || count < n) {
        out += repl;
        count++;
      }
      if (i < runes.length) out += runes[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(repl);
  let out = '';
  let rest = s;
  for (let i = 0; i < n; i++) {
    const idx = rest.indexOf(old);
    if (idx < 0) break;
    out += rest.slice(0, idx) + repl;
    rest = rest.slice(idx + old.length);
  }
  return out + rest;
}

/** strings.Trim(s, cutset): removes leading/trailing runes contained in cutset. */
function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let start = 0;
  let end = runes.length;
  while (start < end && set.has(runes[start]!)) start++;
  while (end > start && set.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join('');
}

/** strings.Split: an empty separator splits into runes. */
function goSplit(s: string, sep: string): string[] {
  if (sep === '') return Array.from(s);
  return s.split(sep);
}

/** filepath.Join(s) on Linux = filepath.Clean(s) ("" stays ""). */
function goFilepathJoin(s: string): string {
  return s === '' ? '' : pathClean(s);
}

export const kyvernoFunctions: FunctionTable = (() => {
  const table = new FunctionTable();
  for (const f of KYVERNO_FUNCTIONS) table.register(f);
  return table;
})();
