/**
 * Kyverno's JSON evaluation context (pkg/engine/context): one JSON document queried with
 * JMESPath, built by merging maps, with checkpoints (Checkpoint/Restore/Reset) and deferred
 * context-entry loaders that run the first time a query mentions their name.
 *
 * Data is copy-on-write (never mutated in place), so checkpoints are cheap and resources handed
 * in are never changed; Go merges into shared maps, which only differs when a values file writes
 * into request.object (then Go also mutates the resource it evaluates — same result here).
 */
import { RE2JS } from 're2js';
import { isGoError, isObject, JmesSyntaxError, NotFoundError, search, type FunctionTable, type JsonObject } from '../jmespath/index.ts';
import { kyvernoFunctions } from './jmespath-functions.ts';

/** A failed context query; `notFound` marks the fork's "Unknown key" error. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

interface DeferredLoader {
  readonly name: string;
  readonly matcher: RE2JS;
  readonly load: (ctx: JsonContext) => void;
  level: number;
  matched: boolean;
  loaded: boolean;
}

/** mergeMaps(src, dst, overwriteMaps) on immutable data: returns the merged copy of dst. */
function mergeMaps(src: JsonObject, dst: JsonObject, overwriteMaps: boolean): JsonObject {
  const out: JsonObject = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const d = out[k];
    if (isObject(v) && !overwriteMaps && isObject(d)) out[k] = mergeMaps(v, d, overwriteMaps);
    else out[k] = v;
  }
  return out;
}

function push(data: unknown, tags: readonly string[]): JsonObject {
  let v = data;
  for (let i = tags.length - 1; i >= 0; i--) v = { [tags[i]!]: v };
  return v as JsonObject;
}

