// YAML as gator reads it: go.yaml.in/yaml/v3 into map[string]interface{}, then the JSON round
// trip into unstructured (ints int64, other numbers float64, time.Time as RFC 3339 text).
// Scalar cases and expectations from go-yaml v3.0.4 decode_test.go (unmarshalTests), mapped through
// that round trip; file handling from gatekeeper pkg/gator/reader/read_resources.go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGatorYaml, readGatorObjects } from '../../../src/engines/gatekeeper/gator-yaml.ts';

const value = (text: string) => parseGatorYaml(text, 'test.yaml').value;

const cases: [yaml: string, expected: unknown][] = [
  ['v: hi', { v: 'hi' }],
  ['v: true', { v: true }],
  ['v: 10', { v: 10n }],
  ['v: 0b10', { v: 2n }],
  ['v: 0xA', { v: 10n }],
  ['v: 4294967296', { v: 4294967296n }],
  ['v: 0.1', { v: 0.1 }],
  ['v: .1', { v: 0.1 }],
  ['v: -10', { v: -10n }],
  ['v: -.1', { v: -0.1 }],
  ['canonical: 6.8523e+5', { canonical: 685230n }], // float64 685230 marshals as "685230" → int64
  ['octal: 02472256', { octal: 685230n }],
  ['octal: -02472256', { octal: -685230n }],
  ['octal: 0o2472256', { octal: 685230n }],
  ['hexa: 0x_0A_74_AE', { hexa: 685230n }],
  ['bin: 0b1010_0111_0100_1010_1110', { bin: 685230n }],
  ['bin: -0b101010', { bin: -42n }],
  ['bin: -0b1000000000000000000000000000000000000000000000000000000000000000', { bin: -9223372036854775808n }],
  ['decimal: +685_230', { decimal: 685230n }],
  ['empty:', { empty: null }],
  ['canonical: ~', { canonical: null }],
  ['english: null', { english: null }],
  // YAML 1.2: yes/no/on/off are strings (sigs.k8s.io/yaml would read booleans)
  ['a: YES', { a: 'YES' }],
  ['a: yes', { a: 'yes' }],
  ['a: off', { a: 'off' }],
  ['a: -b_c', { a: '-b_c' }],
  ['a: +b_c', { a: '+b_c' }],
  ['a: 50cent_of_dollar', { a: '50cent_of_dollar' }],
  ['a: 1:1', { a: '1:1' }],
  ['a: 1.2.3.4', { a: '1.2.3.4' }],
  ['a: 3s', { a: '3s' }],
  // "\x80\x81\x82" is not UTF-8: json.Marshal replaces each invalid byte with U+FFFD
  ['a: !!binary gIGC', { a: '\ufffd\ufffd\ufffd' }],
  ['a: !!float 0', { a: 0n }],
  ['a: !!str 10', { a: '10' }],
  ['a: ! test', { a: 'test' }],
  ["a: 'null'", { a: 'null' }],
  // timestamps become time.Time, which json.Marshal writes as RFC 3339
  ['a: 2015-01-01', { a: '2015-01-01T00:00:00Z' }],
  ['a: 2015-02-24T18:19:39.12Z', { a: '2015-02-24T18:19:39.12Z' }],
  ['a: 2015-2-3T3:4:5Z', { a: '2015-02-03T03:04:05Z' }],
  ['a: 2015-02-24t18:19:39Z', { a: '2015-02-24T18:19:39Z' }],
  ['a: 2015-02-24 18:19:39', { a: '2015-02-24T18:19:39Z' }],
  ['a: !!timestamp "2015-01-01"', { a: '2015-01-01T00:00:00Z' }],
  ['a: "2015-01-01"', { a: '2015-01-01' }],
  ['a: !!str 2015-01-01', { a: '2015-01-01' }],
  ['a: 2015-02-24T18:19:39.123456789-03:00', { a: '2015-02-24T18:19:39.123456789-03:00' }],
  // aliases and merge keys
  ['a: &x 1\nb: &y 2\nc: *x\nd: *y\n', { a: 1n, b: 2n, c: 1n, d: 2n }],
  ['a: &a {c: 1}\nb: *a', { a: { c: 1n }, b: { c: 1n } }],
  ['a: &a [1, 2]\nb: *a', { a: [1n, 2n], b: [1n, 2n] }],
  ['base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n', { base: { x: 1n, y: 2n }, m: { x: 1n, y: 3n } }],
  ['a: {b: https://github.com/go-yaml/yaml}', { a: { b: 'https://github.com/go-yaml/yaml' } }],
  ['a: [https://github.com/go-yaml/yaml]', { a: ['https://github.com/go-yaml/yaml'] }],
];

for (const [yaml, expected] of cases) {
  test(`yaml.v3: ${JSON.stringify(yaml)}`, () => {
    assert.equal(value(yaml), expected);
  });
}

test('an empty document is an empty map; only the first document is read', () => {
  assert.equal(value(''), {});
  assert.equal(value('a: 1\n---\nb: 2\n'), { a: 1n });
});

test('infinities cannot be marshalled to JSON', () => {
  assert.throws(() => value('v: .Inf'), /unsupported value/);
});

test('a top-level list is not a map', () => {
  assert.throws(() => value('- a\n- b\n'), /cannot unmarshal !!seq into map/);
});

test('syntax errors carry file and line', () => {
  try {
    value('a: 1\nb: [1, 2\n');
    assert.unreachable();
  } catch (error) {
    assert.match(String(error), /^test\.yaml:\d+:\d+: invalid yaml: /);
  }
});

test('object files: split on "\\n---", blank and comment lines dropped, kind required', () => {
  const docs = readGatorObjects('# header\nkind: A\napiVersion: v1\n---\n\n# only a comment\n---\nkind: B\napiVersion: v1\nn: 1\n', 'objs.yaml');
  assert.equal(docs.map((d) => d.value['kind']), ['A', 'B']);
  assert.is(docs[1]!.line, 8);
  assert.throws(() => readGatorObjects('apiVersion: v1\nmetadata: {}\n', 'objs.yaml'), /Object 'Kind' is missing/);
});

test.run();
