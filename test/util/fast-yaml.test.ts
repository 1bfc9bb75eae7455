// The fast YAML reader against the full parser (src/util/yaml.ts): wherever it accepts a document,
// its value and line must be the full parser's. Checked on every YAML file of the repository and of
// the shared conformance data, on hand-picked scalars, and on random manifests in every style.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFast } from '../../src/util/fast-yaml.ts';
import { splitDocuments } from '../../src/audit/documents.ts';
import { collectFiles } from '../../src/util/files.ts';
import { parseYamlDocuments } from '../../src/util/yaml.ts';
import { CONFORMANCE_DIR } from '../skip.ts';
import { existsSync } from 'node:fs';

const test = suite('fast YAML reader');
const root = resolve(import.meta.dirname, '../..');

/** The full parser's single document of a chunk (null when empty), or 'error'. */
function full(text: string): { value: unknown; line: number } | 'error' {
  try {
    const docs = parseYamlDocuments(text, 'x').filter((d) => d.value !== null);
    if (docs.length > 1) return 'error';
    return docs[0] ? { value: docs[0].value, line: docs[0].line } : { value: null, line: 1 };
  } catch {
    return 'error';
  }
}

function agrees(text: string): { accepted: boolean; problem?: string } {
  const fast = parseFast(text);
  if (!fast) return { accepted: false };
  const expected = full(text);
  if (expected === 'error') return { accepted: true, problem: 'accepted a text the full parser refuses' };
  try {
    assert.equal(fast.value, expected.value);
  } catch {
    return { accepted: true, problem: `value differs: ${JSON.stringify(fast.value)} vs ${JSON.stringify(expected.value)}` };
  }
  if (expected.value !== null && fast.line !== expected.line) return { accepted: true, problem: `line ${fast.line} vs ${expected.line}` };
  return { accepted: true };
}

test('every YAML document of the repository and the conformance data reads the same', () => {
  const dirs = [resolve(root, 'test/fixtures'), resolve(root, 'generated'), ...(existsSync(CONFORMANCE_DIR) ? [CONFORMANCE_DIR] : [])];
  let accepted = 0;
  let total = 0;
  const problems: string[] = [];
  for (const file of collectFiles(dirs, { extensions: ['.yaml', '.yml'] })) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
    } catch {
      continue; // invalid UTF-8 fixtures
    }
    for (const chunk of splitDocuments(text)) {
      total++;
      const result = agrees(chunk.text);
      if (result.accepted) accepted++;
      if (result.problem) problems.push(`${file}:${chunk.firstLine}: ${result.problem}`);
    }
  }
  assert.equal(problems.slice(0, 5), []);
  assert.ok(accepted > total * 0.8, `the fast reader should take most documents (${accepted} of ${total})`);
});

test('scalars resolve as YAML 1.1 does (booleans, numbers, nulls, timestamps as strings)', () => {
  const cases: Record<string, unknown> = {
    'a: yes': { a: true }, 'a: No': { a: false }, 'a: on': { a: true }, 'a: ~': { a: null }, 'a:': { a: null },
    'a: 0x1F': { a: 31 }, 'a: 010': { a: 8 }, 'a: 1_000': { a: 1000 }, 'a: 1.5e3': { a: 1500 }, 'a: .inf': { a: Infinity },
    'a: 2024-01-01': { a: '2024-01-01' }, 'a: 1:30': { a: '1:30' }, 'a: "1"': { a: '1' }, "a: 'it''s'": { a: "it's" },
    'a: "tab\\there"': { a: 'tab\there' }, 'a: -1': { a: -1 }, 'a: -x': { a: '-x' }, 'a: nginx:1.2 # tag': { a: 'nginx:1.2' },
    'a: [ALL, "NET_RAW", 1]': { a: ['ALL', 'NET_RAW', 1] }, 'a: {cpu: 100m, memory: "1Gi"}': { a: { cpu: '100m', memory: '1Gi' } },
    'a: []': { a: [] }, 'a: {}': { a: {} }, 'a: y': { a: true }, 'a: Y': { a: true }, 'a: NULL': { a: null },
  };
  for (const [text, value] of Object.entries(cases)) {
    const fast = parseFast(text);
    assert.ok(fast, `fast reader should take ${text}`);
    assert.equal(fast.value, value, text);
    assert.equal(full(text) === 'error' ? 'error' : (full(text) as { value: unknown }).value, value, `full parser on ${text}`);
  }
});

test('texts outside the subset are left to the full parser', () => {
  for (const text of ['a: &x 1\nb: *x', 'a: |\n  text', 'a: !!str 1', 'a: 1\na: 2', '<<: {a: 1}', 'on: 1', 'a:\n\tb: 1', 'a: "multi\n  line"', 'a: b\n  c', '%YAML 1.1\n---\na: 1', 'a: [1,\n 2]']) {
    assert.is(parseFast(text), undefined, text);
  }
});

test('random manifests in block, flow and quoted styles read the same', () => {
  const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9./_-]{0,12}$/);
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('yes', 'off', '0x10', '1e3', '~', '- x', 'a: b', '#c', "it's", 'a #b', '2024-01-01'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 4 }),
    map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  })).map;
  const style = fc.record({ indentSeq: fc.boolean(), flow: fc.boolean(), quote: fc.boolean(), indent: fc.integer({ min: 2, max: 4 }) });
  fc.assert(
    fc.property(value, style, (object, s) => {
      const text = stringify(object, { indentSeq: s.indentSeq, indent: s.indent, defaultStringType: s.quote ? 'QUOTE_DOUBLE' : 'PLAIN', collectionStyle: s.flow ? 'flow' : 'any', lineWidth: 0 });
      const result = agrees(text);
      if (result.problem) throw new Error(`${result.problem}\n${text}`);
    }),
    { seed: 8, numRuns: 400 },
  );
});

test('documents split at --- lines keep their line numbers', () => {
  const text = '# head\na: 1\n---\n---\nkind: X\n--- # c\nb: [1]\n';
  const chunks = [...splitDocuments(text)];
  assert.equal(chunks.map((c) => c.firstLine), [1, 3, 4, 6]);
  assert.is(parseFast(chunks[2]!.text)!.line + chunks[2]!.firstLine - 1, 5);
});

test.run();
