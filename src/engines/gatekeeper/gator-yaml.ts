/**
 * YAML as gator reads it. Suites, templates, constraints and objects all go through
 * `go.yaml.in/yaml/v3` (gatekeeper:pkg/gator/yaml.go `ParseYaml`), then a JSON round trip into
 * unstructured — not sigs.k8s.io/yaml. So unquoted `yes`/`no`/`on`/`off` stay strings, `0777` is
 * octal, `1_000` is an integer, a timestamp becomes RFC 3339 text, and only the first document of a
 * file is read (yaml.v3 `Unmarshal`). Object files are first split on "\n---" and stripped of blank
 * and comment-only lines (pkg/gator/reader/read_resources.go `ReadUnstructureds`, `clean`).
 */
import { Alias, isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, Scalar } from 'yaml';
import { KpcError } from '../../util/errors.ts';
import { nestingExceeds, tooDeep } from '../../util/yaml.ts';
import { toJsonValue, type JsonObject, type JsonValue } from './values.ts';

/** A YAML document read by gator's rules, with the line where it starts in its file. */
export interface GatorDocument {
  readonly value: JsonObject;
  readonly line: number;
  /**
   * Where literal block scalars (`key: |`) start, by JSON path (`spec.targets[0].rego`): the file
   * line of their first content line and their indentation, so an error inside embedded code
   * (Rego) can point at the file line and column.
   */
  readonly blocks: ReadonlyMap<string, BlockPosition>;
}

export interface BlockPosition {
  /** 1-based file line of the block's first content line. */
  readonly line: number;
  /** Columns of indentation stripped from each content line. */
  readonly indent: number;
}

/**
 * `yaml.Unmarshal(bytes, map[string]interface{})` then the JSON round trip: the first document,
 * which must be a mapping (an empty document gives `{}`). Errors are KpcErrors with file:line:col.
 */
export function parseGatorYaml(text: string, file: string, firstLine = 1): GatorDocument {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { schema: 'failsafe', lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc || doc.contents === null) return { value: {}, line: firstLine, blocks: new Map() };
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    // the parser recurses per nesting level; its stack overflow is reported as a YAML error
    const message = /Maximum call stack size exceeded/.test(error.message) ? tooDeep() : `invalid yaml: ${firstLineOf(error.message)}`;
    throw new KpcError(message, { file, line: pos.line + firstLine - 1, column: pos.col });
  }
  const contents = doc.contents;
  const line = lineCounter.linePos(contents.range?.[0] ?? 0).line + firstLine - 1;
  if (!isMap(contents)) {
    const kind = isSeq(contents) ? '!!seq' : isScalar(contents) && contents.value === '' ? '!!null' : '!!str';
    if (kind === '!!null') return { value: {}, line, blocks: new Map() };
    throw new KpcError(`invalid yaml: cannot unmarshal ${kind} into map[string]interface {}`, { file, line });
  }
  const decoder = new V3Decoder(doc, file, lineCounter, firstLine, text);
  let value: JsonValue;
  try {
    value = toJsonValue(decoder.mapping(contents, true));
  } catch (err) {
    if (err instanceof KpcError) throw err;
    if (err instanceof RangeError) throw new KpcError(tooDeep(), { file, line });
    throw new KpcError(`invalid yaml: ${(err as Error).message}`, { file, line });
  }
  if (nestingExceeds(value)) throw new KpcError(tooDeep(), { file, line });
  return { value: value as JsonObject, line, blocks: decoder.blocks };
}

/**
 * `reader.ReadUnstructureds`: split on "\n---", drop blank and comment-only lines, parse each
 * non-empty part as one object. Each object must name its kind (Unstructured's JSON decoder
 * refuses an object without one).
 */
export function readGatorObjects(text: string, file: string): GatorDocument[] {
  const out: GatorDocument[] = [];
  let offsetLine = 1;
  for (const part of text.split('\n---')) {
    const partLine = offsetLine;
    offsetLine += part.split('\n').length - 1 + 1;
    const cleaned = clean(part);
    if (cleaned.text.length === 0) continue;
    const doc = parseGatorYaml(cleaned.text, file, partLine + cleaned.skippedLeading);
    requireKind(doc.value, file, doc.line);
    out.push(doc);
  }
  return out;
}

/** `reader.ReadUnstructured` of a whole file (templates, constraints): first document, kind required. */
export function readGatorObject(text: string, file: string): GatorDocument {
  const doc = parseGatorYaml(text, file);
  requireKind(doc.value, file, doc.line);
  return doc;
}

function requireKind(value: JsonObject, file: string, line: number): void {
  const kind = value['kind'];
  if (typeof kind !== 'string' || kind === '') {
    // UnstructuredJSONScheme.Decode: runtime.NewMissingKindErr.
    throw new KpcError(`invalid yaml: Object 'Kind' is missing`, { file, line });
  }
}

