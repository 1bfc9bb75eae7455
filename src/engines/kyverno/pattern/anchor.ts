/**
 * Pattern anchors (kyverno pkg/engine/anchor): `(k)` condition, `<(k)` global, `X(k)` negation,
 * `+(k)` add-if-not-present, `=(k)` equality, `^(k)` existence; parsed from a key after trimming
 * spaces with `^([+<=X^])?\((.+)\)$`.
 */
import { pathClean } from '../go/path.ts';

export type AnchorType = 'condition' | 'global' | 'negation' | 'add' | 'equality' | 'existence';

export interface Anchor {
  readonly type: AnchorType;
  readonly modifier: string;
  readonly key: string;
}

const ANCHOR_RE = /^([+<=X^])?\((.+)\)$/;
const MODIFIERS: Record<string, AnchorType> = { '': 'condition', '<': 'global', X: 'negation', '+': 'add', '=': 'equality', '^': 'existence' };

const cache = new Map<string, Anchor | null>();

export function parseAnchor(str: string): Anchor | null {
  let hit = cache.get(str);
  if (hit !== undefined) return hit;
  const m = ANCHOR_RE.exec(str.trim());
  hit = m && m[2] ? { type: MODIFIERS[m[1] ?? '']!, modifier: m[1] ?? '', key: m[2] } : null;
  if (cache.size > 50_000) cache.clear();
  cache.set(str, hit);
  return hit;
}

export function anchorString(modifier: string, key: string): string {
  return key === '' ? '' : `${modifier}(${key})`;
}

/** Anchors handled in validateMap's first phase (condition, existence, equality, negation). */
export function isPhaseOneAnchor(a: Anchor | null): boolean {
  return a !== null && (a.type === 'condition' || a.type === 'existence' || a.type === 'equality' || a.type === 'negation');
}

/** anchor.RemoveAnchorsFromPath: "/spec/=(volumes)/0/" → "/spec/volumes/0". */
export function removeAnchorsFromPath(path: string): string {
  let parts = path.split('/');
  if (parts[0] === '') parts = parts.slice(1);
  const mapped = parts.map((part) => parseAnchor(part)?.key ?? part);
  const joined = pathClean(mapped.filter((p) => p !== '').join('/'));
  return path.startsWith('/') ? '/' + (joined === '.' ? '' : joined) : joined;
}
