/** String builtins (v1/topdown/strings.go). Operands must be strings (else a type error → undefined). */
import { RegoNumber, intNumber } from '../values/number.ts';
import { RegoObject, RegoSet, isArray, type Value } from '../values/value.ts';
import { BuiltinError, builtin, intArg, numberArg, operandTypeError, stringArg, stringsOf } from './registry.ts';

const runes = (s: string) => [...s];

builtin('startswith', ['string', 'string'], 'boolean', (a) => stringArg(a, 0).startsWith(stringArg(a, 1)));
builtin('endswith', ['string', 'string'], 'boolean', (a) => stringArg(a, 0).endsWith(stringArg(a, 1)));
builtin('contains', ['string', 'string'], 'boolean', (a) => stringArg(a, 0).includes(stringArg(a, 1)));

builtin('lower', ['string'], 'string', (a) => mapRunes(stringArg(a, 0), (c) => c.toLowerCase()));
builtin('upper', ['string'], 'string', (a) => mapRunes(stringArg(a, 0), (c) => c.toUpperCase()));

/** Go's unicode.ToLower/ToUpper map one rune to one rune; JS special casing (ß → SS) is not applied. */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

builtin('trim_prefix', ['string', 'string'], 'string', (a) => {
  const s = stringArg(a, 0);
  const p = stringArg(a, 1);
  return s.startsWith(p) ? s.slice(p.length) : s;
});
builtin('trim_suffix', ['string', 'string'], 'string', (a) => {
  const s = stringArg(a, 0);
  const p = stringArg(a, 1);
  return p.length > 0 && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
});

/** strings.Trim family: strip runes contained in the cutset. */
function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set(runes(cutset));
  const r = runes(s);
  let i = 0;
  let j = r.length;
  if (left) while (i < j && set.has(r[i]!)) i++;
  if (right) while (j > i && set.has(r[j - 1]!)) j--;
  return r.slice(i, j).join('');
}
builtin('trim', ['string', 'string'], 'string', (a) => trimCutset(stringArg(a, 0), stringArg(a, 1), true, true));
builtin('trim_left', ['string', 'string'], 'string', (a) => trimCutset(stringArg(a, 0), stringArg(a, 1), true, false));
builtin('trim_right', ['string', 'string'], 'string', (a) => trimCutset(stringArg(a, 0), stringArg(a, 1), false, true));

/** unicode.IsSpace */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
builtin('trim_space', ['string'], 'string', (a) => {
  const r = runes(stringArg(a, 0));
  let i = 0;
  let j = r.length;
  while (i < j && GO_SPACE.test(r[i]!)) i++;
  while (j > i && GO_SPACE.test(r[j - 1]!)) j--;
  return r.slice(i, j).join('');
});

/** strings.Split: an empty separator splits into runes; a missing one gives [s]. */
function goSplit(s: string, sep: string): string[] {
  if (sep === '') return runes(s);
  return s.split(sep);
}
builtin('split', ['string', 'string'], 'array[string]', (a) => goSplit(stringArg(a, 0), stringArg(a, 1)));

/** strings.Replace(s, old, new, -1): an empty `old` matches before every rune and at the end. */
function goReplace(s: string, old: string, rep: string): string {
  if (old === '') return rep + runes(s).map((c) => c + rep).join('');
  return s.split(old).join(rep);
}
builtin('replace', ['string', 'string', 'string'], 'string', (a) => goReplace(stringArg(a, 0), stringArg(a, 1), stringArg(a, 2)));

builtin('strings.replace_n', ['object[string: string]', 'string'], 'string', (a) => replaceN(a[0]!, stringArg(a, 1)));