/** encoding/csv with Comma='.', one record: "a.b" → [a, b]; `"x.y".z` → [x.y, z]. */
export function splitVariableKey(key: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (key[i] === '"') {
      i++;
      for (;;) {
        if (i >= key.length) throw new Error(`parse error: extraneous or missing " in quoted-field`);
        if (key[i] === '"') {
          if (key[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += key[i++];
      }
      if (i < key.length && key[i] !== '.') throw new Error(`parse error: extraneous or missing " in quoted-field`);
    } else {
      while (i < key.length && key[i] !== '.') field += key[i++];
    }
    fields.push(field);
    if (i >= key.length) break;
    i++; // skip '.'
  }
  return fields;
}

// Compiled loader matchers by entry name (null: the name is not a valid pattern); every request
// adds the `images` loader, and compiling an RE2 program is far costlier than matching with it.
const loaderMatchers = new Map<string, RE2JS | null>();

function loaderMatcher(name: string): RE2JS | null {
  let matcher = loaderMatchers.get(name);
  if (matcher === undefined) {
    try {
      // Go regexp (RE2) as upstream compiles it: the entry name is a pattern, matched in linear time
      matcher = RE2JS.compile(`(?:\\A|\\z|\\s|[^.0-9A-Za-z])${name}\\b`);
    } catch {
      matcher = null;
    }
    if (loaderMatchers.size >= 1000) loaderMatchers.clear();
    loaderMatchers.set(name, matcher);
  }
  return matcher;
}

export class JsonContext {
  private data: JsonObject = {};
  private readonly checkpoints: JsonObject[] = [];
  private loaders: DeferredLoader[] = [];
  private loadLevel = -1;
  private loadIndex = -1;
  operation = '';

  constructor(private readonly functions: FunctionTable = kyvernoFunctions) {}

  get raw(): JsonObject {
    return this.data;
  }

  /** addToContext(data, overwriteMaps, tags...). */
  add(value: unknown, overwriteMaps: boolean, ...tags: string[]): void {
    const pushed = push(value, tags);
    this.data = mergeMaps(pushed, this.data, overwriteMaps);
  }

  private clearLeaf(...tags: string[]): void {
    const clear = (node: JsonObject, i: number): JsonObject => {
      const k = tags[i]!;
      if (i === tags.length - 1) {
        if (!Object.hasOwn(node, k)) return node;
        const out = { ...node };
        delete out[k];
        return out;
      }
      const next = node[k];
      if (!isObject(next)) return node;
      return { ...node, [k]: clear(next, i + 1) };
    };
    this.data = clear(this.data, 0);
  }

  addResource(object: JsonObject | null): void {
    this.clearLeaf('request', 'object');
    this.add(object, false, 'request', 'object');
  }

  addOldResource(object: JsonObject | null): void {
    this.clearLeaf('request', 'oldObject');
    this.add(object, false, 'request', 'oldObject');
  }

  addOperation(operation: string): void {
    this.add(operation, false, 'request', 'operation');
    this.operation = operation;
  }

  /** AddVariable: a dotted key (csv-style quoting) merged into the document. */
  addVariable(key: string, value: unknown): void {
    this.add(value, false, ...splitVariableKey(key));
  }

  /** ReplaceContextEntry: the entry is replaced, not merged. */
  replaceContextEntry(name: string, value: unknown): void {
    this.add(null, false, name);
    this.add(value, false, name);
  }

  addElement(element: unknown, index: number, nesting: number, indexValue: unknown): void {
    this.add({ element, [`element${nesting}`]: element, elementIndex: indexValue, [`elementIndex${nesting}`]: indexValue }, true);
  }

  /** QueryOperation: the explicit operation, else request.operation when it is a string. */
  queryOperation(): string {
    if (this.operation !== '') return this.operation;
    const request = this.data['request'];
    if (isObject(request) && typeof request['operation'] === 'string') return request['operation'];
    return '';
  }

  addDeferredLoader(name: string, load: (ctx: JsonContext) => void): void {
    const matcher = loaderMatcher(name);
    if (matcher === null) throw new Error(`failed to create deferred loader for context entry ${name}`);
    this.loaders.push({ name, matcher, load, level: this.checkpoints.length, matched: false, loaded: false });
  }

  /** Query: load matching deferred entries, then run the JMESPath search. */
  query(query: string): unknown {
    this.loadMatching(query);
    const q = query.trim();
    if (q === '') throw new QueryError('invalid query (nil)', false);
    try {
      return search(q, this.data, this.functions);
    } catch (error) {
      if (error instanceof NotFoundError) throw new QueryError(`JMESPath query failed: ${error.message}`, true);
      if (error instanceof JmesSyntaxError) throw new QueryError(`incorrect query ${q}: ${error.message}`, false);
      if (isGoError(error)) throw new QueryError(`JMESPath query failed: ${(error as Error).message}`, false);
      throw error; // limits, unsupported features
    }
  }

  /** A JMESPath search over other data with the same functions (applyJMESPath). */
  searchData(query: string, data: unknown): unknown {
    try {
      return search(query, data, this.functions);
    } catch (error) {
      if (error instanceof NotFoundError) throw new QueryError(error.message, true);
      if (error instanceof JmesSyntaxError) throw new QueryError(`failed to compile JMESPath: ${query}, error: ${error.message}`, false);
      if (isGoError(error)) throw new QueryError((error as Error).message, false);
      throw error;
    }
  }

  checkpoint(): void {
    this.checkpoints.push(this.data);
  }

  restore(): void {
    this.reset(true);
  }

  /** Reset to the last checkpoint, keeping it. */
  resetToCheckpoint(): void {
    this.reset(false);
  }

  private reset(restore: boolean): void {
    const n = this.checkpoints.length - 1;
    if (n < 0) return;
    this.data = this.checkpoints[n]!;
    if (restore) this.checkpoints.pop();
    this.resetLoaders(restore, this.checkpoints.length);
  }

  private resetLoaders(restore: boolean, level: number): void {
    for (const l of this.loaders) l.matched = false;
    const kept: DeferredLoader[] = [];
    for (let i = 0; i < this.loaders.length; i++) {
      const l = this.loaders[i]!;
      if (l.level > level) continue;
      if (l.loaded) {
        // data loaded after the checkpoint is gone: load it again (Go reloads prior levels)
        if (restore || l.level < level) {
          try {
            this.runLoader(l, kept.length);
          } catch {
            // Go logs "failed to reload context entry" and goes on
          }
        }
        if (l.level === level) continue;
      } else if (!restore && l.level === level) {
        continue;
      }
      kept.push(l);
    }
    this.loaders = kept;
  }

  private loadMatching(query: string): void {
    const level = this.loadLevel >= 0 ? this.loadLevel : this.checkpoints.length;
    const limit = this.loadIndex >= 0 ? this.loadIndex : this.loaders.length;
    for (;;) {
      let found = -1;
      for (let i = 0; i < Math.min(limit, this.loaders.length); i++) {
        const l = this.loaders[i]!;
        if (l.matched || l.loaded) continue;
        if (l.matcher.matcher(query).find() && l.level <= level) {
          l.matched = true;
          found = i;
          break;
        }
      }
      if (found < 0) return;
      this.runLoader(this.loaders[found]!, found);
    }
  }

  private runLoader(l: DeferredLoader, index: number): void {
    const savedLevel = this.loadLevel;
    const savedIndex = this.loadIndex;
    this.loadLevel = l.level;
    this.loadIndex = index;
    try {
      l.load(this);
      l.loaded = true;
    } finally {
      this.loadLevel = savedLevel;
      this.loadIndex = savedIndex;
    }
  }
}
