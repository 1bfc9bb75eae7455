/**
 * The pattern tree walk (kyverno pkg/engine/validate/validate.go, utils.go, pkg/engine/anchor
 * handlers.go, anchormap.go): maps in two phases (anchors ascending, then nested-anchor/global
 * keys descending and plain keys ascending), arrays by their first pattern element, scalars via
 * pattern.Validate, and the error kinds that decide pass / skip / fail / error.
 */
import { spendWork } from '../../../util/budget.ts';
import { isObject } from '../../jmespath/index.ts';
import { goCompareStrings } from '../../jmespath/strconv.ts';
import { goSprint, goTypeName } from '../go/fmt.ts';
import { isPhaseOneAnchor, parseAnchor } from './anchor.ts';
import { validateScalar } from './scalar.ts';
import { expandInMetadata } from './wildcards.ts';

type AnchorErrorKind = 'condition' | 'global' | 'negation';

const ANCHOR_ERROR_PREFIX: Record<AnchorErrorKind, string> = {
  negation: 'negation anchor matched in resource',
  condition: 'conditional anchor mismatch',
  global: 'global anchor mismatch',
};

/** An Error without a stack trace: mismatches are ordinary results of the walk, made per element. */
function quietError(message: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error(message);
  Error.stackTraceLimit = limit;
  return error;
}

