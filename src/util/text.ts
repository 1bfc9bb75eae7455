/**
 * String trimming in linear time. A JS regex such as `/0+$/` or `/^ +| +$/g` is quadratic on a
 * long run of the character that is not at the end (V8 retries the run from every position), and
 * these helpers run on text from policies and resources.
 */

/** `s` without the characters of `chars` at its end (Go strings.TrimRight). */
export function trimEnd(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without the characters of `chars` at its start (Go strings.TrimLeft). */
export function trimStart(s: string, chars: string): string {
  let start = 0;
  while (start < s.length && chars.includes(s[start]!)) start++;
  return start === 0 ? s : s.slice(start);
}

/** `s` without the characters of `chars` at either end (Go strings.Trim). `chars` holds BMP characters. */
export function trimBoth(s: string, chars: string): string {
  return trimStart(trimEnd(s, chars), chars);
}
