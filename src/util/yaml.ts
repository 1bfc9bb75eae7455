import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseAllDocuments, type ParseOptions, type DocumentOptions, type SchemaOptions } from 'yaml';
import { KpcError } from './errors.ts';
import { parseFast } from './fast-yaml.ts';

/** Files above this size are refused with a clear error rather than read into memory. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Documents nested deeper than this are refused: the engines walk values recursively, and
 * JavaScript's stack gives out long before Kubernetes' decoders stop (10000 levels). Real
 * manifests, CRD schemas included, stay under a few dozen.
 */
export const MAX_NESTING_DEPTH = 500;

export interface YamlDocument {
  /** The document as plain JSON-like data (null for an empty document). */
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** 0-based position of the document in its file or stream. */
  readonly index: number;
}

export interface ParseYamlOptions {
  /** Integers as BigInt (what CEL needs); default: JS numbers. */
  readonly intAsBigInt?: boolean;
}

// Kubernetes reads manifests with sigs.k8s.io/yaml (go-yaml v2): YAML 1.1 booleans (yes/no/on/off),
// but timestamps and base-60 numbers stay strings when decoded into interface{}.
const GO_YAML_UNRESOLVED = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);

function yamlOptions(options: ParseYamlOptions): ParseOptions & DocumentOptions & SchemaOptions {
  return {
    version: '1.1',
    intAsBigInt: options.intAsBigInt ?? false,
    merge: true,
    customTags: (tags) =>
      tags.filter((tag) => {
        if (typeof tag !== 'object') return true;
        if (GO_YAML_UNRESOLVED.has(tag.tag)) return false;
        return !(tag.format === 'TIME'); // sexagesimal ints/floats
      }),
  };
}

/**
 * Every document of a YAML (or JSON) text, with its line. A syntax error is a KpcError with
 * file:line:col. Empty documents (`---` alone) are returned with value null.
 * A single-document text in the common manifest subset takes the fast reader (same result).
 */
export function parseYamlDocuments(text: string, file: string, options: ParseYamlOptions = {}): YamlDocument[] {
  if (!options.intAsBigInt && !DOCUMENT_MARKER.test(text)) {
    const fast = parseFast(text);
    const value = fast?.value;
    if (typeof value === 'object' && value !== null && !nestingExceeds(value, MAX_NESTING_DEPTH)) return [{ value, line: fast!.line, index: 0 }];
  }
  return parseYamlDocumentsFully(text, file, options);
}

/** A line that starts or ends a document (`---`, `...`) or a directive (`%YAML`): several documents. */
const DOCUMENT_MARKER = /^(---|\.\.\.|%)/m;

/** parseYamlDocuments with the full `yaml` parser only. */
export function parseYamlDocumentsFully(text: string, file: string, options: ParseYamlOptions = {}): YamlDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...yamlOptions(options), lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const result: YamlDocument[] = [];
  for (const [index, doc] of list.entries()) {
    const error = doc.errors[0];
    if (error) {
      const pos = lineCounter.linePos(error.pos[0]);
      // the parser recurses per nesting level; its stack overflow is reported as a YAML error
      const message = /Maximum call stack size exceeded/.test(error.message) ? tooDeep() : `malformed YAML: ${firstLine(error.message)}`;
      throw new KpcError(message, { file, line: pos.line, column: pos.col });
    }
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) ?? null;
    } catch (e) {
      if (e instanceof RangeError) throw new KpcError(tooDeep(), { file, line });
      throw new KpcError(`malformed YAML: ${firstLine(e instanceof Error ? e.message : String(e))}`, { file, line });
    }
    if (nestingExceeds(value, MAX_NESTING_DEPTH)) throw new KpcError(tooDeep(), { file, line });
    result.push({ value, line, index });
  }
  return result;
}

/** The message for a document past MAX_NESTING_DEPTH (also for a parser's stack overflow). */
export function tooDeep(): string {
  return `document nested too deeply (the limit is ${MAX_NESTING_DEPTH} levels)`;
}

/**
 * Whether lists and maps (or objects) nest more than `limit` levels. Level by level: no recursion,
 * and a value shared through aliases is visited once per level.
 */
export function nestingExceeds(value: unknown, limit: number = MAX_NESTING_DEPTH): boolean {
  let level: object[] = typeof value === 'object' && value !== null ? [value] : [];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > limit) return true;
    const next = new Set<object>();
    for (const node of level) {
      for (const child of Array.isArray(node) ? node : Object.values(node)) {
        if (typeof child === 'object' && child !== null) next.add(child);
      }
    }
    level = [...next];
  }
  return false;
}

/** Decode bytes as strict UTF-8: invalid sequences are an error naming the file and byte offset. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new KpcError('invalid UTF-8', { file });
  }
}

/** Read a file's text, refusing directories, oversized files and invalid UTF-8 with a clear error. */
export function readTextFile(file: string, maxBytes: number = MAX_INPUT_BYTES): string {
  let size: number;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) throw new KpcError('is a directory, expected a file', { file });
    size = stats.size;
  } catch (error) {
    if (error instanceof KpcError) throw error;
    throw new KpcError('no such file', { file });
  }
  if (size > maxBytes) {
    throw new KpcError(`file is too large (${size} bytes; the limit is ${maxBytes} bytes)`, { file });
  }
  return decodeUtf8(readFileSync(file), file);
}

/** All documents of a YAML/JSON file; see parseYamlDocuments. */
export function readYamlFile(file: string, options: ParseYamlOptions = {}): YamlDocument[] {
  return parseYamlDocuments(readTextFile(file), file, options);
}

/** The documents of a file that are objects; anything else (a list, a scalar) is a KpcError. */
export function readYamlObjects(file: string, options: ParseYamlOptions = {}): (YamlDocument & { value: Record<string, unknown> })[] {
  const out: (YamlDocument & { value: Record<string, unknown> })[] = [];
  for (const doc of readYamlFile(file, options)) {
    if (doc.value === null) continue; // empty document between separators
    if (!isPlainObject(doc.value)) {
      throw new KpcError(`document ${doc.index + 1} is not an object (found ${describeType(doc.value)})`, { file, line: doc.line });
    }
    out.push(doc as YamlDocument & { value: Record<string, unknown> });
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
