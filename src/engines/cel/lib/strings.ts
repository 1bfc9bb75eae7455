// cel-go ext.Strings at the version Kubernetes ≥1.29 configures (ext.StringsVersion(2): charAt,
// indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split, substring, trim, join, format,
// strings.quote). cel-js has some of these built in with JS semantics (UTF-16 indices, Unicode
// case mapping, JS whitespace); those are replaced with cel-go's rune-based behaviour.
import { trimBoth } from '../../../util/text.ts';
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCall, traversalCost, registerNamespaceType } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import { formatString } from './format-string.ts';

const replace = { replace: true } as const;
const SURROGATE = /[\uD800-\uDFFF]/;

/** The string's runes (code points); strings without surrogates index the same in JS and Go. */
function runes(text: string): string[] {
  return Array.from(text);
}

function outOfRange(index: bigint | number): Error {
  return new Error(`index out of range: ${index}`);
}

function indexOfOffset(text: string, sub: string, offset: bigint): bigint {
  if (offset < 0n) throw outOfRange(offset);
  if (!SURROGATE.test(text) && !SURROGATE.test(sub)) {
    if (sub === '') return offset > BigInt(text.length) ? BigInt(text.length) : offset;
    if (offset >= BigInt(text.length)) return -1n;
    return BigInt(text.indexOf(sub, Number(offset)));
  }
  const chars = runes(text);
  if (sub === '') return offset > BigInt(chars.length) ? BigInt(chars.length) : offset;
  const subChars = runes(sub);
  const off = Number(offset);
  if (off >= chars.length) return -1n;
  for (let i = off; i < chars.length - (subChars.length - 1); i++) {
    if (subChars.every((c, j) => chars[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

function lastIndexOfOffset(text: string, sub: string, offset: bigint): bigint {
  if (offset < 0n) throw outOfRange(offset);
  const chars = runes(text);
  if (sub === '') return offset > BigInt(chars.length) ? BigInt(chars.length) : offset;
  const subChars = runes(sub);
  let off = Number(offset);
  if (off >= chars.length) return -1n;
  if (off > chars.length - subChars.length) off = chars.length - subChars.length;
  for (let i = off; i >= 0; i--) {
    if (subChars.every((c, j) => chars[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

function lastIndexOf(text: string, sub: string): bigint {
  const length = runes(text).length;
  if (sub === '') return BigInt(length);
  // cel-go compares byte lengths here
  if (Buffer.byteLength(text) < Buffer.byteLength(sub)) return -1n;
  return lastIndexOfOffset(text, sub, BigInt(length - 1));
}

const ASCII_UPPER = /[A-Z]+/g;
const ASCII_LOWER = /[a-z]+/g;

// Go's unicode.IsSpace (strings.TrimSpace); JS trim() also strips U+FEFF and keeps U+0085.
const GO_SPACE = '\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000';

/** Go strings.SplitN (n < 0: all; 0: none; "" separator: one element per rune). */
export function goSplit(text: string, separator: string, limit: number): string[] {
  if (limit === 0) return [];
  if (separator === '') {
    const chars = runes(text);
    if (limit < 0 || chars.length <= limit) return chars;
    return [...chars.slice(0, limit - 1), chars.slice(limit - 1).join('')];
  }
  const parts = text.split(separator);
  if (limit < 0 || parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(separator)];
}

/** Go strings.Replace (n < 0: all); an empty `old` matches before each rune and at the end. */
export function goReplace(text: string, old: string, replacement: string, limit: number): string {
  if (limit === 0 || old === replacement) return text;
  if (old === '') {
    const chars = runes(text);
    let out = '';
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (limit < 0 || done < limit) {
        out += replacement;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  if (limit < 0) return text.split(old).join(replacement);
  let out = '';
  let from = 0;
  for (let done = 0; done < limit; done++) {
    const at = text.indexOf(old, from);
    if (at < 0) break;
    out += text.slice(from, at) + replacement;
    from = at + old.length;
  }
  return out + text.slice(from);
}

function substring(text: string, start: bigint, end?: bigint): string {
  const chars = runes(text);
  const length = BigInt(chars.length);
  if (end !== undefined && start > end) throw new Error(`invalid substring range. start: ${start}, end: ${end}`);
  if (start < 0n || start > length) throw outOfRange(start);
  if (end !== undefined && (end < 0n || end > length)) throw outOfRange(end);
  return chars.slice(Number(start), end === undefined ? undefined : Number(end)).join('');
}

/** strings.quote (cel-go quote): double-quoted with CEL escapes. */
export function quote(text: string): string {
  let out = '"';
  for (const c of text) {
    switch (c) {
      case '\u0007':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\v':
        out += '\\v';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      default:
        out += c.length === 1 && c >= '\uD800' && c <= '\uDFFF' ? '\uFFFD' : c;
    }
  }
  return `${out}"`;
}

class StringsNamespace {}

export const stringsLibrary: CelLibrary = {
  name: 'cel.lib.ext.strings (version 2)',
  install(env: Environment) {
    const stringCost = (text: string) => chargeCall(traversalCost(text.length));
    env.registerFunction(
      'string.lowerAscii(): string',
      (s: string) => (stringCost(s), s.replace(ASCII_UPPER, (m) => m.toLowerCase())),
      replace,
    );
    env.registerFunction(
      'string.upperAscii(): string',
      (s: string) => (stringCost(s), s.replace(ASCII_LOWER, (m) => m.toUpperCase())),
      replace,
    );
    env.registerFunction('string.trim(): string', (s: string) => (stringCost(s), trimBoth(s, GO_SPACE)), replace);
    env.registerFunction('string.indexOf(string): int', (s: string, sub: string) => (stringCost(s), indexOfOffset(s, sub, 0n)), replace);
    env.registerFunction(
      'string.indexOf(string, int): int',
      (s: string, sub: string, offset: bigint) => (stringCost(s), indexOfOffset(s, sub, offset)),
      replace,
    );
    env.registerFunction('string.lastIndexOf(string): int', (s: string, sub: string) => (stringCost(s), lastIndexOf(s, sub)), replace);
    env.registerFunction(
      'string.lastIndexOf(string, int): int',
      (s: string, sub: string, offset: bigint) => (stringCost(s), lastIndexOfOffset(s, sub, offset)),
      replace,
    );
    env.registerFunction('string.substring(int): string', (s: string, start: bigint) => (stringCost(s), substring(s, start)), replace);
    env.registerFunction(
      'string.substring(int, int): string',
      (s: string, start: bigint, end: bigint) => (stringCost(s), substring(s, start, end)),
      replace,
    );
    env.registerFunction(
      'string.split(string): list<string>',
      (s: string, sep: string) => (chargeCall(traversalCost(s.length * 2)), goSplit(s, sep, -1)),
      replace,
    );
    env.registerFunction(
      'string.split(string, int): list<string>',
      (s: string, sep: string, n: bigint) => (chargeCall(traversalCost(s.length * 2)), goSplit(s, sep, clampInt(n))),
      replace,
    );
    // cel-go runtimecost.go: startsWith/endsWith traverse the receiver; contains costs len × sublen
    env.registerFunction('string.startsWith(string): bool', (s: string, p: string) => (stringCost(s), s.startsWith(p)), replace);
    env.registerFunction('string.endsWith(string): bool', (s: string, p: string) => (stringCost(s), s.endsWith(p)), replace);
    env.registerFunction(
      'string.contains(string): bool',
      (s: string, sub: string) => (chargeCall(traversalCost(s.length) * traversalCost(sub.length)), s.includes(sub)),
      replace,
    );
    const join = (list: unknown[], separator: string) => {
      for (const item of list) if (typeof item !== 'string') throw new Error(`join: invalid input: ${String(item)}`);
      const result = list.join(separator);
      chargeCall(traversalCost(result.length * 2)); // library/cost.go: the result, built once
      return result;
    };
    env.registerFunction('list<string>.join(): string', (list: unknown[]) => join(list, ''), replace);
    env.registerFunction('list<string>.join(string): string', (list: unknown[], separator: string) => join(list, separator), replace);
    env.registerFunction('string.charAt(int): string', (s: string, index: bigint) => {
      const chars = runes(s);
      if (index < 0n || index > BigInt(chars.length)) throw outOfRange(index);
      return chars[Number(index)] ?? '';
    });
    env.registerFunction('string.replace(string, string): string', (s: string, old: string, by: string) => {
      chargeCall(traversalCost(s.length * 2));
      return goReplace(s, old, by, -1);
    });
    env.registerFunction('string.replace(string, string, int): string', (s: string, old: string, by: string, n: bigint) => {
      chargeCall(traversalCost(s.length * 2));
      return goReplace(s, old, by, clampInt(n));
    });
    env.registerFunction('string.format(list<dyn>): string', (s: string, args: unknown[]) => {
      chargeCall(traversalCost(s.length));
      return formatString(s, args);
    });
    env.registerType('StringsNamespace', StringsNamespace);
    registerNamespaceType('StringsNamespace');
    env.registerConstant('strings', 'StringsNamespace', new StringsNamespace());
    env.registerFunction('StringsNamespace.quote(string): string', (_ns: unknown, s: string) => {
      chargeCall(traversalCost(s.length));
      return quote(s);
    });
  },
};

/** Go's int(n) for a limit: anything beyond JS's safe range behaves as "all" or "none". */
function clampInt(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (n < 0n) return -1;
  return Number(n);
}
