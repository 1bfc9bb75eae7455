import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectFiles } from '../../src/util/files.ts';
import { KpcError } from '../../src/util/errors.ts';
import { parseYamlDocuments, decodeUtf8, readTextFile } from '../../src/util/yaml.ts';

test('collectFiles sorts, filters by extension and survives a symlink loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpc-files-'));
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'x.yaml'), 'a: 1');
  writeFileSync(join(dir, 'a.yml'), 'a: 1');
  writeFileSync(join(dir, 'notes.txt'), 'x');
  symlinkSync(dir, join(dir, 'b', 'loop'));
  const files = collectFiles([dir], { extensions: ['.yaml', '.yml'] }).map((f) => f.slice(dir.length + 1));
  assert.equal(files, ['a.yml', 'b/x.yaml']);
});

test('collectFiles names a missing path', () => {
  assert.throws(() => collectFiles(['/nonexistent/kpc']), (e: unknown) => e instanceof KpcError && e.toString().includes('/nonexistent/kpc'));
});

test('parseYamlDocuments gives each document its line, and errors with file:line:col', () => {
  const docs = parseYamlDocuments('a: 1\n---\nb: 2\n', 'f.yaml');
  assert.equal(docs.map((d) => [d.value, d.line]), [[{ a: 1 }, 1], [{ b: 2 }, 3]]);
  try {
    parseYamlDocuments('a: 1\nb: [\n', 'bad.yaml');
    assert.unreachable('should throw');
  } catch (e) {
    assert.ok(e instanceof KpcError);
    assert.match(String(e), /^bad\.yaml:\d+:\d+: malformed YAML/);
  }
});

test('YAML is read as Kubernetes reads it: 1.1 booleans, timestamps stay strings', () => {
  const [doc] = parseYamlDocuments('a: yes\nb: 2024-01-01\nc: 12:30\nd: "on"\n', 'f.yaml');
  assert.equal(doc?.value, { a: true, b: '2024-01-01', c: '12:30', d: 'on' });
});

test('invalid UTF-8 and oversized files are refused by name', () => {
  assert.throws(() => decodeUtf8(new Uint8Array([0x61, 0xff, 0x62]), 'x.yaml'), (e: unknown) => String(e) === 'x.yaml: invalid UTF-8');
  const dir = mkdtempSync(join(tmpdir(), 'kpc-big-'));
  writeFileSync(join(dir, 'big.yaml'), 'a: 1234567890\n');
  assert.throws(() => readTextFile(join(dir, 'big.yaml'), 4), (e: unknown) => String(e).includes('big.yaml: file is too large'));
});

test.run();
