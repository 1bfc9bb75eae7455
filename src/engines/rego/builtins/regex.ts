/**
 * Regex builtins (v1/topdown/regex.go) with RE2 syntax through re2js: pattern first, unanchored
 * match, an invalid pattern is a builtin error (so the call is undefined unless strict).
 */
import { RE2JS } from 're2js';
import { spendWork } from '../../../util/budget.ts';
import { intNumber } from '../values/number.ts';
import { BuiltinError, builtin, numberArg, stringArg } from './registry.ts';
import type { Value } from '../values/value.ts';

const CACHE_MAX = 200;
const cache = new Map<string, RE2JS | Error>();

/** Compile a Go RE2 pattern (cached); throws BuiltinError with Go's message shape on a bad pattern. */
export function compileRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      re = new Error(e instanceof Error ? e.message : String(e));
    }
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  if (re instanceof Error) throw new BuiltinError(re.message);
  return re;
}

builtin('regex.match', ['string', 'string'], 'boolean', (a) => {
  const pattern = stringArg(a, 0);
  const value = stringArg(a, 1);
  return compileRe2(pattern).test(value);
});
// re_match is the deprecated name of regex.match
builtin('re_match', ['string', 'string'], 'boolean', (a) => compileRe2(stringArg(a, 0)).test(stringArg(a, 1)));

builtin('regex.is_valid', ['any'], 'boolean', ([p]) => {
  if (typeof p !== 'string') return false;
  try {
    compileRe2(p);
    return true;
  } catch {
    return false;
  }
});

builtin('regex.split', ['string', 'string'], 'array[string]', (a) => {
  const re = compileRe2(stringArg(a, 0));
  return re.split(stringArg(a, 1), -1);
});

/** All matches (up to n; n < 0 means all), as Go's FindAllString. */
function findAll(re: RE2JS, s: string, n: number): string[] {
  const out: string[] = [];
  const m = re.matcher(s);
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    if (end === start && start === prevEnd) {
      // an empty match right after the previous match is skipped (Go semantics)
      pos = start + 1;
      continue;
    }
    out.push(s.slice(start, end));
    spendWork(1); // a long input can hold millions of matches: keep the step and time limits in reach
    prevEnd = end;
    pos = end > start ? end : end + 1;
  }
  return out;
}

builtin('regex.find_n', ['string', 'string', 'number'], 'array[string]', (a) => {
  const re = compileRe2(stringArg(a, 0));
  const n = numberArg(a, 2).small ?? -1;
  return findAll(re, stringArg(a, 1), n);
});

/** Successive non-overlapping matches; an empty match abutting the previous match is skipped (Go). */
function eachMatch(re: RE2JS, s: string, n: number, cb: (m: ReturnType<RE2JS['matcher']>) => void): void {
  const m = re.matcher(s);
  let pos = 0;
  let prevEnd = -1;
  let count = 0;
  while ((n < 0 || count < n) && pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    if (end === start && start === prevEnd) {
      pos = start + 1;
      continue;
    }
    cb(m);
    spendWork(1);
    count++;
    prevEnd = end;
    pos = end > start ? end : end + 1;
  }
}

/** Go regexp.Expand: $1, ${1}, $name, ${name}, $$; a malformed $ stays literal. */
function goExpand(template: string, m: ReturnType<RE2JS['matcher']>, names: Record<string, number>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i + 1;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close > 0 ? template.slice(i + 2, close) : '';
      if (close > 0 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        end = close + 1;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (mm) {
        name = mm[0];
        end = i + 1 + name.length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    let group: number | undefined;
    if (/^\d+$/.test(name)) group = Number(name);
    else group = names[name];
    if (group !== undefined && group <= m.groupCount()) out += m.group(group) ?? '';
    i = end - 1;
  }
  return out;
}

builtin('regex.replace', ['string', 'string', 'string'], 'string', (a) => {
  const s = stringArg(a, 0);
  const re = compileRe2(stringArg(a, 1));
  const rep = stringArg(a, 2);
  const names = re.namedGroups();
  let out = '';
  let last = 0;
  eachMatch(re, s, -1, (m) => {
    out += s.slice(last, m.start()) + goExpand(rep, m, names);
    last = m.end();
  });
  return out + s.slice(last);
});

builtin('regex.find_all_string_submatch_n', ['string', 'string', 'number'], 'array[array[string]]', (a) => {
  const re = compileRe2(stringArg(a, 0));
  const s = stringArg(a, 1);
  const n = numberArg(a, 2).small ?? -1;
  const out: Value[] = [];
  const m = re.matcher(s);
  let pos = 0;
  while ((n < 0 || out.length < n) && pos <= s.length && m.find(pos)) {
    const groups: Value[] = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g) ?? '');
    out.push(groups);
    pos = m.end() > m.start() ? m.end() : m.end() + 1;
  }
  return out;
});

export { intNumber };