/** `clean`: blank and comment-only lines removed (upstream does this even inside block scalars). */
function clean(part: string): { text: string; skippedLeading: number } {
  const lines = part.split('\n');
  const kept: string[] = [];
  let skippedLeading = 0;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.length === 0 || trimmed.startsWith('#')) {
      if (kept.length === 0) skippedLeading++;
      continue;
    }
    kept.push(line);
  }
  return { text: kept.length === 0 ? '' : kept.join('\n') + '\n', skippedLeading };
}

function firstLineOf(message: string): string {
  return message.split('\n')[0] ?? message;
}

type Raw = null | boolean | string | bigint | number | Raw[] | { [key: string]: Raw };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const RESOLVE_MAP = new Map<string, Raw>([
  ...['true', 'True', 'TRUE'].map((s): [string, Raw] => [s, true]),
  ...['false', 'False', 'FALSE'].map((s): [string, Raw] => [s, false]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, Raw] => [s, null]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Raw] => [s, NaN]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, Raw] => [s, Infinity]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Raw] => [s, -Infinity]),
]);

/** The decoder half of yaml.v3 for `interface{}` targets: implicit typing, aliases, merge keys. */
class V3Decoder {
  private aliasDepth = 0;
  readonly blocks = new Map<string, BlockPosition>();
  private readonly path: string[] = [];

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lineCounter: LineCounter,
    private readonly firstLine: number,
    private readonly text: string,
  ) {}

  node(node: unknown): Raw {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.alias(node);
    if (isMap(node)) return this.mapping(node, false);
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        this.path.push(`[${index}]`);
        try {
          return this.node(item);
        } finally {
          this.path.pop();
        }
      });
    }
    if (isScalar(node)) {
      if (node.type === Scalar.BLOCK_LITERAL && this.aliasDepth === 0) this.recordBlock(node);
      return this.scalar(node);
    }
    throw this.error(node as Node, 'unsupported YAML node');
  }

  /** The first content line and indentation of a literal block scalar (its header is on range[0]'s line). */
  private recordBlock(node: Scalar): void {
    const start = node.range?.[0];
    if (start === undefined) return;
    const headerLine = this.lineCounter.linePos(start).line;
    const lines = this.text.split('\n');
    for (let i = headerLine; i < lines.length; i++) {
      const content = lines[i]!;
      if (content.trim() === '') continue;
      const indent = content.length - content.trimStart().length;
      this.blocks.set(this.path.map((p, j) => (p.startsWith('[') || j === 0 ? p : `.${p}`)).join(''), { line: headerLine + 1 + this.firstLine - 1, indent });
      return;
    }
  }

  mapping(node: { items: Pair[] }, topLevel: boolean): { [key: string]: Raw } {
    const out: { [key: string]: Raw } = {};
    const explicit = new Set<string>();
    const merges: unknown[] = [];
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.type === Scalar.PLAIN && pair.key.value === '<<' && !pair.key.tag) {
        merges.push(pair.value);
        continue;
      }
      const key = this.key(pair.key, topLevel);
      this.path.push(key);
      try {
        out[key] = this.node(pair.value);
      } finally {
        this.path.pop();
      }
      explicit.add(key);
    }
    // yaml.v3: keys written in the mapping win over merged ones; earlier merge sources win over later.
    for (const source of merges) {
      const sources = isSeq(source) ? source.items : [source];
      for (const item of sources) {
        const merged = this.node(item);
        if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
          throw this.error(item as Node, 'map merge requires map or sequence of maps as the value');
        }
        for (const [key, value] of Object.entries(merged)) {
          if (!explicit.has(key) && !Object.hasOwn(out, key)) out[key] = value;
        }
      }
    }
    return out;
  }

  private key(node: unknown, topLevel: boolean): string {
    const value = this.node(node);
    if (typeof value === 'string') return value;
    // Into map[string]interface{} a scalar key is set from its text; a nested map with a
    // non-string key becomes map[interface{}]interface{}, which json.Marshal refuses.
    if (topLevel && isScalar(node)) return String((node as Scalar).source ?? (node as Scalar).value);
    throw this.error(node as Node, `json: unsupported type: map[interface {}]interface {}`);
  }

  private alias(node: Alias): Raw {
    const target = node.resolve(this.doc);
    if (!target) throw this.error(node, `unknown anchor '${node.source}' referenced`);
    if (++this.aliasDepth > 100) throw this.error(node, 'document contains excessive aliasing');
    try {
      return this.node(target);
    } finally {
      this.aliasDepth--;
    }
  }

  private scalar(node: Scalar): Raw {
    // `source` is the scalar's text before any tag resolution by the parser (it may have decoded
    // !!binary or !!timestamp itself); resolution is redone here with yaml.v3's rules.
    const text = typeof node.source === 'string' ? node.source : String(node.value ?? '');
    const tag = shortTag(node.tag);
    if (node.type !== Scalar.PLAIN && tag === '') return text; // quoted or block: always a string
    if (tag === '!!str') return text;
    if (tag === '!!binary') return decodeBase64(text, () => this.error(node, '!!binary value contains invalid base64 data'));
    if (tag !== '' && !['!!bool', '!!int', '!!float', '!!null', '!!timestamp'].includes(tag)) return text; // unknown tag: kept as text
    const resolved = resolvePlain(text, tag);
    if (tag !== '' && resolved.tag !== tag && !(tag === '!!float' && resolved.tag === '!!int')) {
      throw this.error(node, `cannot decode ${resolved.tag} \`${text}\` as a ${tag}`);
    }
    if (tag === '!!float' && resolved.tag === '!!int') return Number(resolved.value as bigint);
    return resolved.value;
  }

  private error(node: Node | undefined, message: string): KpcError {
    const offset = node?.range?.[0] ?? 0;
    const pos = this.lineCounter.linePos(offset);
    return new KpcError(`invalid yaml: ${message}`, { file: this.file, line: pos.line + this.firstLine - 1, column: pos.col });
  }
}