/** strings.NewReplacer with the object's pairs in sorted key order: at each position, the first matching old string wins. */
function replaceN(patterns: Value, s: string): string {
  if (!(patterns instanceof RegoObject)) throw operandTypeError(1, patterns, 'object');
  const pairs: [string, string][] = [];
  for (const [k, v] of patterns.sortedEntries()) {
    if (typeof k !== 'string') throw operandTypeError(1, k, 'string');
    if (typeof v !== 'string') throw operandTypeError(1, v, 'string');
    pairs.push([k, v]);
  }
  let out = '';
  let i = 0;
  while (i <= s.length) {
    let matched = false;
    for (const [o, n] of pairs) {
      if (o !== '' && s.startsWith(o, i)) {
        out += n;
        i += o.length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      if (i < s.length) out += s[i];
      i++;
    }
  }
  return out;
}

builtin('concat', ['string', 'any<array[string], set[string]>'], 'string', (a) => {
  const sep = stringArg(a, 0);
  return stringsOf(a, 1).join(sep);
});

builtin('substring', ['string', 'number', 'number'], 'string', (a) => {
  const s = stringArg(a, 0);
  const start = intArg(a, 1);
  const length = intArg(a, 2);
  if (start < 0n) throw new BuiltinError('negative offset');
  if (s === '') return '';
  const r = runes(s);
  if (start >= BigInt(r.length)) return '';
  const st = Number(start);
  if (length < 0n) return r.slice(st).join('');
  const upto = BigInt(st) + length > BigInt(r.length) ? r.length : st + Number(length);
  return r.slice(st, upto).join('');
});

/** Rune index of the first occurrence, or -1 (indexof counts runes, not bytes). */
function runeIndex(s: string, sub: string, from = 0): number {
  const i = s.indexOf(sub, from);
  if (i < 0) return -1;
  return runes(s.slice(0, i)).length;
}
builtin('indexof', ['string', 'string'], 'number', (a) => intNumber(runeIndex(stringArg(a, 0), stringArg(a, 1))));
builtin('indexof_n', ['string', 'string'], 'array[number]', (a) => {
  const s = stringArg(a, 0);
  const sub = stringArg(a, 1);
  const out: Value[] = [];
  if (sub === '') return out;
  let i = s.indexOf(sub);
  while (i >= 0) {
    out.push(intNumber(runes(s.slice(0, i)).length));
    i = s.indexOf(sub, i + 1);
  }
  return out;
});

builtin('strings.reverse', ['string'], 'string', (a) => runes(stringArg(a, 0)).reverse().join(''));
builtin('strings.count', ['string', 'string'], 'number', (a) => {
  const s = stringArg(a, 0);
  const sub = stringArg(a, 1);
  if (sub === '') return intNumber(runes(s).length + 1);
  return intNumber(s.split(sub).length - 1);
});

/** A string, or the strings of an array/set operand (strings.any_prefix_match / any_suffix_match). */
function stringOrList(a: readonly Value[], i: number): string[] {
  const v = a[i]!;
  if (typeof v === 'string') return [v];
  if (isArray(v) || v instanceof RegoSet) return stringsOf(a, i);
  throw operandTypeError(i + 1, v, 'string', 'set', 'array');
}
builtin('strings.any_prefix_match', ['any<string, array[string], set[string]>', 'any<string, array[string], set[string]>'], 'boolean', (a) => {
  const strs = stringOrList(a, 0);
  const prefixes = stringOrList(a, 1);
  return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
});
builtin('strings.any_suffix_match', ['any<string, array[string], set[string]>', 'any<string, array[string], set[string]>'], 'boolean', (a) => {
  const strs = stringOrList(a, 0);
  const suffixes = stringOrList(a, 1);
  return strs.some((s) => suffixes.some((p) => s.endsWith(p)));
});

builtin('format_int', ['number', 'number'], 'string', (a) => {
  const n = numberArg(a, 0);
  const base = numberArg(a, 1);
  const b = base.small;
  if (b !== 2 && b !== 8 && b !== 10 && b !== 16) throw new BuiltinError('operand 2 must be one of {2, 8, 10, 16}', true);
  // OPA truncates the number toward zero (big.Float.Int) before formatting.
  const { n: num, d } = n.exact;
  const t = num / d;
  return t.toString(b);
});

export { RegoNumber };
