// JMESPath as Kyverno runs it: the kyverno/go-jmespath fork (missing keys are NotFound errors,
// compliance_test.go of the fork), lexer/parser error cases, a sample of the JMESPath compliance
// cases, and Kyverno's own functions (pkg/engine/jmespath/functions_test.go, arithmetic_test.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GoInt, JmesSyntaxError, NotFoundError, search } from '../../../src/engines/jmespath/index.ts';
import { kyvernoFunctions } from '../../../src/engines/kyverno/jmespath-functions.ts';
import { UnsupportedError } from '../../../src/util/errors.ts';

/** Search the way the fork's compliance test does: a NotFoundError stands for null. */
function find(expression: string, data: unknown): unknown {
  try {
    return search(expression, data);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}
const kyv = (expression: string, data: unknown = ''): unknown => search(expression, data, kyvernoFunctions);
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

// --- fork semantics (compliance_test.go of kyverno/go-jmespath) ---

test('TestOrOperatorHandlesErrorPath', () => {
  assert.is(find('outer.bad || outer.foo', { outer: { foo: 'foo', bar: 'bar', baz: 'baz' } }), 'foo');
});

test('TestInvalidPathMustReturnError', () => {
  assert.throws(() => search('outer.bad', { outer: { foo: 'foo' } }), (e: unknown) => e instanceof NotFoundError);
});

test('TestNullValueMustBeReturned', () => {
  assert.is(search('outer.foo', { outer: { foo: null } }), null);
});

test('TestFilterInsideThePathHandlesErrorInPath', () => {
  const data = { foo: [{ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'y' } }, { a: 1, b: { c: 'z' } }, { a: 2, b: { c: 'z' } }, { a: 1, baz: 2 }] };
  assert.equal(find('foo[?a==`1`].b.c', data), ['x', 'y', 'z']);
});

const keyed = { foo: [{ key: true }, { key: false }, { key: [] }, { key: {} }, { key: [0] }, { key: { a: 'b' } }, { key: 0 }, { key: 1 }, { key: null }, { notkey: true }] };

test('TestUnaryNotFilterInsideThePathHandlesErrorInPath', () => {
  assert.equal(find('foo[?!key]', keyed), [{ key: false }, { key: [] }, { key: {} }, { key: null }, { notkey: true }]);
});

test('TestEqualityWithNullRHS_MustHandleError', () => {
  assert.equal(find('foo[?key == `null`]', keyed), [{ key: null }, { notkey: true }]);
});

test('TestMapFunction_MustHandleError', () => {
  const people = [{ c: 'z' }, { c: null }, {}, { c: 'z' }];
  assert.equal(find('map(&c, people)', { people }), ['z', null, null, 'z']);
});

// --- lexer and parser errors (lexer_test.go, parser_test.go) ---

for (const expr of ["'foo", '[?foo==bar?]', 'foo.', '[foo', ']', ')', '}', 'foo..bar', 'foo."bar', '{foo: bar', '{foo bar}', '[foo bar]', 'foo@', '&&&&&&&&&&&&t(', '[*][']) {
  test(`syntax error: ${expr}`, () => {
    assert.throws(() => search(expr, {}), (e: unknown) => e instanceof JmesSyntaxError);
  });
}

// --- a sample of the JMESPath compliance cases ---

const data = {
  foo: { bar: { baz: [0, 1, 2, 3, 4] } },
  people: [
    { name: 'a', age: 30, tags: ['x'] },
    { name: 'b', age: 20, tags: ['y', 'z'] },
    { name: 'c', age: 40, tags: [] },
  ],
  nested: [[1, 2], [3, [4, 5]], 6],
  str: 'Straße',
  obj: { b: 2, a: 1 },
};

