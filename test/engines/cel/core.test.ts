// Core CEL semantics as cel-go / Kubernetes define them: the probe table of docs/cel.md (each row
// there was checked against cel-go), the CEL language definition (cel-spec langdef.md: error
// absorption by && || and macros, heterogeneous equality) and cel-go's optional types.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Optional } from '@marcbachmann/cel-js';
import { CelEnvironment } from '../../../src/engines/cel/index.ts';
import { UnsupportedError } from '../../../src/util/errors.ts';
import { compileError, evalError, isTrue, value } from './helpers.ts';

const o = { m: { a: 1 }, nullValued: null, i: 80, s: 'x', list: [1, 2] };

test('presence and missing keys', () => {
  assert.is(value('has(object.missing)', { object: o }), false);
  assert.match(evalError('has(object.missing.b)', { object: o }), 'No such key: missing');
  assert.is(value('has(object.nullValued)', { object: o }), true); // a key with a null value is present
  assert.match(evalError('object.m["k"]', { object: o }), 'No such key: k');
  assert.is(value('"k" in object.m', { object: o }), false);
  // has() on a null operand is false (errorOnBadPresenceTest is off in Kubernetes)
  assert.is(value('has(object.nullValued.x)', { object: o }), false);
  // cel-go accepts any select operand; cel-js alone only identifier chains (cel.md)
  assert.is(value('has({"a": 1}.a)'), true);
  assert.is(value('has([{"a": 1}][0].b)'), false);
  assert.match(compileError('has(object.m["a"])').message, 'invalid argument to has() macro');
});

test('JSON integers are ints; int arithmetic is checked', () => {
  assert.is(value('object.i + 1', { object: o }), 81n);
  assert.is(value('object.i / 3', { object: o }), 26n);
  assert.is(value('-5 / 2'), -2n);
  assert.match(evalError('9223372036854775807 + 1'), 'overflow');
  assert.match(evalError('2u - 3u'), 'overflow');
  assert.match(evalError('1 / 0'), 'division by zero');
  assert.match(evalError('int(1e19)'), 'integer overflow');
  assert.is(value('int(-1.9)'), -1n);
});

test('dyn values compare across numeric types; literals do not', () => {
  isTrue('dyn(1) == 1.0');
  isTrue('dyn(1) == 1u');
  isTrue('dyn(1) < 1.5');
  assert.is(value('dyn(1) == "1"'), false);
  isTrue('1 < 1.5'); // cel.CrossTypeNumericComparisons(true)
  assert.match(compileError('1 == 1.0').message, 'no such overload');
});

test('&& and || absorb errors when the other side decides; macros likewise', () => {
  assert.is(value('object.missing == 1 || true', { object: o }), true);
  assert.is(value('object.missing == 1 && false', { object: o }), false);
  assert.match(evalError('object.missing == 1 || false', { object: o }), 'No such key');
  assert.is(value('true || object.missing == 1', { object: o }), true);
  assert.is(value('[dyn(0), dyn("a")].all(x, x > 0)'), false);
  assert.is(value('[dyn(1), dyn("a")].exists(x, x > 0)'), true);
  assert.match(evalError('[dyn(1), dyn("a")].all(x, x > 0)'), 'no such overload');
  // the common guard
  assert.is(value('!has(object.x) || object.x == false', { object: {} }), true);
});

test('macros: all, exists, exists_one, filter, map with 2 and 3 arguments', () => {
  assert.is(value('[1, 2, 3].exists_one(x, x > 2)'), true);
  assert.equal(value('[1, 2, 3].filter(x, x > 1)'), [2n, 3n]);
  assert.equal(value('[1, 2, 3].map(x, x * 2)'), [2n, 4n, 6n]);
  assert.equal(value('[1, 2, 3].map(x, x > 1, x * 10)'), [20n, 30n]);
  assert.equal(value('{"a": 1, "b": 2}.map(k, k)'), ['a', 'b']);
  assert.is(value('(object.list + [3]).all(x, x > 0)', { object: o }), true);
});

test('homogeneous aggregate literals (Kubernetes ≥1.29 validator)', () => {
  assert.match(compileError('[1, "a"]').message, "expected type 'int' but found 'string'");
  assert.match(compileError('[object.s, "b"]').message, "expected type 'dyn' but found 'string'");
  assert.match(compileError('{"a": 1, "b": "x"}').message, "expected type 'int' but found 'string'");
  assert.equal(value('[dyn(object.s), dyn("b")]', { object: o }), ['x', 'b']); // the Gatekeeper dyn() idiom
  assert.equal(value('[[], [1]]'), [[], [1n]]);
});