function shortTag(tag: string | undefined): string {
  if (!tag) return '';
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/** yaml.v3 `resolve` for an untagged (or core-tagged) plain scalar. */
function resolvePlain(text: string, tag: string): { tag: string; value: Raw } {
  if (RESOLVE_MAP.has(text)) {
    const value = RESOLVE_MAP.get(text)!;
    const resolvedTag = value === null ? '!!null' : typeof value === 'boolean' ? '!!bool' : '!!float';
    return { tag: resolvedTag, value };
  }
  const first = text[0];
  if (first === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) {
      const value = Number(text);
      if (Number.isFinite(value)) return { tag: '!!float', value };
    }
    return { tag: '!!str', value: text };
  }
  if (first === undefined || !/[-+0-9]/.test(first)) return { tag: '!!str', value: text };
  if (tag === '' || tag === '!!timestamp') {
    const timestamp = parseTimestamp(text);
    if (timestamp !== undefined) return { tag: '!!timestamp', value: timestamp };
  }
  const plain = text.replaceAll('_', '');
  const int = goParseInt(plain);
  if (int !== undefined && int >= INT64_MIN && int <= INT64_MAX) return { tag: '!!int', value: int };
  if (int !== undefined && int >= 0n && int <= UINT64_MAX && !plain.startsWith('-') && !plain.startsWith('+')) return { tag: '!!int', value: int };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    if (Number.isFinite(value)) return { tag: '!!float', value }; // ParseFloat range errors fall through
  }
  return { tag: '!!str', value: text };
}

/** strconv.ParseInt(s, 0, 64) without the range check: sign, then 0x/0o/0b or a leading-0 octal. */
function goParseInt(s: string): bigint | undefined {
  let rest = s;
  let negative = false;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  let digits: string;
  let radix: number;
  if (/^0[xX]/.test(rest)) [digits, radix] = [rest.slice(2), 16];
  else if (/^0[oO]/.test(rest)) [digits, radix] = [rest.slice(2), 8];
  else if (/^0[bB]/.test(rest)) [digits, radix] = [rest.slice(2), 2];
  else if (rest.length > 1 && rest.startsWith('0')) [digits, radix] = [rest.slice(1), 8];
  else [digits, radix] = [rest, 10];
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const value = BigInt(prefix + digits);
  return negative ? -value : value;
}

/**
 * yaml.v3 `parseTimestamp` (the subset of yaml.org/type/timestamp Go's time.Parse handles), giving
 * the RFC 3339 text json.Marshal writes for the resulting time.Time.
 */
function parseTimestamp(text: string): string | undefined {
  const match =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, tSep, spaceSep, hour, minute, second, fraction, zone] = match;
  if (hour !== undefined) {
    if (tSep && !zone) return undefined; // the T layouts require a zone
    if (spaceSep && zone) return undefined; // the space layout has none
  }
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysIn(Number(year), m)) return undefined;
  const h = Number(hour ?? 0);
  const min = Number(minute ?? 0);
  const s = Number(second ?? 0);
  if (h > 23 || min > 59 || s > 59) return undefined;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  // Go takes any number of fraction digits and keeps nanoseconds; RFC3339Nano trims trailing zeros.
  const frac = fraction ? fraction.slice(0, 9).replace(/0+$/, '') : '';
  const zoneText = !zone || zone === 'Z' || zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
  return `${year}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(min)}:${pad(s)}${frac ? `.${frac}` : ''}${zoneText}`;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function decodeBase64(text: string, fail: () => Error): string {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw fail();
  return Buffer.from(compact, 'base64').toString('utf8');
}