const compliance: [string, unknown][] = [
  ['foo.bar.baz[0]', 0],
  ['foo.bar.baz[-1]', 4],
  ['foo.bar.baz[1:3]', [1, 2]],
  ['foo.bar.baz[::-2]', [4, 2, 0]],
  ['foo.bar.baz[10]', null],
  ['people[*].name', ['a', 'b', 'c']],
  ['people[?age > `25`].name', ['a', 'c']],
  ['people[?tags].name', ['a', 'b']],
  ['people[].tags[]', ['x', 'y', 'z']],
  ['nested[]', [1, 2, 3, [4, 5], 6]],
  ['nested[][]', [1, 2, 3, 4, 5, 6]],
  ['people | [0].name', 'a'],
  ['people[0].{n: name, a: age}', { n: 'a', a: 30 }],
  ['people[0].[name, age]', ['a', 30]],
  ['obj.*', [2, 1]],
  ['sort_by(people, &age)[].name', ['b', 'a', 'c']],
  ['max_by(people, &age).name', 'c'],
  ['min_by(people, &age).name', 'b'],
  ['length(str)', 6],
  ['reverse(str)', 'eßartS'],
  ["contains(str, 'ß')", true],
  ['keys(obj)', ['b', 'a']],
  ['sort(keys(obj))', ['a', 'b']],
  ['sum(foo.bar.baz)', 10],
  ['avg(foo.bar.baz)', 2],
  ['avg(`[]`)', null],
  ["join(', ', people[].name)", 'a, b, c'],
  ['to_number(`"1.5"`)', 1.5],
  ["to_number('abc')", null],
  ['to_string(obj)', '{"a":1,"b":2}'],
  ['type(`1`)', 'number'],
  ['not_null(missing, `null`, `2`)', 2],
  ['`true` && `"x"`', 'x'],
  ['`[]` || `"y"`', 'y'],
  ['!`0`', false],
  ['`1` < `2`', true],
  ["'a' < 'b'", null],
  ['merge(obj, `{"c": 3}`)', { b: 2, a: 1, c: 3 }],
  ['floor(`1.5`)', 1],
  ['ceil(`1.5`)', 2],
  ['abs(`-3`)', 3],
  ['`{"a": 1}` == `{"a": 1.0}`', true],
];
for (const [expr, expected] of compliance) {
  test(`compliance: ${expr}`, () => {
    assert.equal(plain(find(expr, data)), expected);
  });
}

test('function argument type errors are errors', () => {
  assert.throws(() => search('length(`1`)', {}));
  assert.throws(() => search('sum(`["a"]`)', {}));
  assert.throws(() => search('unknown_fn(`1`)', {}));
});

// --- Kyverno functions ---

