import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { describeError, KpcError } from '../util/errors.ts';
import { MAX_INPUT_BYTES, parseYamlDocuments } from '../util/yaml.ts';
import { parseFast } from '../util/fast-yaml.ts';

/**
 * The documents of a manifests file or stream, one at a time. Text is split into documents at
 * `---` lines, as kubectl's YAML reader does (k8s.io/apimachinery util/yaml YAMLReader), so a
 * malformed document is reported alone and the documents around it are still read. Each document
 * is read by the fast reader when it can, else by the full parser (same values either way).
 */

/** One document's objects (a `*List` expanded into its items), or why it could not be read. */
export type DocumentObjects =
  | { readonly ok: true; readonly objects: readonly SourceObject[] }
  | { readonly ok: false; readonly line: number; readonly column?: number; readonly message: string };

export interface SourceObject {
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Lists nest at most this deep (a List of Lists…); deeper is reported as bad input. */
const MAX_LIST_DEPTH = 4;

export interface DocumentChunk {
  readonly text: string;
  /** 1-based line of the chunk's first line in its file. */
  readonly firstLine: number;
}

/** Split at `---` separator lines; the separator line starts the next chunk. */
export function* splitDocuments(text: string): Generator<DocumentChunk> {
  // Directives and `...` end markers change how documents are delimited: the whole text is one chunk.
  if (/^(%|\.\.\.)/m.test(text)) {
    yield { text, firstLine: 1 };
    return;
  }
  let start = 0;
  let firstLine = 1;
  let line = 1;
  let index = 0;
  while (index <= text.length) {
    const end = text.indexOf('\n', index);
    const lineEnd = end < 0 ? text.length : end;
    if (index > start && text.startsWith('---', index) && isSeparator(text, index + 3, lineEnd)) {
      yield { text: text.slice(start, index), firstLine };
      start = index;
      firstLine = line;
    }
    if (end < 0) break;
    index = end + 1;
    line++;
  }
  yield { text: text.slice(start), firstLine };
}

function isSeparator(text: string, from: number, lineEnd: number): boolean {
  if (from === lineEnd) return true;
  const c = text[from];
  return c === ' ' || c === '\t' || c === '\r';
}

/** The objects of one chunk, with lines in the file. */
export function readChunk(chunk: DocumentChunk): DocumentObjects[] {
  const offset = chunk.firstLine - 1;
  const fast = parseFast(chunk.text);
  if (fast) {
    if (fast.value === null) return [];
    return [objectsOf(fast.value, fast.line + offset, (node) => (fast.lines.get(node) ?? fast.line) + offset)];
  }
  let documents;
  try {
    documents = parseYamlDocuments(chunk.text, '');
  } catch (error) {
    if (error instanceof KpcError) return [{ ok: false, line: (error.line ?? 1) + offset, ...(error.column !== undefined ? { column: error.column } : {}), message: error.message }];
    return [{ ok: false, line: chunk.firstLine, message: describeError(error) }];
  }
  const out: DocumentObjects[] = [];
  for (const document of documents) {
    if (document.value === null || document.value === undefined) continue;
    const line = document.line + offset;
    const positions = isObject(document.value) && isList(document.value) ? listPositions(chunk.text, document.index, document.value, offset) : new WeakMap<object, number>();
    out.push(objectsOf(document.value, line, (node) => positions.get(node) ?? line));
  }
  return out;
}

/** A document's objects: the object itself, or the items of a `*List` (each with its own line). */
function objectsOf(value: unknown, line: number, lineOf: (node: object) => number): DocumentObjects {
  if (!isObject(value)) return { ok: false, line, message: `the document is not an object (found ${describeType(value)})` };
  const objects: SourceObject[] = [];
  const problem = expand(value, line, lineOf, objects, 0);
  if (problem) return problem;
  return { ok: true, objects };
}

function expand(value: Record<string, unknown>, line: number, lineOf: (node: object) => number, out: SourceObject[], depth: number): DocumentObjects | undefined {
  if (!isList(value)) {
    out.push({ line, value });
    return undefined;
  }
  if (depth >= MAX_LIST_DEPTH) return { ok: false, line, message: `Lists nested deeper than ${MAX_LIST_DEPTH} levels` };
  for (const [index, item] of (value['items'] as unknown[]).entries()) {
    const itemLine = isObject(item) || Array.isArray(item) ? lineOf(item) : line;
    if (!isObject(item)) return { ok: false, line: itemLine, message: `items[${index}] of the ${String(value['kind'])} is not an object (found ${describeType(item)})` };
    const problem = expand(item, itemLine, lineOf, out, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** kubectl's rule: a kind ending in List with an items array is a list of objects. */
function isList(value: Record<string, unknown>): boolean {
  const kind = value['kind'];
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items']);
}

/**
 * Lines of the items of a List read by the full parser: positions do not depend on the schema, so
 * the text is parsed again for its nodes (only Lists the fast reader could not read pay for this).
 */
function listPositions(text: string, index: number, list: Record<string, unknown>, offset: number): WeakMap<object, number> {
  const positions = new WeakMap<object, number>();
  try {
    const lineCounter = new LineCounter();
    const document = parseAllDocuments(text, { lineCounter, version: '1.1', uniqueKeys: false });
    const node = Array.isArray(document) ? document[index]?.contents : undefined;
    const walk = (value: Record<string, unknown>, mapNode: unknown, depth: number): void => {
      if (!isMap(mapNode) || depth > MAX_LIST_DEPTH) return;
      const items = mapNode.get('items', true);
      if (!isSeq(items)) return;
      for (const [i, item] of (value['items'] as unknown[]).entries()) {
        const itemNode = items.items[i] as { range?: [number, number, number] } | undefined;
        if (!isObject(item) || itemNode?.range === undefined) continue;
        positions.set(item, lineCounter.linePos(itemNode.range[0]).line + offset);
        if (isList(item)) walk(item, itemNode, depth + 1);
      }
    };
    walk(list, node, 0);
  } catch {
    // positions are a courtesy: the List's own line is used
  }
  return positions;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** A chunk larger than this is refused (the same limit as a file). */
export const MAX_DOCUMENT_BYTES = MAX_INPUT_BYTES;
