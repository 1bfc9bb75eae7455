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

// arithmetic_test.go (Test_Add … Test_Round): every case, quantities included
const arithmetic: [string, unknown][] = [
  ["add(`12`, `13`)", 25.0],
  ["add('12', '13s')", 'ERR'],
  ["add(`12`, '13Ki')", 'ERR'],
  ["add(`12`, '13')", 'ERR'],
  ["add('12Ki', '13Ki')", "25Ki"],
  ["add('12Ki', '13')", "12301"],
  ["add('12Ki', '13s')", 'ERR'],
  ["add('12Ki', `13`)", 'ERR'],
  ["add('12s', '13s')", "25s"],
  ["add('12s', `13`)", 'ERR'],
  ["add('12s', '13Ki')", 'ERR'],
  ["add('12s', '13')", 'ERR'],
  ["sum([])", 'ERR'],
  ["sum([`12`])", 12.0],
  ["sum([`12`, `13`, `1`, `4`])", 30.0],
  ["sum([`12`, `13`])", 25.0],
  ["sum(['12', '13s'])", 'ERR'],
  ["sum([`12`, '13Ki'])", 'ERR'],
  ["sum([`12`, '13'])", 'ERR'],
  ["sum([])", 'ERR'],
  ["sum(['12Ki'])", "12Ki"],
  ["sum(['12Ki', '13Ki', '1Ki', '4Ki'])", "30Ki"],
  ["sum(['12Ki', '13Ki'])", "25Ki"],
  ["sum(['12Ki', '13'])", "12301"],
  ["sum(['12Ki', '13s'])", 'ERR'],
  ["sum(['12Ki', `13`])", 'ERR'],
  ["sum([])", 'ERR'],
  ["sum(['12s'])", "12s"],
  ["sum(['12s', '13s', '1s', '4s'])", "30s"],
  ["sum(['12s', '13s'])", "25s"],
  ["sum(['12s', `13`])", 'ERR'],
  ["sum(['12s', '13Ki'])", 'ERR'],
  ["sum(['12s', '13'])", 'ERR'],
  ["subtract(`12`, `13`)", -1.0],
  ["subtract('12', '13s')", 'ERR'],
  ["subtract(`12`, '13Ki')", 'ERR'],
  ["subtract(`12`, '13')", 'ERR'],
  ["subtract('12Ki', '13Ki')", "-1Ki"],
  ["subtract('12Ki', '13')", "12275"],
  ["subtract('12Ki', '13s')", 'ERR'],
  ["subtract('12Ki', `13`)", 'ERR'],
  ["subtract('12s', '13s')", "-1s"],
  ["subtract('12s', `13`)", 'ERR'],
  ["subtract('12s', '13Ki')", 'ERR'],
  ["subtract('12s', '13')", 'ERR'],
  ["multiply('12Ki', `2`)", "24Ki"],
  ["multiply('12Ki', '12Ki')", 'ERR'],
  ["multiply('12Ki', '12')", 'ERR'],
  ["multiply('12Ki', '12s')", 'ERR'],
  ["multiply('12s', `2`)", "24s"],
  ["multiply('12s', '12Ki')", 'ERR'],
  ["multiply('12s', '12')", 'ERR'],
  ["multiply('12s', '12s')", 'ERR'],
  ["multiply(`2.5`, `2.5`)", 2.5 * 2.5],
  ["multiply(`2.5`, '12Ki')", "30Ki"],
  ["multiply(`2.5`, '12')", "30"],
  ["multiply(`2.5`, '40s')", "1m40s"],
  ["divide('256M', '256M')", 1.0],
  ["divide('512M', '256M')", 2.0],
  ["divide('8', '3')", 8 / 3],
  ["divide('128M', '256M')", 0.5],
  ["divide('12Ki', `3`)", "4Ki"],
  ["divide('12Ki', '2Ki')", 6.0],
  ["divide('12Ki', '200')", 61.44],
  ["divide('12Ki', '2s')", 'ERR'],
  ["divide('12s', `3`)", "4s"],
  ["divide('12s', '5s')", 2.4],
  ["divide('12s', '4Ki')", 'ERR'],
  ["divide('12s', '4')", 'ERR'],
  ["divide(`14`, `3`)", 4.666666666666667],
  ["divide(`14`, '5s')", 'ERR'],
  ["divide(`14`, '5Ki')", 'ERR'],
  ["divide(`14`, '5')", 'ERR'],
  ["divide(`14`, `0`)", 'ERR'],
  ["divide('4Ki', `0`)", 'ERR'],
  ["divide('4Ki', '0Ki')", 'ERR'],
  ["divide('4', `0`)", 'ERR'],
  ["divide('4', '0')", 'ERR'],
  ["divide('4s', `0`)", 'ERR'],
  ["divide('4s', '0s')", 'ERR'],
  ["modulo('12', '13s')", 'ERR'],
  ["modulo('12Ki', '13s')", 'ERR'],
  ["modulo('12Ki', `13`)", 'ERR'],
  ["modulo('12Ki', '5Ki')", "2Ki"],
  ["modulo('13s', '12')", 'ERR'],
  ["modulo('13s', '12Ki')", 'ERR'],
  ["modulo('13s', '2s')", "1s"],
  ["modulo('13s', `2`)", 'ERR'],
  ["modulo(`13`, '12')", 'ERR'],
  ["modulo(`13`, '12Ki')", 'ERR'],
  ["modulo(`13`, '5s')", 'ERR'],
  ["modulo(`13`, `5`)", 3.0],
  ["modulo(`14`, `0`)", 'ERR'],
  ["modulo('4Ki', `0`)", 'ERR'],
  ["modulo('4Ki', '0Ki')", 'ERR'],
  ["modulo('4', `0`)", 'ERR'],
  ["modulo('4', '0')", 'ERR'],
  ["modulo('4s', `0`)", 'ERR'],
  ["modulo('4s', '0s')", 'ERR'],
  ["modulo('4', '1.5')", 'ERR'],
  ["modulo('4.5', '1')", 'ERR'],
  ["modulo(`14`, `1.5`)", 'ERR'],
  ["modulo(`14.5`, `2`)", 'ERR'],
  ["round(`23`, '12Ki')", 'ERR'],
  ["round(`21`, '5s')", 'ERR'],
  ["round(`9.414675`, `2`)", 9.41],
  ["round(`14.123`, `6`)", 14.123],
  ["round(`14`, `1.5`)", 'ERR'],
  ["round(`14`, `-2`)", 'ERR'],
];
for (const [expr, expected] of arithmetic) {
  test(`arithmetic: ${expr}`, () => {
    if (expected === 'ERR') assert.throws(() => kyv(expr));
    else assert.equal(kyv(expr), expected);
  });
}

