/**
 * OPA's value model (v1/ast/term.go, compare.go). A Rego value is one of:
 *   null | boolean | string | RegoNumber | Value[] (array) | RegoObject | RegoSet
 * JS `undefined` is Rego's "undefined" and never a member of a value. Values are immutable once built.
 */
import { spendWork } from '../../../util/budget.ts';
import { compareNumbers, RegoNumber } from './number.ts';

export type Value = null | boolean | string | RegoNumber | readonly Value[] | RegoObject | RegoSet;

/** Keyed by `keyOf(key)`; iteration in OPA's sorted order is `sortedEntries()`. */
export class RegoObject {
  readonly map: Map<string, readonly [Value, Value]>;
  private sorted: (readonly [Value, Value])[] | undefined;
  private keyCache: string | undefined;

  constructor(map?: Map<string, readonly [Value, Value]>) {
    this.map = map ?? new Map();
  }

  static fromEntries(entries: Iterable<readonly [Value, Value]>): RegoObject {
    const map = new Map<string, readonly [Value, Value]>();
    for (const e of entries) map.set(keyOf(e[0]), e);
    return new RegoObject(map);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: Value): Value | undefined {
    return this.map.get(keyOf(key))?.[1];
  }

  getString(key: string): Value | undefined {
    return this.map.get('"' + key)?.[1];
  }

  sortedEntries(): readonly (readonly [Value, Value])[] {
    if (!this.sorted) this.sorted = [...this.map.values()].sort((a, b) => compareValues(a[0], b[0]));
    return this.sorted;
  }

  /** Structural identity (memoised). */
  identity(): string {
    if (this.keyCache === undefined) {
      spendWork(1 + this.map.size);
      this.keyCache = '{' + this.sortedEntries().map(([k, v]) => nestedKey(k) + ':' + nestedKey(v)).join(',') + '}';
    }
    return this.keyCache;
  }
}

export class RegoSet {
  readonly map: Map<string, Value>;
  private sorted: Value[] | undefined;
  private keyCache: string | undefined;

  constructor(map?: Map<string, Value>) {
    this.map = map ?? new Map();
  }

  static of(values: Iterable<Value>): RegoSet {
    const map = new Map<string, Value>();
    for (const v of values) map.set(keyOf(v), v);
    return new RegoSet(map);
  }

  get size(): number {
    return this.map.size;
  }

  has(v: Value): boolean {
    return this.map.has(keyOf(v));
  }

  sortedValues(): readonly Value[] {
    if (!this.sorted) this.sorted = [...this.map.values()].sort(compareValues);
    return this.sorted;
  }

  identity(): string {
    if (this.keyCache === undefined) {
      spendWork(1 + this.map.size);
      this.keyCache = '<' + this.sortedValues().map(nestedKey).join(',') + '>';
    }
    return this.keyCache;
  }
}

export const EMPTY_OBJECT = new RegoObject();
export const EMPTY_SET = new RegoSet();

/** Hash key: equal values (by ast.Compare) have equal keys; strings get a cheap prefix form. */
export function keyOf(v: Value): string {
  if (typeof v === 'string') return '"' + v;
  return nestedKey(v);
}

function nestedKey(v: Value): string {
  if (v === null) return 'N';
  if (v === true) return 'T';
  if (v === false) return 'F';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RegoNumber) return '#' + v.key();
  // Traversals of nested values charge the evaluation's work budget by the elements they visit (a
  // value may share a large sub-value many times over: its size is not bounded by the steps that
  // built it).
  if (v instanceof RegoObject || v instanceof RegoSet) return v.identity();
  spendWork(1 + (v as readonly Value[]).length);
  return '[' + (v as readonly Value[]).map(nestedKey).join(',') + ']';
}

export function isArray(v: Value | undefined): v is readonly Value[] {
  return Array.isArray(v);
}

/** ast.Compare sort order of types: null < boolean < number < string < (var, ref) < array < object < set. */
function typeRank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (v instanceof RegoNumber) return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 6;
  if (v instanceof RegoObject) return 7;
  return 8;
}

/** Go compares strings bytewise (UTF-8), i.e. by code point; JS `<` compares UTF-16 units. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs === ys) return x < y ? -1 : 1;
      // A surrogate (astral code point) sorts above any BMP code unit outside the surrogate range.
      if (xs) return y >= 0xe000 ? 1 : x < y ? -1 : 1;
      return x >= 0xe000 ? -1 : x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a === false ? -1 : 1;
    case 2:
      return compareNumbers(a as RegoNumber, b as RegoNumber);
    case 3:
      return compareStrings(a as string, b as string);
    case 6: {
      const x = a as readonly Value[];
      const y = b as readonly Value[];
      const n = Math.min(x.length, y.length);
      spendWork(1 + n);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    case 7: {
      const x = (a as RegoObject).sortedEntries();
      const y = (b as RegoObject).sortedEntries();
      const n = Math.min(x.length, y.length);
      spendWork(1 + n);
      for (let i = 0; i < n; i++) {
        const kc = compareValues(x[i]![0], y[i]![0]);
        if (kc !== 0) return kc;
        const vc = compareValues(x[i]![1], y[i]![1]);
        if (vc !== 0) return vc;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    default: {
      const x = (a as RegoSet).sortedValues();
      const y = (b as RegoSet).sortedValues();
      const n = Math.min(x.length, y.length);
      spendWork(1 + n);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
  }
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (a instanceof RegoNumber && b instanceof RegoNumber) return compareNumbers(a, b) === 0;
  return compareValues(a, b) === 0;
}

/** OPA's type names as used in error messages (ast.ValueName / TypeName). */
export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof RegoNumber) return 'number';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RegoObject) return 'object';
  return 'set';
}

// ---------------------------------------------------------------------------------------------
// Rego literal text (Term.String()): used by sprintf %v and error messages.

/** Go strconv.Quote: ASCII-printable stays, \a\b\f\n\r\t\v\\\" escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c === 0xfffd && ch !== '\ufffd') {
      out += '\\ufffd';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd'; // a lone surrogate is not valid UTF-8; Go sees U+FFFD's bytes
    } else if (isGoPrintable(c)) {
      out += ch;
    } else if (c < 0x80) {
      out += '\\x' + c.toString(16).padStart(2, '0');
    } else if (c < 0x10000) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else {
      out += '\\U' + c.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}

const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrintable(c: number): boolean {
  if (c >= 0x20 && c < 0x7f) return true;
  if (c < 0x20 || c === 0x7f) return false;
  return !NON_PRINTABLE.test(String.fromCodePoint(c));
}

export function valueToString(v: Value): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') {
    spendWork(1 + (v.length >>> 6));
    return goQuote(v);
  }
  if (v instanceof RegoNumber) return v.text;
  spendWork(1 + (Array.isArray(v) ? v.length : (v as RegoObject | RegoSet).size));
  if (Array.isArray(v)) return '[' + (v as readonly Value[]).map(valueToString).join(', ') + ']';
  if (v instanceof RegoObject) {
    return '{' + v.sortedEntries().map(([k, x]) => valueToString(k) + ': ' + valueToString(x)).join(', ') + '}';
  }
  const s = v as RegoSet;
  if (s.size === 0) return 'set()';
  return '{' + s.sortedValues().map(valueToString).join(', ') + '}';
}
