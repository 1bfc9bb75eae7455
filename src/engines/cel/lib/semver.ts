// Kubernetes' semver library (apiserver/pkg/cel/library/semverlib.go, version 1) over a port of
// blang/semver v4's Parse and Compare.
import type { Environment } from '@marcbachmann/cel-js';
import type { CelLibrary } from '../environment.ts';
import type { CelComparable } from './equality.ts';

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[A-Za-z0-9-]*$/;
const UINT64_MAX = 2n ** 64n - 1n;

type PreRelease = { readonly numeric: true; readonly value: bigint } | { readonly numeric: false; readonly value: string };

export class SemverValue implements CelComparable {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly PreRelease[],
    readonly build: readonly string[],
  ) {}

  celEquals(other: unknown): boolean {
    return other instanceof SemverValue && this.compare(other) === 0;
  }

  /** blang/semver Version.Compare (build metadata is ignored). */
  compare(other: SemverValue): number {
    for (const [a, b] of [[this.major, other.major], [this.minor, other.minor], [this.patch, other.patch]] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    if (this.pre.length === 0 && other.pre.length === 0) return 0;
    if (this.pre.length === 0) return 1;
    if (other.pre.length === 0) return -1;
    for (let i = 0; i < Math.min(this.pre.length, other.pre.length); i++) {
      const a = this.pre[i]!;
      const b = other.pre[i]!;
      if (a.numeric && b.numeric) {
        if (a.value !== b.value) return a.value < b.value ? -1 : 1;
      } else if (a.numeric !== b.numeric) {
        return a.numeric ? -1 : 1;
      } else if (a.value !== b.value) {
        return a.value < b.value ? -1 : 1;
      }
    }
    return this.pre.length === other.pre.length ? 0 : this.pre.length < other.pre.length ? -1 : 1;
  }
}

function parseUint(text: string): bigint {
  if (!/^[0-9]+$/.test(text) || BigInt(text) > UINT64_MAX) {
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(text)}: ${text === '' || !/^[0-9]+$/.test(text) ? 'invalid syntax' : 'value out of range'}`);
  }
  return BigInt(text);
}

const hasLeadingZeroes = (s: string) => s.length > 1 && s[0] === '0';

function number(text: string, what: string): bigint {
  if (!NUMBERS.test(text)) throw new Error(`Invalid character(s) found in ${what} number ${JSON.stringify(text)}`);
  if (hasLeadingZeroes(text)) throw new Error(`${what[0]!.toUpperCase()}${what.slice(1)} number must not contain leading zeroes ${JSON.stringify(text)}`);
  return parseUint(text);
}

/** blang/semver v4 Parse. */
export function parseSemver(s: string): SemverValue {
  if (s.length === 0) throw new Error('Version string empty');
  const parts = splitN(s, '.', 3);
  if (parts.length !== 3) throw new Error('No Major.Minor.Patch elements found');
  const major = number(parts[0]!, 'major');
  const minor = number(parts[1]!, 'minor');
  let patchText = parts[2]!;
  let build: string[] = [];
  let prerelease: string[] = [];
  const plus = patchText.indexOf('+');
  if (plus !== -1) {
    build = patchText.slice(plus + 1).split('.');
    patchText = patchText.slice(0, plus);
  }
  const dash = patchText.indexOf('-');
  if (dash !== -1) {
    prerelease = patchText.slice(dash + 1).split('.');
    patchText = patchText.slice(0, dash);
  }
  const patch = number(patchText, 'patch');
  const pre = prerelease.map((text): PreRelease => {
    if (text.length === 0) throw new Error('Prerelease is empty');
    if (NUMBERS.test(text)) {
      if (hasLeadingZeroes(text)) throw new Error(`Numeric PreRelease version must not contain leading zeroes ${JSON.stringify(text)}`);
      return { numeric: true, value: parseUint(text) };
    }
    if (ALPHANUM.test(text)) return { numeric: false, value: text };
    throw new Error(`Invalid character(s) found in prerelease ${JSON.stringify(text)}`);
  });
  for (const meta of build) {
    if (meta.length === 0) throw new Error('Build meta data is empty');
    if (!ALPHANUM.test(meta)) throw new Error(`Invalid character(s) found in build meta data ${JSON.stringify(meta)}`);
  }
  return new SemverValue(major, minor, patch, pre, build);
}

/** semverlib.go normalizeAndParse: drop a "v" prefix and leading zeros, fill in minor/patch. */
export function normalizeAndParseSemver(input: string): SemverValue {
  const s = input.startsWith('v') ? input.slice(1) : input;
  const parts = splitN(s, '.', 3).map((p) => {
    if (p.length <= 1) return p;
    const trimmed = p.replace(/^0+/, '');
    return trimmed.length === 0 || !/[0-9]/.test(trimmed[0]!) ? `0${trimmed}` : trimmed;
  });
  if (parts.length < 3) {
    if (/[+-]/.test(parts[parts.length - 1]!)) throw new Error('short version cannot contain PreRelease/Build meta data');
    while (parts.length < 3) parts.push('0');
  }
  return parseSemver(parts.join('.'));
}

function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function succeeds(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

const SEMVER = 'kubernetes.Semver';

export const semverLibrary: CelLibrary = {
  name: 'kubernetes.Semver (version 1)',
  install(env: Environment) {
    env.registerType(SEMVER, SemverValue);
    env.registerFunction(`semver(string): ${SEMVER}`, (s: string) => parseSemver(s));
    env.registerFunction(`semver(string, bool): ${SEMVER}`, (s: string, normalize: boolean) => (normalize ? normalizeAndParseSemver(s) : parseSemver(s)));
    env.registerFunction('isSemver(string): bool', (s: string) => succeeds(() => parseSemver(s)));
    env.registerFunction('isSemver(string, bool): bool', (s: string, normalize: boolean) =>
      succeeds(() => (normalize ? normalizeAndParseSemver(s) : parseSemver(s))),
    );
    env.registerFunction(`${SEMVER}.isGreaterThan(${SEMVER}): bool`, (a: SemverValue, b: SemverValue) => a.compare(b) === 1);
    env.registerFunction(`${SEMVER}.isLessThan(${SEMVER}): bool`, (a: SemverValue, b: SemverValue) => a.compare(b) === -1);
    env.registerFunction(`${SEMVER}.compareTo(${SEMVER}): int`, (a: SemverValue, b: SemverValue) => BigInt(a.compare(b)));
    env.registerFunction(`${SEMVER}.major(): int`, (v: SemverValue) => v.major);
    env.registerFunction(`${SEMVER}.minor(): int`, (v: SemverValue) => v.minor);
    env.registerFunction(`${SEMVER}.patch(): int`, (v: SemverValue) => v.patch);
    env.registerOperator(`${SEMVER} == ${SEMVER}`, (a: SemverValue, b: SemverValue) => a.celEquals(b));
  },
};
