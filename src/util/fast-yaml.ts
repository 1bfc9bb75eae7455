import { parseYamlDocumentsFully } from './yaml.ts';

/**
 * A fast reader for the YAML most manifests are written in: block mappings and sequences, plain and
 * quoted single-line scalars, single-line flow collections and comments. It returns `undefined` for
 * anything outside that subset (anchors, tags, block scalars, multi-line scalars, merge keys,
 * duplicate keys, tabs, CRLF, directives…), and the caller then parses the document with the full
 * parser (src/util/yaml.ts). Inside the subset the result equals the full parser's: every scalar is
 * resolved by the full parser itself (YAML 1.1 booleans, ints, floats, nulls), memoized.
 *
 * Why: the `yaml` package takes ~0.5 ms per Deployment here, ten times the audit budget of a workload;
 * parseYamlDocuments (src/util/yaml.ts) tries this first for every single-document text.
 */

export interface FastDocument {
  /** The document (null when it holds no content). */
  readonly value: unknown;
  /** 1-based line of the first content line (the full parser's document line). */
  readonly line: number;
  /** The 1-based line where each mapping and sequence of the value starts. */
  readonly lines: WeakMap<object, number>;
}

interface Line {
  indent: number;
  text: string;
  readonly number: number;
}

/** Thrown inside the parser: the text is outside the subset. Never escapes parseFast. */
class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

// Characters that cannot start a plain scalar (or start one only in cases we leave to the full parser).
const PLAIN_START_FORBIDDEN = new Set(['&', '*', '!', '|', '>', '%', '@', '`', '?', '#', ',', '[', ']', '{', '}', '"', "'", '\t']);
const PLAIN_KEY = /^[A-Za-z0-9_$./~+=^()-][A-Za-z0-9_$./~+=^()@-]*$/;