// Quantity.String() of computed quantities (CanonicalizeBytes), worked out from quantity.go
const quantityResults: [string, string][] = [
  ["add('1.5', '1.5')", '3'],
  ["add('500m', '500m')", '1'],
  ["add('0.1', '0.2')", '300m'],
  ["add('1k', '1')", '1001'],
  ["add('1Mi', '1Ki')", '1025Ki'],
  ["add('512', '512Ki')", '524800'],
  ["add('0', '1Ki')", '1Ki'],
  ["add('1e3', '1e3')", '2e3'],
  ["add('1E', '1E')", '2E'],
  ["add('1E', '999E')", '1'], // 1e21: no suffix for exponent 21, none printed (upstream behaviour)
  ["subtract('1Ki', '1Ki')", '0'],
  ["subtract('1', '1500m')", '-500m'],
  ["subtract('1Gi', '0.5Gi')", '512Mi'],
  ["multiply('1Gi', `0.5`)", '512Mi'],
  ["multiply('100m', `3`)", '300m'],
  ["multiply('1Ki', `1.5`)", '1536'],
  ["multiply('2', `1000000`)", '2M'],
  ["divide('1', `3`)", '0'],
  ["divide('1.000', `3`)", '333m'],
  ["divide('10Gi', `4`)", '2560Mi'],
  ["divide('1k', `3`)", '333'], // scale max(-3, 0) = 0
  ["divide('100m', `3`)", '33m'],
  ["divide('1', `0.3`)", '3300m'], // "0.3" parses with scale 1
  ["divide('-7', `2`)", '-3'],
  ["modulo('7', '-2')", '1'],
  ["modulo('-7Ki', '2Ki')", '-1Ki'],
  ["sum(['100m', '200m', '700m'])", '1'],
];
// Quantity / Quantity uses AsApproximateFloat64 of the parsed representation: "1.1" is 11 × 10^-1,
// i.e. float64(11) * math.Pow10(-1) = 1.1000000000000001, not the nearest double to 1.1.
test('quantity division goes through AsApproximateFloat64', () => {
  assert.is(kyv("divide('1.1', '1')"), 1.1000000000000001);
  assert.is(kyv("divide('1Ki', '1k')"), 1.024);
});

for (const [expr, expected] of quantityResults) {
  test(`quantity result: ${expr}`, () => {
    assert.is(kyv(expr), expected);
  });
}

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
  'modulo(`1e30`, `7`)',
  "modulo('1.5', '1')",
]) {
  test(`kyverno error: ${expr}`, () => {
    assert.throws(() => kyv(expr));
  });
}

for (const expr of ['time_now()', "x509_decode('x')", "random('[a-z]{5}')", "add('1e9999', '1')"]) {
  test(`kyverno unsupported: ${expr}`, () => {
    assert.throws(() => kyv(expr), (e: unknown) => e instanceof UnsupportedError);
  });
}

test.run();
