// The small Go formatting helpers PSA's messages are built from (policy/helpers.go, fmt %q,
// sets.List ordering), so message text matches byte for byte.

/** PSA's joinQuote: each item in double quotes, joined by `", "`; empty for no items. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/**
 * Go's string order (UTF-8 bytes, i.e. code points). JS compares UTF-16 code units, which
 * differs only between surrogates and U+E000–U+FFFF; shift those so the order matches.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** sets.NewString(...).List(): distinct values in Go string order. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Go's `%q` of a string (strconv.Quote): printable runes kept, others escaped. */
export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    const cp = char.codePointAt(0)!;
    if (char === '"' || char === '\\') {
      out += '\\' + char;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd'; // Go's JSON decoder turns a lone surrogate into U+FFFD, which is printable
    } else if (PRINTABLE.test(char)) {
      out += char;
    } else if (SHORT_ESCAPES[cp] !== undefined) {
      out += SHORT_ESCAPES[cp];
    } else if (cp < 0x20 || cp === 0x7f) {
      out += '\\x' + cp.toString(16).padStart(2, '0');
    } else if (cp < 0x10000) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else {
      out += '\\U' + cp.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}
