// RE2 regular expressions, as cel-go's `matches` and Kubernetes' `find`/`findAll` use them (Go's
// regexp package). re2js is a port of Go's regexp: same syntax (inline flags such as `(?i)`), the
// same rejections (lookaround, backreferences) with Go's error texts, and linear-time matching, so a
// hostile pattern cannot backtrack for ever.
import { RE2JS } from 're2js';
import { tickCurrentMeter } from './cost.ts';

/** Compiled patterns kept at most; the cache is cleared when it grows past this. */
const CACHE_LIMIT = 2000;
const cache = new Map<string, RE2JS | Error>();

/** The compiled pattern; throws Error with Go's message (`error parsing regexp: …`) when invalid. */
export function compileRegex(pattern: string): RE2JS {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    try {
      entry = RE2JS.compile(pattern);
    } catch (error) {
      entry = new Error(error instanceof Error ? error.message : String(error));
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

/** The error message for an invalid pattern, or null when it compiles. */
export function regexError(pattern: string): string | null {
  try {
    compileRegex(pattern);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Go's `regexp.MatchString`: does the pattern match anywhere in the string. */
export function regexMatches(input: string, pattern: string): boolean {
  return compileRegex(pattern).test(input);
}

/** Go's `FindString`: the leftmost match, or "" when there is none. */
export function regexFind(input: string, pattern: string): string {
  const matcher = compileRegex(pattern).matcher(input);
  return matcher.find() ? (matcher.group() ?? '') : '';
}

/** Go's `FindAllString(s, n)`: successive non-overlapping matches; n < 0 means all. */
export function regexFindAll(input: string, pattern: string, limit: number): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const matcher = compileRegex(pattern).matcher(input);
  while ((limit < 0 || out.length < limit) && matcher.find()) {
    out.push(matcher.group() ?? '');
    tickCurrentMeter(); // a million matches is one call here: keep the deadline in reach
  }
  return out;
}
