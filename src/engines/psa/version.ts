// Levels and versions as kubernetes/pod-security-admission api/helpers.go parses and orders them.
import { KpcError } from '../../util/errors.ts';

export type Level = 'privileged' | 'baseline' | 'restricted';
export const LEVELS: readonly Level[] = Object.freeze(['privileged', 'baseline', 'restricted']);

/** A PSA policy version: `v<major>.<minor>` or `latest` (newer than every numbered version). */
export interface PsaVersion {
  readonly major: number;
  readonly minor: number;
  readonly latest: boolean;
  /** As Go's Version.String() prints it: `latest` or `v1.25`. */
  readonly text: string;
}

export interface LevelVersion {
  readonly level: Level;
  readonly version: PsaVersion;
}

export const LATEST: PsaVersion = Object.freeze({ major: 0, minor: 0, latest: true, text: 'latest' });

export function majorMinor(major: number, minor: number): PsaVersion {
  return Object.freeze({ major, minor, latest: false, text: `v${major}.${minor}` });
}

/** Go's `(*Version).Older`: latest is never older; everything numbered is older than latest. */
export function isOlder(a: PsaVersion, b: PsaVersion): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  if (a.major !== b.major) return a.major < b.major;
  return a.minor < b.minor;
}

export function sameVersion(a: PsaVersion, b: PsaVersion): boolean {
  return a.latest === b.latest && a.major === b.major && a.minor === b.minor;
}

export function nextMinor(v: PsaVersion): PsaVersion {
  return v.latest ? v : majorMinor(v.major, v.minor + 1);
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version.text}`;
}

export const LEVEL_ERROR = 'must be one of privileged, baseline, restricted';
export const VERSION_ERROR = 'must be "latest" or "v1.x"';

export function isLevel(value: unknown): value is Level {
  return value === 'privileged' || value === 'baseline' || value === 'restricted';
}

/** Go's ParseLevel: case-sensitive; an invalid level yields restricted plus an error. */
export function parseLevelLenient(text: string): { level: Level; error: string | null } {
  return isLevel(text) ? { level: text, error: null } : { level: 'restricted', error: LEVEL_ERROR };
}

const VERSION_PATTERN = /^v1\.([0-9]|[1-9][0-9]*)$/;
const GO_MAX_INT = 2n ** 63n - 1n;

/** Go's ParseVersion: `latest` or `v1.<n>` (no leading zeros); otherwise latest plus an error. */
export function parseVersionLenient(text: string): { version: PsaVersion; error: string | null } {
  if (text === 'latest') return { version: LATEST, error: null };
  const match = VERSION_PATTERN.exec(text);
  // strconv.Atoi fails beyond int64, and ParseVersion then falls back to latest.
  if (!match || BigInt(match[1]!) > GO_MAX_INT) return { version: LATEST, error: VERSION_ERROR };
  return { version: Object.freeze({ major: 1, minor: Number(match[1]), latest: false, text }), error: null };
}

/** Strict forms for API callers: an invalid level or version is a KpcError, never a fallback. */
export function parseLevel(text: string, field = 'level'): Level {
  if (!isLevel(text)) throw new KpcError(`invalid PodSecurity level "${text}": ${LEVEL_ERROR}`, { field });
  return text;
}

export function parseVersion(text: string | PsaVersion, field = 'version'): PsaVersion {
  if (typeof text !== 'string') return text;
  const { version, error } = parseVersionLenient(text);
  if (error) throw new KpcError(`invalid PodSecurity version "${text}": ${VERSION_ERROR}`, { field });
  return version;
}

/** `<level>[:<version>]` (version defaults to latest), as `kpc eval --psa` takes it. */
export function parseLevelVersion(text: string): LevelVersion {
  const colon = text.indexOf(':');
  const level = parseLevel(colon < 0 ? text : text.slice(0, colon));
  const version = colon < 0 ? LATEST : parseVersion(text.slice(colon + 1));
  return { level, version };
}

/** Go's CompareLevels: 1 when a is stricter than b, -1 when less strict, 0 when equal. */
export function compareLevels(a: Level, b: Level): number {
  if (a === b) return 0;
  if (a === 'privileged') return -1;
  if (a === 'restricted') return 1;
  return b === 'privileged' ? 1 : -1;
}