test('optional types: .?, [?], orValue, or, hasValue, value, of, none, ofNonZeroValue, ==', () => {
  assert.is(value('object.?m.?a.orValue(0)', { object: o }), 1n);
  assert.is(value('object.?m.?b.orValue(0)', { object: o }), 0n);
  assert.is(value('object.m[?"a"].hasValue()', { object: o }), true);
  assert.is(value('object.?missing.?deeper.hasValue()', { object: o }), false);
  assert.is(value('optional.none().or(optional.of(2)).value()'), 2n);
  assert.match(evalError('optional.none().value()'), 'Optional value is not present');
  // cel-go: orValue on a non-optional receiver returns the receiver (the patched behaviour)
  assert.equal(value('object.list.orValue([])', { object: o }), [1n, 2n]);
  assert.equal(value('object.list.or(optional.of([]))', { object: o }), [1n, 2n]);
  const none = value('optional.ofNonZeroValue("")');
  assert.ok(none instanceof Optional && !none.hasValue());
  assert.is(value('optional.ofNonZeroValue([1]).hasValue()'), true);
  assert.is(value('optional.ofNonZeroValue(0) == optional.none()'), true);
  assert.is(value('optional.of(1) == optional.of(1)'), true);
  assert.is(value('optional.of(1) != optional.of(2)'), true);
  assert.is(value('optional.of(1) == optional.none()'), false);
});

test('string conversions follow Go formatting', () => {
  assert.is(value('string(1e6)'), '1e+06');
  assert.is(value('string(123456.0)'), '123456');
  assert.is(value('string(0.00001)'), '1e-05');
  assert.is(value('string(duration("1h30m"))'), '5400s');
  assert.is(value('string(timestamp("2024-01-01T00:00:00.500Z"))'), '2024-01-01T00:00:00.5Z');
});

test('durations and timestamps parse as Go does (time.ParseDuration, RFC 3339)', () => {
  isTrue('duration("1.5h") == duration("90m")');
  isTrue('duration("2h45m") == duration("165m")');
  isTrue('duration("-1.5h") == duration("0") - duration("90m")');
  isTrue('duration("1h15m30.918273645s") == duration("4530918273645ns")');
  isTrue('duration("0") == duration("0s")'); // Go's special case for a bare 0
  assert.match(evalError('duration(object.d)', { object: { d: '.s' } }), 'time: invalid duration ".s"');
  assert.match(evalError('duration(object.d)', { object: { d: '1d' } }), 'time: unknown unit "d" in duration "1d"');
  assert.match(evalError('duration(object.d)', { object: { d: '3000000h' } }), 'time: invalid duration'); // beyond int64 nanoseconds
  isTrue('timestamp("2023-02-03T23:31:20+01:00") == timestamp("2023-02-03T22:31:20Z")');
  isTrue('timestamp("2024-01-01T00:00:00Z") - timestamp("2023-12-31T00:00:00Z") == duration("24h")');
  assert.match(evalError('timestamp(object.t)', { object: { t: '2024-01-01 00:00:00Z' } }), 'not a valid RFC 3339 timestamp');
  assert.match(evalError('timestamp(object.t)', { object: { t: '2023-02-29T00:00:00Z' } }), 'not a valid RFC 3339 timestamp');
});

test('literal arguments are validated when compiling (regex, duration, timestamp)', () => {
  assert.match(compileError('"a".matches("[")').message, 'missing closing ]');
  assert.match(compileError('duration("1x")').message, 'invalid duration argument');
  assert.match(compileError('timestamp("yesterday")').message, 'invalid timestamp argument');
});

test('constructs Kubernetes does not have, or we cannot run, fail loudly', () => {
  const twoVariable = compileError('[1].all(i, v, v > 0)');
  assert.ok(twoVariable instanceof UnsupportedError, String(twoVariable));
  assert.ok(compileError('[1].transformList(i, v, v * 2)') instanceof UnsupportedError);
  assert.match(compileError('cel.bind(x, 1, x + 1)').message, "undeclared reference to 'bind'");
  // Kyverno's environment has cel.bind
  assert.is(new CelEnvironment({ celBind: true }).compile('cel.bind(x, 1, x + 1)').run({}).ok, true);
  // optional entries in literals are not parsed by cel-js
  assert.match(compileError('[?optional.of(1)]').message, 'compilation failed');
});

test('compile errors carry the position inside the expression', () => {
  // cel-js points at the start of the offending sub-expression (cel-go at its operator)
  const error = compileError('true &&\n  1 + "x"');
  assert.ok(error.message.includes('no such overload: int + string (at 2:3) in expression: true && 1 + "x"'), error.message);
  const position = (error as unknown as { position?: { line: number; column: number } }).position;
  assert.equal(position, { line: 2, column: 3 });
});

test.run();