/** anchor.validateAnchorError. */
export class AnchorError extends Error {
  readonly kind: AnchorErrorKind;
  constructor(kind: AnchorErrorKind, msg: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${ANCHOR_ERROR_PREFIX[kind]}: ${msg}`);
    Error.stackTraceLimit = limit;
    this.kind = kind;
  }
}

/** validate.PatternError: what MatchPattern returns (and what skipping maps bubble up). */
/** A pattern mismatch (control flow on every failing element, so without a stack trace). */
export class PatternError extends Error {
  readonly err: Error | null;
  readonly path: string;
  readonly skip: boolean;
  constructor(err: Error | null, path: string, skip: boolean) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(err ? err.message : '');
    Error.stackTraceLimit = limit;
    this.err = err;
    this.path = path;
    this.skip = skip;
  }
}

// Kyverno classifies by type, or — for errors that lost their type — by message text.
function isAnchorErrorOf(err: Error, kind: AnchorErrorKind): boolean {
  if (err instanceof AnchorError) return err.kind === kind;
  return err.message.includes(ANCHOR_ERROR_PREFIX[kind]);
}

const isSkip = (err: Error): boolean => isAnchorErrorOf(err, 'condition') || isAnchorErrorOf(err, 'global');
const isFail = (err: Error): boolean => isAnchorErrorOf(err, 'negation');

/** multierr.Combine message: the messages joined by "; ". */
function combine(errors: Error[]): Error {
  return errors.length === 1 ? errors[0]! : quietError(errors.map((e) => e.message).join('; '));
}

/** Tracks, for condition/existence/negation anchor keys, whether the key was ever present. */
class AnchorMap {
  private readonly seen = new Map<string, boolean>();

  check(pattern: Record<string, unknown>, resource: Record<string, unknown>): void {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if (a && (a.type === 'condition' || a.type === 'existence' || a.type === 'negation')) {
        if (this.seen.get(key) === true) continue;
        if (!this.seen.has(key)) this.seen.set(key, false);
        if (Object.hasOwn(resource, a.key)) this.seen.set(key, true);
      }
    }
  }

  keysAreMissing(): boolean {
    for (const [key, present] of this.seen) {
      if (!present && parseAnchor(key)?.type !== 'negation') return true;
    }
    return false;
  }
}

type Result = { path: string; err: Error | null };
const OK: Result = { path: '', err: null };

/** Bound on pattern nesting; deeper input ends in an error, never a stack overflow. */
const MAX_DEPTH = 256;

/** validate.MatchPattern: null when the resource matches, else a PatternError. */
export function matchPattern(resource: unknown, pattern: unknown): PatternError | null {
  const ac = new AnchorMap();
  const { path, err } = validateElement(resource, pattern, '/', ac, 0);
  if (!err) return null;
  if (isSkip(err)) return new PatternError(err, '', true);
  if (isFail(err)) return new PatternError(err, path, false);
  if (ac.keysAreMissing()) return new PatternError(err, '', false);
  return new PatternError(err, path, false);
}

function validateElement(resource: unknown, pattern: unknown, path: string, ac: AnchorMap, depth: number): Result {
  spendWork(1);
  if (depth > MAX_DEPTH) return { path, err: quietError(`pattern nested more than ${MAX_DEPTH} levels at ${path}`) };
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return { path, err: quietError(`pattern and resource have different structures. Path: ${path}. Expected ${goTypeName(pattern)}, found ${goTypeName(resource)}`) };
    }
    ac.check(pattern, resource);
    return validateMap(resource, pattern, path, ac, depth);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return { path, err: quietError(`validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`) };
    }
    return validateArray(resource, pattern, path, ac, depth);
  }
  if (pattern === null || pattern === undefined || typeof pattern === 'string' || typeof pattern === 'number' || typeof pattern === 'boolean' || typeof pattern === 'object') {
    if (Array.isArray(resource)) {
      for (const element of resource) {
        if (!validateScalar(element, pattern)) {
          return { path, err: quietError(`resource value '${goSprint(resource)}' does not match '${goSprint(pattern)}' at path ${path}`) };
        }
      }
      return OK;
    }
    if (!validateScalar(resource, pattern)) {
      return { path, err: quietError(`resource value '${goSprint(resource)}' does not match '${goSprint(pattern)}' at path ${path}`) };
    }
    return OK;
  }
  return { path, err: quietError(`failed at '${path}', pattern contains unknown type`) };
}

function validateMap(resource: Record<string, unknown>, patternIn: Record<string, unknown>, path: string, ac: AnchorMap, depth: number): Result {
  const pattern = expandInMetadata(patternIn, resource);
  const anchorKeys: string[] = [];
  const plainKeys: string[] = [];
  for (const key of Object.keys(pattern)) (isPhaseOneAnchor(parseAnchor(key)) ? anchorKeys : plainKeys).push(key);
  anchorKeys.sort(goCompareStrings);

  const skipErrors: Error[] = [];
  let applyCount = 0;
  for (const key of anchorKeys) {
    const { path: handlerPath, err } = handle(key, pattern[key], resource, path, ac, depth);
    if (err) {
      if (isSkip(err)) {
        skipErrors.push(err);
        continue;
      }
      // a failed condition in this map masks later anchor failures
      if (!hasHandlerSkip(skipErrors)) return { path: handlerPath, err };
      continue;
    }
    applyCount++;
  }
  if (skipErrors.length > 0 && (applyCount === 0 || hasHandlerSkip(skipErrors))) {
    return { path, err: new PatternError(combine(skipErrors), path, true) };
  }

  for (const key of sortedPlainKeys(plainKeys, pattern)) {
    const result = handle(key, pattern[key], resource, path, ac, depth);
    if (result.err) return result;
  }
  return OK;
}

// (a module function, not a closure per map: tsx's keepNames makes each closure a defineProperty)
function hasHandlerSkip(skipErrors: readonly Error[]): boolean {
  return skipErrors.some((e) => !(e instanceof PatternError));
}

/** getSortedNestedAnchorResource: keys with nested anchors or global anchors first (descending), then the rest ascending. */
function sortedPlainKeys(keys: string[], pattern: Record<string, unknown>): string[] {
  const front: string[] = [];
  const back: string[] = [];
  for (const k of [...keys].sort(goCompareStrings)) {
    if (parseAnchor(k)?.type === 'global' || hasNestedAnchors(pattern[k])) front.unshift(k);
    else back.push(k);
  }
  return [...front, ...back];
}

function hasNestedAnchors(root: unknown): boolean {
  // iterative: patterns may be nested beyond what recursion allows
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const pattern = stack.pop();
    if (isObject(pattern)) {
      for (const key of Object.keys(pattern)) {
        const a = parseAnchor(key);
        if (a && a.type !== 'add') return true;
      }
      stack.push(...Object.values(pattern));
    } else if (Array.isArray(pattern)) {
      stack.push(...pattern);
    }
  }
  return false;
}

function validateArray(resource: unknown[], pattern: unknown[], path: string, ac: AnchorMap, depth: number): Result {
  if (pattern.length === 0) return { path, err: quietError('pattern Array empty') };
  const first = pattern[0];
  if (isObject(first)) return validateArrayOfMaps(resource, first, path, ac, depth);
  if (!Array.isArray(first)) {
    const r = validateElement(resource, first, path, ac, depth + 1);
    return r.err ? r : OK;
  }
  // arrays of arrays are positional
  if (resource.length < pattern.length) {
    return { path: '', err: quietError(`validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`) };
  }
  return validateEach(pattern.length, (i) => validateElement(resource[i], pattern[i], `${path}${i}/`, ac, depth + 1), path);
}

function validateArrayOfMaps(resource: unknown[], pattern: Record<string, unknown>, path: string, ac: AnchorMap, depth: number): Result {
  return validateEach(resource.length, (i) => validateElement(resource[i], pattern, `${path}${i}/`, ac, depth + 1), path);
}

/** The first failure of elements 0…count-1; when every element was skipped (by a condition anchor), a skip. */
function validateEach(count: number, validateAt: (index: number) => Result, path: string): Result {
  let applyCount = 0;
  const skipErrors: Error[] = [];
  for (let i = 0; i < count; i++) {
    const r = validateAt(i);
    if (r.err) {
      if (isSkip(r.err)) {
        skipErrors.push(r.err);
        continue;
      }
      return r;
    }
    applyCount++;
  }
  if (applyCount === 0 && skipErrors.length > 0) return { path, err: new PatternError(combine(skipErrors), path, true) };
  return OK;
}

/** anchor.CreateElementHandler(...).Handle. */
function handle(element: string, pattern: unknown, resource: Record<string, unknown>, path: string, ac: AnchorMap, depth: number): Result {
  const anchor = parseAnchor(element);
  const next = depth + 1;
  if (anchor && anchor.type !== 'add') {
    const key = anchor.key;
    const currentPath = `${path}${key}/`;
    const present = Object.hasOwn(resource, key);
    switch (anchor.type) {
      case 'condition': {
        if (!present) return { path: currentPath, err: new AnchorError('condition', "conditional anchor key doesn't exist in the resource") };
        const r = validateElement(resource[key], pattern, currentPath, ac, next);
        return r.err ? { path: r.path, err: new AnchorError('condition', r.err.message) } : OK;
      }
      case 'global': {
        if (!present) return OK;
        const r = validateElement(resource[key], pattern, currentPath, ac, next);
        return r.err ? { path: r.path, err: new AnchorError('global', r.err.message) } : OK;
      }
      case 'negation':
        return present ? { path: currentPath, err: new AnchorError('negation', `${currentPath} is not allowed`) } : OK;
      case 'equality': {
        if (!present) return OK;
        const r = validateElement(resource[key], pattern, currentPath, ac, next);
        return r.err ? r : OK;
      }
      case 'existence':
        return present ? handleExistence(resource[key], pattern, currentPath, ac, next) : OK;
    }
  }
  // default handler: `+(k)` is not an anchor here and is looked up literally
  const currentPath = `${path}${element}/`;
  const value = Object.hasOwn(resource, element) ? resource[element] : undefined;
  if (pattern === '*') {
    if (value !== null && value !== undefined) return OK;
    return { path, err: quietError(`${path}/${element} not found`) };
  }
  const r = validateElement(value, pattern, currentPath, ac, next);
  return r.err ? r : OK;
}

function handleExistence(value: unknown, pattern: unknown, currentPath: string, ac: AnchorMap, depth: number): Result {
  if (!Array.isArray(value)) {
    return { path: currentPath, err: quietError(`invalid resource type ${goTypeName(value)}: Existence ^ () anchor can be used only on list/array type resource`) };
  }
  if (!Array.isArray(pattern)) {
    return { path: currentPath, err: quietError(`invalid pattern type ${goTypeName(pattern)}: Pattern has to be of list to compare against resource`) };
  }
  let result: Result = OK;
  for (const patternMap of pattern) {
    if (!isObject(patternMap)) {
      return { path: currentPath, err: quietError(`invalid pattern type ${goTypeName(pattern)}: Pattern has to be of type map to compare against items in resource`) };
    }
    result = existsInList(value, patternMap, currentPath, ac, depth);
    if (result.err) return result;
  }
  return result;
}

function existsInList(list: unknown[], pattern: Record<string, unknown>, path: string, ac: AnchorMap, depth: number): Result {
  for (let i = 0; i < list.length; i++) {
    if (!validateElement(list[i], pattern, `${path}${i}/`, ac, depth + 1).err) return OK;
  }
  return { path, err: quietError(`existence anchor validation failed at path ${path}`) };
}
