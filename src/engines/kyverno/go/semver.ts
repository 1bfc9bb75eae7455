/** github.com/blang/semver/v4 Parse and Compare (strict: MAJOR.MINOR.PATCH[-pre][+build], no "v"). */

export interface SemVer {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: readonly (string | bigint)[];
}

const NUM = /^[0-9]+$/;
const ALNUM = /^[0-9A-Za-z-]+$/;
const MAX_UINT64 = (1n << 64n) - 1n;

function parseNumber(part: string): bigint | null {
  if (!NUM.test(part)) return null;
  if (part.length > 1 && part[0] === '0') return null;
  const n = BigInt(part);
  return n > MAX_UINT64 ? null : n;
}

export function parseSemver(s: string): SemVer | null {
  if (s.length === 0) return null;
  const first = s.indexOf('.');
  const second = first < 0 ? -1 : s.indexOf('.', first + 1);
  if (first < 0 || second < 0) return null;
  const major = parseNumber(s.slice(0, first));
  const minor = parseNumber(s.slice(first + 1, second));
  if (major === null || minor === null) return null;
  let rest = s.slice(second + 1);
  let build = '';
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    build = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
  }
  let preText: string | null = null;
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    preText = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
  }
  const patch = parseNumber(rest);
  if (patch === null) return null;
  const pre: (string | bigint)[] = [];
  if (preText !== null) {
    for (const p of preText.split('.')) {
      if (p === '' || !ALNUM.test(p)) return null;
      if (NUM.test(p)) {
        const n = parseNumber(p);
        if (n === null) return null;
        pre.push(n);
      } else pre.push(p);
    }
  }
  if (plus >= 0) {
    for (const b of build.split('.')) if (b === '' || !ALNUM.test(b)) return null;
  }
  return { major, minor, patch, pre };
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i]!;
    const y = b.pre[i]!;
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'bigint') return -1;
    else if (typeof y === 'bigint') return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}