const kyvernoCases: [string, unknown, unknown?][] = [
  ["equal_fold('Go', 'go')", true],
  ["equal_fold('1', 'b')", false],
  ["replace('Lorem ipsum ipsum ipsum dolor sit amet', 'ipsum', 'muspi', `1`)", 'Lorem muspi ipsum ipsum dolor sit amet'],
  ["replace('Lorem ipsum ipsum ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)", 'Lorem muspi muspi muspi dolor sit amet'],
  ["replace_all('Lorem ipsum dolor sit amet', 'ipsum', 'muspi')", 'Lorem muspi dolor sit amet'],
  ["to_upper('a#%&123Bc')", 'A#%&123BC'],
  ["to_lower('a#%&123Bc')", 'a#%&123bc'],
  ["trim('¡¡¡Hello, Gophers!!!', '!¡')", 'Hello, Gophers'],
  ["trim_prefix('¡¡¡Hello, Gophers!!!', '¡¡¡Hello, ')", 'Gophers!!!'],
  ["trim_prefix('¡¡¡Hello, Gophers!!!', '¡¡¡Hola, ')", '¡¡¡Hello, Gophers!!!'],
  ["split('Hello, Gophers', ', ')", ['Hello', 'Gophers']],
  ["starts_with('Gophers', 'Go')", true],
  ["ends_with('Amigo', 'go')", true],
  ["regex_match('12.*', foo)", true, { foo: "hgf'b1a2r'b12g" }],
  ["regex_match('12.*', abs(foo))", true, { foo: -12 }],
  ["pattern_match('prefix-*', foo)", true, { foo: 'prefix-foo' }],
  ["pattern_match('12*', abs(foo))", true, { foo: -12 }],
  ["regex_replace_all('([Hh]e|G)l', spec.field, '${2}G')", 'Glo world, Gworldlo', { spec: { field: 'Hello world, helworldlo' } }],
  ["regex_replace_all_literal('[Hh]el?', spec.field, 'G')", 'Glo world, Gworldlo', { spec: { field: 'Hello world, helworldlo' } }],
  ['label_match(`{ "app": "test-app" }`, metadata.labels)', true, { metadata: { labels: { app: 'test-app', 'controller-name': 'c' } } }],
  ['label_match(`{ "app": "test-app2" }`, metadata.labels)', false, { metadata: { labels: { app: 'test-app' } } }],
  ["to_boolean('TRue')", true],
  ["to_boolean('FaLse')", false],
  ["base64_decode('SGVsbG8sIHdvcmxkIQ==')", 'Hello, world!'],
  ["base64_encode('Hello, world!')", 'SGVsbG8sIHdvcmxkIQ=='],
  ["path_canonicalize('/var/run///containerd////')", '/var/run/containerd'],
  ["path_canonicalize('/run/../etc')", '/etc'],
  ["path_canonicalize('/../../')", '/'],
  ["path_canonicalize('///etc*')", '/etc*'],
  ["truncate('Lorem ipsum ipsum ipsum dolor sit amet', `11`)", 'Lorem ipsum'],
  ["truncate('Lorem ipsum', `2.6`)", 'Lo'],
  ["truncate('Lorem ipsum', `-1`)", ''],
  ['to_string(parse_json(\'[1.2,true,{"a":{"a":"b"}}]\'))', '[1.2,true,{"a":{"a":"b"}}]'],
  ["parse_json('[1, 2, {\"a\": {\"b\": {\"c\": [1, 2]}}}]')[2].a.b.c[1]", 2],
  ["parse_yaml('spec:\n  test: 1\n  test2:\n    - 2\n    - 3\n')", { spec: { test: 1, test2: [2, 3] } }],
  ["parse_yaml('\n---\nfoo: ~\nbar: null\n')", { foo: null, bar: null }],
  ['lookup(`{"key1": "value1"}`, \'key1\')', 'value1'],
  ['lookup(`{}`, \'key1\')', null],
  ['lookup(`["a", "b"]`, `1`)', 'b'],
  ['lookup(`["a", "b"]`, `5`)', null],
  ['items(`{"a": 1, "b": 2}`, \'key\', \'value\')', [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
  ['object_from_lists(`["a", "b"]`, `[1, 2]`)', { a: 1, b: 2 }],
  ['object_from_lists(`["a", "b"]`, `[1]`)', { a: 1, b: null }],
  ['add(`12`, `13`)', 25],
  ["add('12s', '13s')", '25s'],
  ['round(`9.414675`, `2`)', 9.41],
  ["divide('12s', '5s')", 2.4],
  ["divide('12s', `3`)", '4s'],
  ["divide('512M', '256M')", 2],
  ["divide('12Ki', '200')", 61.44],
  ['modulo(`7`, `3`)', 1],
];
for (const [expr, expected, input] of kyvernoCases) {
  test(`kyverno: ${expr}`, () => {
    assert.equal(plain(kyv(expr, input ?? '')), expected);
  });
}

test('kyverno: compare returns a Go int', () => {
  const r = kyv("compare('a', 'b')");
  assert.ok(r instanceof GoInt);
  assert.is((r as GoInt).value, -1);
});

for (const expr of [
  "add('12', '13s')",
  "add(`12`, '13Ki')",
  "add('12s', `13`)",
  "add('12Ki', '13s')",
  "divide('12Ki', '2s')",
  'round(`14`, `1.5`)',
  'round(`14`, `-2`)',
  "to_boolean('foo')",
  'to_boolean(`1`)',
  'divide(`1`, `0`)',
  'modulo(`7.5`, `2`)',
]) {
  test(`kyverno error: ${expr}`, () => {
    assert.throws(() => kyv(expr));
  });
}

for (const expr of ["time_now()", "x509_decode('x')", "random('[a-z]{5}')", "add('12Ki', '13Ki')"]) {
  test(`kyverno unsupported: ${expr}`, () => {
    assert.throws(() => kyv(expr), (e: unknown) => e instanceof UnsupportedError);
  });
}

test.run();
