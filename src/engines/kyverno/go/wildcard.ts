/**
 * github.com/IGLOU-EU/go-wildcard v1.0.3 Match, wrapped by kyverno ext/wildcard: `*` is any run of
 * runes (including empty and `/`), `?` is exactly one rune, no character classes, case-sensitive;
 * an empty pattern matches only the empty string.
 *
 * Upstream recurses on every `*` (exponential on adversarial input); this is the equivalent
 * greedy matcher with single-star backtracking, which accepts exactly the same language in
 * linear-ish time.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern === '*') return true;
  // no `*` or `?`: rune by rune equality is string equality
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const p = toRunes(pattern);
  const s = toRunes(name);
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === 0x3f || (p[pi] !== 0x2a && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === 0x2a) {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === 0x2a) pi++;
  return pi === p.length;
}

export function containsWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/** ext/wildcard CheckPatterns: any name matches any pattern. */
export function checkPatterns(patterns: readonly string[], ...names: string[]): boolean {
  return names.some((name) => patterns.some((pattern) => wildcardMatch(pattern, name)));
}

function toRunes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}
