import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type ToStringOptions } from 'yaml';
import { KpcError } from '../util/errors.ts';
import { isPlainObject, parseYamlDocuments } from '../util/yaml.ts';
import { workloadKind } from '../audit/evaluate.ts';
import type { VariantKind } from '../harness/types.ts';
import type { FieldPath } from './repair.ts';

/**
 * A manifests file as `explain` reads and edits it: its values read as Kubernetes reads YAML
 * (src/util/yaml.ts), and its `yaml` Documents, whose nodes give each field's line and take edits
 * while keeping comments, key order and formatting.
 */

export interface SourceWorkload {
  /** Index of the document in the file. */
  readonly document: number;
  /** Path of the object in its document ([] or ['items', i] in a List). */
  readonly prefix: FieldPath;
  readonly kind: VariantKind;
  readonly value: Record<string, unknown>;
  /** Line of the object. */
  readonly line: number;
}

export class ManifestFile {
  readonly file: string;
  readonly documents: Document[];
  readonly values: unknown[];
  readonly #lineCounter: LineCounter;
  readonly #options: ToStringOptions;

  constructor(text: string, file: string) {
    this.file = file;
    this.values = parseYamlDocuments(text, file).map((d) => d.value); // KpcError file:line:col on malformed YAML
    this.#lineCounter = new LineCounter();
    const documents = parseAllDocuments(text, { version: '1.1', lineCounter: this.#lineCounter, keepSourceTokens: false });
    this.documents = Array.isArray(documents) ? documents : [];
    if (this.documents.length !== this.values.length) throw new KpcError('could not map the YAML documents to their values', { file });
    this.#options = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false, indentSeq: indentsSequences(text) };
  }

  /** Every workload (pod controller or Pod) of the file, Lists expanded. */
  workloads(): SourceWorkload[] {
    const out: SourceWorkload[] = [];
    this.values.forEach((value, document) => {
      if (!isPlainObject(value)) return;
      const visit = (object: Record<string, unknown>, prefix: FieldPath, depth: number) => {
        if (typeof object['kind'] === 'string' && object['kind'].endsWith('List') && Array.isArray(object['items']) && depth < 4) {
          object['items'].forEach((item, i) => {
            if (isPlainObject(item)) visit(item, [...prefix, 'items', i], depth + 1);
          });
          return;
        }
        const kind = workloadKind(object);
        if (kind) out.push({ document, prefix, kind, value: object, line: this.line(document, prefix) });
      };
      visit(value, [], 0);
    });
    return out;
  }

  /** The line of the deepest existing field along the path (the key's line for a mapping value). */
  line(document: number, path: FieldPath): number {
    const doc = this.documents[document];
    let node: unknown = doc?.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return this.#lineCounter.linePos(offset).line;
  }

  toString(): string {
    return this.documents.map((d) => d.toString(this.#options)).join('');
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}

/** Whether the file indents sequence items under their key (`key:\n  - x`) or not (`key:\n- x`): kept on output. */
function indentsSequences(text: string): boolean {
  let indented = 0;
  let flush = 0;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const item = /^( *)- /.exec(lines[i]!);
    const key = /^( *)[^\s#-][^:]*:\s*$/.exec(lines[i - 1]!);
    if (!item || !key) continue;
    if (item[1]!.length > key[1]!.length) indented++;
    else if (item[1]!.length === key[1]!.length) flush++;
  }
  return indented >= flush;
}