/** The document's value, or undefined when the text needs the full parser. */
export function parseFast(text: string): FastDocument | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const content = raw[i]!;
    let indent = 0;
    while (indent < content.length && content.charCodeAt(indent) === 32) indent++;
    if (indent === content.length || content[indent] === '#') continue;
    if (indent === 0 && (content.startsWith('---') || content.startsWith('...') || content.startsWith('%'))) {
      // A leading `---` (alone, or with a comment) opens the document; anything else is left to the full parser.
      if (lines.length === 0 && content.startsWith('---') && /^---\s*(#.*)?$/.test(content)) continue;
      return undefined;
    }
    lines.push({ indent, text: content.slice(indent).trimEnd(), number: i + 1 });
  }
  const positions = new WeakMap<object, number>();
  if (lines.length === 0) return { value: null, line: 1, lines: positions };
  try {
    const parser = new BlockParser(lines, positions);
    const first = lines[0]!;
    if (first.indent !== 0) return undefined;
    const value = parser.block(0);
    if (parser.position < lines.length) return undefined;
    return { value, line: first.number, lines: positions };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Deeper nesting is left to the full parser (which reports it, or reads it, within its own bounds). */
const MAX_DEPTH = 64;

class BlockParser {
  position = 0;
  readonly #lines: Line[];
  readonly #positions: WeakMap<object, number>;

  constructor(lines: Line[], positions: WeakMap<object, number>) {
    this.#lines = lines;
    this.#positions = positions;
  }

  #depth = 0;

  block(indent: number): unknown {
    const line = this.#lines[this.position]!;
    if (++this.#depth > MAX_DEPTH) unsupported();
    try {
      return isSeqItem(line.text) ? this.#sequence(indent) : this.#mapping(indent);
    } finally {
      this.#depth--;
    }
  }

  #mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    this.#positions.set(map, this.#lines[this.position]!.number);
    while (this.position < this.#lines.length) {
      const line = this.#lines[this.position]!;
      if (line.indent < indent) break;
      if (line.indent > indent || isSeqItem(line.text)) unsupported();
      const { key, rest } = splitKey(line.text);
      if (key === '<<' || Object.hasOwn(map, key)) unsupported(); // merge keys and duplicates: the full parser decides
      this.position++;
      map[key] = rest === '' ? this.#nested(indent, true) : this.#inline(rest);
    }
    return map;
  }

  #sequence(indent: number): unknown[] {
    const list: unknown[] = [];
    this.#positions.set(list, this.#lines[this.position]!.number);
    while (this.position < this.#lines.length) {
      const line = this.#lines[this.position]!;
      if (line.indent < indent) break;
      if (line.indent > indent) unsupported();
      if (!isSeqItem(line.text)) break; // back to the mapping holding this compact sequence
      let offset = 1;
      while (offset < line.text.length && line.text.charCodeAt(offset) === 32) offset++;
      const rest = line.text.slice(offset);
      if (rest === '' || rest.startsWith('#')) {
        this.position++;
        list.push(this.#nested(indent, false));
      } else if (isSeqItem(rest)) {
        unsupported(); // `- - x`
      } else if (hasKey(rest)) {
        // `- key: value`: a mapping whose column is that of its first key, on the item's own line.
        line.indent += offset;
        line.text = rest;
        list.push(this.#mapping(line.indent));
      } else {
        this.position++;
        list.push(this.#inline(rest));
      }
    }
    return list;
  }

  /** The value of `key:` or `-` with nothing after it: a nested block, a compact sequence, or null. */
  #nested(indent: number, inMapping: boolean): unknown {
    const next = this.#lines[this.position];
    if (next === undefined) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (inMapping && next.indent === indent && isSeqItem(next.text)) return this.#sequence(indent);
    return null;
  }

  /** A value on the line of its key or dash: it ends the line, no continuation may follow. */
  #inline(rest: string): unknown {
    const scanner = new Scanner(rest, this.#positions, this.#lines[this.position - 1]!.number);
    const value = scanner.value(false);
    scanner.end();
    const next = this.#lines[this.position];
    if (next !== undefined && next.indent > this.#lines[this.position - 1]!.indent) unsupported(); // continuation line
    return value;
  }
}

function isSeqItem(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && (text.length === 1 || text.charCodeAt(1) === 32);
}

/** `key: rest` or `key:` — the key (quoted or plain) and the text after the colon. */
function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  const first = text[0];
  if (first === '"' || first === "'") {
    const scanner = new Scanner(text, new WeakMap(), 0);
    const value = scanner.quoted();
    if (typeof value !== 'string') unsupported();
    key = value as string;
    after = scanner.index;
  } else {
    const colon = text.indexOf(':');
    if (colon <= 0) unsupported();
    const plain = text.slice(0, colon);
    if (!PLAIN_KEY.test(plain) || plain.startsWith('---') || plain.startsWith('...')) unsupported();
    const resolved = resolvePlain(plain);
    if (typeof resolved !== 'string') unsupported(); // `on:`, `1:`, `null:` keys: the full parser stringifies them
    key = resolved as string;
    after = colon;
  }
  if (text[after] !== ':') unsupported();
  const rest = text.slice(after + 1);
  if (rest !== '' && rest[0] !== ' ') unsupported();
  const trimmed = rest.trim();
  return { key, rest: trimmed.startsWith('#') ? '' : trimmed };
}

function hasKey(text: string): boolean {
  const first = text[0];
  if (first === '"' || first === "'") {
    const scanner = new Scanner(text, new WeakMap(), 0);
    try {
      scanner.quoted();
    } catch (error) {
      if (error instanceof Unsupported) return false;
      throw error;
    }
    return text[scanner.index] === ':' && (scanner.index + 1 === text.length || text[scanner.index + 1] === ' ');
  }
  if (first === '[' || first === '{') return false;
  const match = /:( |$)/.exec(text);
  if (!match) return false;
  const before = text.slice(0, match.index);
  return !before.includes(' #');
}

/** Reads one inline value: a scalar or a single-line flow collection. */
class Scanner {
  index = 0;
  readonly #text: string;
  readonly #positions: WeakMap<object, number>;
  readonly #line: number;

  constructor(text: string, positions: WeakMap<object, number>, line: number) {
    this.#text = text;
    this.#positions = positions;
    this.#line = line;
  }

  #depth = 0;

  value(flow: boolean): unknown {
    if (this.#depth > MAX_DEPTH) unsupported();
    const c = this.#text[this.index];
    if (c === '"' || c === "'") return this.quoted();
    if (c === '[' || c === '{') {
      this.#depth++;
      try {
        return c === '[' ? this.#flowSequence() : this.#flowMapping();
      } finally {
        this.#depth--;
      }
    }
    return this.#plain(flow);
  }

  /** Only spaces and a comment may follow the value. */
  end(): void {
    const tail = this.#text.slice(this.index);
    if (tail.trim() !== '' && !/^\s+#/.test(tail)) unsupported();
  }

  quoted(): unknown {
    const text = this.#text;
    const quote = text[this.index]!;
    let i = this.index + 1;
    let escapes = false;
    for (;;) {
      if (i >= text.length) unsupported(); // multi-line quoted scalar
      const c = text[i]!;
      if (quote === '"' && c === '\\') {
        escapes = true;
        i += 2;
        continue;
      }
      if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") {
          escapes = true;
          i += 2;
          continue;
        }
        break;
      }
      i++;
    }
    const source = text.slice(this.index, i + 1);
    this.index = i + 1;
    if (!escapes) return source.slice(1, -1);
    return resolveScalar(source);
  }

  #plain(flow: boolean): unknown {
    const text = this.#text;
    const start = this.index;
    const c = text[start];
    if (c === undefined || PLAIN_START_FORBIDDEN.has(c)) unsupported();
    if ((c === '-' || c === ':') && (start + 1 >= text.length || text[start + 1] === ' ')) unsupported();
    let i = start;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === ':' && (i + 1 >= text.length || text[i + 1] === ' ' || flow)) {
        unsupported(); // a mapping where a scalar should be (or `a:b` in flow): the full parser decides
      }
      if (ch === '#' && text[i - 1] === ' ') break;
      if (flow && (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}')) break;
    }
    const plain = text.slice(start, i).trimEnd();
    if (plain === '' || plain.startsWith('---') || plain.startsWith('...')) unsupported();
    this.index = start + plain.length;
    return resolvePlain(plain);
  }

  #skipSpaces(): void {
    while (this.#text[this.index] === ' ') this.index++;
  }

  #flowSequence(): unknown[] {
    const list: unknown[] = [];
    this.#positions.set(list, this.#line);
    this.index++; // [
    for (;;) {
      this.#skipSpaces();
      const c = this.#text[this.index];
      if (c === undefined) unsupported(); // multi-line flow
      if (c === ']') {
        this.index++;
        return list;
      }
      list.push(this.value(true));
      this.#skipSpaces();
      const sep = this.#text[this.index];
      if (sep === ',') this.index++;
      else if (sep !== ']') unsupported();
    }
  }

  #flowMapping(): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    this.#positions.set(map, this.#line);
    this.index++; // {
    for (;;) {
      this.#skipSpaces();
      const c = this.#text[this.index];
      if (c === undefined) unsupported();
      if (c === '}') {
        this.index++;
        return map;
      }
      const key = this.#flowKey();
      if (key === '<<' || Object.hasOwn(map, key)) unsupported();
      this.#skipSpaces();
      const next = this.#text[this.index];
      if (next === ',' || next === '}') unsupported(); // a key with no value: the full parser decides
      map[key] = this.value(true);
      this.#skipSpaces();
      const sep = this.#text[this.index];
      if (sep === ',') this.index++;
      else if (sep !== '}') unsupported();
    }
  }

  #flowKey(): string {
    const text = this.#text;
    let key: unknown;
    if (text[this.index] === '"' || text[this.index] === "'") {
      key = this.quoted();
    } else {
      const start = this.index;
      const colon = text.indexOf(':', start);
      if (colon < 0) unsupported();
      const plain = text.slice(start, colon);
      if (!PLAIN_KEY.test(plain)) unsupported();
      key = resolvePlain(plain);
      this.index = colon;
    }
    if (typeof key !== 'string' || text[this.index] !== ':' || text[this.index + 1] !== ' ') unsupported();
    this.index += 2;
    return key as string;
  }
}

// Scalar resolution by the full parser, memoized (manifests repeat their scalars); bounded.
const MAX_MEMO = 100_000;
const plainMemo = new Map<string, unknown>();

// Every YAML 1.1 form that is not a string (yaml/dist/schema/yaml-1.1: int, float, bool, null,
// merge) starts with one of these characters or is one of these words: anything else is a string.
const NON_STRING_START = /^[-+.0-9~<]/;
const NON_STRING_WORDS = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF|[Nn]ull|NULL)$/;

function resolvePlain(plain: string): unknown {
  if (!NON_STRING_START.test(plain) && !NON_STRING_WORDS.test(plain)) return plain;
  if (plainMemo.has(plain)) return plainMemo.get(plain);
  const value = resolveScalar(plain);
  if (plainMemo.size >= MAX_MEMO) plainMemo.clear();
  plainMemo.set(plain, value);
  return value;
}

function resolveScalar(source: string): unknown {
  let documents;
  try {
    documents = parseYamlDocumentsFully(source, '<scalar>');
  } catch {
    return unsupported();
  }
  if (documents.length !== 1) unsupported();
  const value = documents[0]!.value;
  if (typeof value === 'object' && value !== null) unsupported();
  return value;
}
