/**
 * Go's fmt.Sprintf, for the argument kinds OPA's sprintf hands it (v1/topdown/strings.go
 * builtinSprintf): int (int64), *big.Int, float64 and string. Error forms are Go's:
 * `%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA int=1)`, `%!(NOVERB)`, `%!d(BADINDEX)`.
 */
import { trimEnd } from '../../../util/text.ts';
import { UnsupportedError } from '../../../util/errors.ts';
import { formatG } from '../values/number.ts';
import { goQuote } from '../values/value.ts';

export type GoArg =
  | { readonly kind: 'int'; readonly v: bigint }
  | { readonly kind: 'bigint'; readonly v: bigint }
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'string'; readonly v: string };

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const TYPE_NAMES: Record<GoArg['kind'], string> = { int: 'int', bigint: '*big.Int', float: 'float64', string: 'string' };

export function goSprintf(format: string, args: readonly GoArg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
    // flags
    flags: while (i < n) {
      switch (format[i]) {
        case '#':
          spec.sharp = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        case '+':
          spec.plus = true;
          break;
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case ' ':
          spec.space = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    // argument index, width
    let badIndex = false;
    const argIndex = (): void => {
      if (format[i] !== '[') return;
      reordered = true;
      const close = format.indexOf(']', i);
      const num = close > i ? Number(format.slice(i + 1, close)) : NaN;
      if (close < 0 || !Number.isInteger(num) || num < 1 || num > args.length) {
        badIndex = true;
        i = close < 0 ? n : close + 1;
        return;
      }
      argNum = num - 1;
      i = close + 1;
    };
    argIndex();
    if (format[i] === '*') {
      i++;
      const a = args[argNum++];
      if (a && a.kind === 'int') {
        spec.width = Number(a.v);
        if (spec.width < 0) {
          spec.minus = true;
          spec.width = -spec.width;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        if (a && a.kind === 'int' && a.v >= 0n) spec.prec = Number(a.v);
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (!badIndex) argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (badIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++]!;
    out += formatArg(arg, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => `${TYPE_NAMES[a.kind]}=${formatArg(a, 'v', blankSpec())}`).join(', ') + ')';
  }
  return out;
}

function blankSpec(): Spec {
  return { plus: false, minus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
}

function badVerb(arg: GoArg, verb: string): string {
  if (arg.kind === 'bigint') return `%!${verb}(big.Int=${arg.v})`;
  return `%!${verb}(${TYPE_NAMES[arg.kind]}=${formatArg(arg, 'v', blankSpec())})`;
}

function pad(s: string, spec: Spec, zeroAllowed = true): string {
  const w = spec.width;
  const len = [...s].length;
  if (w === undefined || len >= w) return s;
  const fill = w - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && zeroAllowed) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function formatArg(arg: GoArg, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(TYPE_NAMES[arg.kind], spec, false);
  switch (arg.kind) {
    case 'int':
      return formatInt(arg.v, verb, spec) ?? badVerb(arg, verb);
    case 'bigint':
      return formatBigInt(arg.v, verb, spec) ?? badVerb(arg, verb);
    case 'float':
      return formatFloatVerb(arg.v, verb, spec) ?? badVerb(arg, verb);
    case 'string':
      return formatString(arg.v, verb, spec) ?? badVerb(arg, verb);
  }
}

function intDigits(abs: bigint, verb: string): string | undefined {
  switch (verb) {
    case 'v':
    case 'd':
      return abs.toString(10);
    case 'b':
      return abs.toString(2);
    case 'o':
    case 'O':
      return abs.toString(8);
    case 'x':
      return abs.toString(16);
    case 'X':
      return abs.toString(16).toUpperCase();
    default:
      return undefined;
  }
}

/** fmt.fmtInteger */
function formatInt(v: bigint, verb: string, spec: Spec): string | undefined {
  if (verb === 'c') return pad(String.fromCodePoint(validRune(v)), spec, false);
  if (verb === 'q') return pad(quoteRune(validRune(v)), spec, false);
  if (verb === 'U') {
    let s = 'U+' + v.toString(16).toUpperCase().padStart(4, '0');
    if (spec.sharp && v >= 0n && v <= 0x10ffffn) s += " '" + String.fromCodePoint(Number(v)) + "'";
    return pad(s, spec, false);
  }
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits = intDigits(abs, verb);
  if (digits === undefined) return undefined;
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && abs === 0n) digits = '';
    else if (digits.length < spec.prec) digits = '0'.repeat(spec.prec - digits.length) + digits;
  }
  let prefix = '';
  if (spec.sharp) {
    if (verb === 'b') prefix = '0b';
    else if (verb === 'o' && digits[0] !== '0') prefix = '0';
    else if (verb === 'x') prefix = '0x';
    else if (verb === 'X') prefix = '0X';
  }
  if (verb === 'O') prefix = '0o';
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const body = prefix + digits;
  const w = spec.width;
  if (w !== undefined && spec.zero && !spec.minus && spec.prec === undefined && sign.length + body.length < w) {
    return sign + prefix + '0'.repeat(w - sign.length - body.length) + digits;
  }
  return pad(sign + body, { ...spec, zero: false });
}

/** math/big Int.Format */
function formatBigInt(v: bigint, verb: string, spec: Spec): string | undefined {
  if (!['b', 'o', 'O', 'd', 's', 'v', 'x', 'X'].includes(verb)) return undefined;
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits = intDigits(abs, verb === 's' ? 'd' : verb)!;
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  let prefix = '';
  if (spec.sharp) prefix = verb === 'b' ? '0b' : verb === 'o' ? '0' : verb === 'x' ? '0x' : verb === 'X' ? '0X' : '';
  if (verb === 'O') prefix = '0o';
  let zeros = 0;
  if (spec.prec !== undefined) {
    if (digits.length < spec.prec) zeros = spec.prec - digits.length;
    else if (digits === '0' && spec.prec === 0) return '';
  }
  const length = sign.length + prefix.length + zeros + digits.length;
  let left = 0;
  let right = 0;
  if (spec.width !== undefined && length < spec.width) {
    const d = spec.width - length;
    if (spec.minus) right = d;
    else if (spec.zero && spec.prec === undefined) zeros = d;
    else left = d;
  }
  digits = '0'.repeat(zeros) + digits;
  return ' '.repeat(left) + sign + prefix + digits + ' '.repeat(right);
}

function validRune(v: bigint): number {
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) return 0xfffd;
  return Number(v);
}

function quoteRune(c: number): string {
  const s = goQuote(String.fromCodePoint(c));
  const inner = s.slice(1, -1).replace(/\\"/g, '"');
  return "'" + (inner === "'" ? "\\'" : inner) + "'";
}

function formatString(s: string, verb: string, spec: Spec): string | undefined {
  let str = s;
  if (spec.prec !== undefined && (verb === 'v' || verb === 's' || verb === 'q')) str = [...s].slice(0, spec.prec).join('');
  switch (verb) {
    case 'v':
    case 's':
      return pad(str, spec);
    case 'q':
      if (spec.sharp && !str.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(str)) return pad('`' + str + '`', spec);
      return pad(goQuote(str), spec);
    case 'x':
    case 'X': {
      const bytes = new TextEncoder().encode(spec.prec !== undefined ? str.slice(0, spec.prec) : str);
      let hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      if (spec.sharp) hex = spec.space ? hex.split(' ').map((h) => '0x' + h).join(' ') : '0x' + hex;
      return pad(verb === 'X' ? hex.toUpperCase() : hex, spec);
    }
    default:
      return undefined;
  }
}

// ---- floats: exact decimal of the double, rounded half-even as strconv does ----

interface Dec {
  digits: string; // no leading zeros; may be '' for zero
  dp: number;
}

function exactDec(f: number): Dec {
  if (f === 0) return { digits: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(f));
  const bits = buf.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  exp -= 1075;
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  const trimmedLead = digits.replace(/^0+/, '');
  dp -= digits.length - trimmedLead.length;
  return { digits: trimEnd(trimmedLead, '0'), dp };
}

/** strconv decimal.Round(nd): half-even only at an exact half. */
function roundDec(d: Dec, nd: number): Dec {
  if (nd < 0 || nd >= d.digits.length) return nd < 0 ? { digits: '', dp: 0 } : d;
  const c = d.digits.charCodeAt(nd);
  let up: boolean;
  if (c === 53 && nd + 1 === d.digits.length) up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 53;
  if (!up) {
    const kept = trimEnd(d.digits.slice(0, nd), '0');
    return { digits: kept, dp: kept === '' ? 0 : d.dp };
  }
  let i = nd;
  while (i > 0 && d.digits.charCodeAt(i - 1) === 57) i--;
  if (i === 0) return { digits: '1', dp: d.dp + 1 };
  return { digits: d.digits.slice(0, i - 1) + String.fromCharCode(d.digits.charCodeAt(i - 1) + 1), dp: d.dp };
}

function shortestDec(f: number): Dec {
  if (f === 0) return { digits: '', dp: 0 };
  const [m, e] = Math.abs(f).toExponential().split('e') as [string, string];
  return { digits: trimEnd(m.replace('.', ''), '0'), dp: Number(e) + 1 };
}

function fmtE(d: Dec, prec: number, upper: boolean): string {
  let s = d.digits[0] ?? '0';
  if (prec > 0) s += '.' + (d.digits.slice(1, 1 + prec) + '0'.repeat(Math.max(0, prec - (d.digits.length - 1))));
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const ae = Math.abs(exp);
  return s + (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' : '') + ae;
}

function fmtF(d: Dec, prec: number): string {
  let s = '';
  if (d.dp > 0) s = (d.digits.slice(0, d.dp) + '0'.repeat(Math.max(0, d.dp - d.digits.length))) || '0';
  else s = '0';
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      frac += j < 0 || j >= d.digits.length ? '0' : d.digits[j];
    }
    s += '.' + frac;
  }
  return s;
}

function formatFloatVerb(f: number, verb: string, spec: Spec): string | undefined {
  let body: string;
  const neg = f < 0 || Object.is(f, -0);
  const abs = Math.abs(f);
  switch (verb) {
    case 'v':
    case 'g':
    case 'G': {
      if (spec.prec === undefined) {
        const d = shortestDec(abs);
        body = d.digits === '' ? '0' : formatG(d.digits, d.dp);
        if (verb === 'G') body = body.toUpperCase();
      } else {
        let p = spec.prec === 0 ? 1 : spec.prec;
        const d = roundDec(exactDec(abs), p);
        let eprec = p;
        if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
        const exp = d.digits === '' ? 0 : d.dp - 1;
        if (exp < -4 || exp >= eprec) {
          if (p > d.digits.length) p = d.digits.length;
          body = fmtE(d, Math.max(p - 1, 0), verb === 'G');
        } else {
          if (p > d.dp) p = d.digits.length;
          body = fmtF(d, Math.max(p - d.dp, 0));
        }
      }
      break;
    }
    case 'e':
    case 'E': {
      const p = spec.prec ?? 6;
      body = fmtE(roundDec(exactDec(abs), p + 1), p, verb === 'E');
      break;
    }
    case 'f':
    case 'F': {
      const p = spec.prec ?? 6;
      const d0 = exactDec(abs);
      body = fmtF(roundDec(d0, d0.dp + p), p);
      break;
    }
    case 'x':
    case 'X':
    case 'b':
      throw new UnsupportedError(`sprintf verb %${verb} on a floating-point number`);
    default:
      return undefined;
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const s = sign + body;
  return pad(s, spec);
}
