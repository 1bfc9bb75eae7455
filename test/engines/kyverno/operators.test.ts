// Condition operators, against the Evaluate tables of kyverno/kyverno
// pkg/engine/variables/operator/{anynotin,allnotin,equal,notequal,in,numeric,duration}_test.go
// (Go `int` literals are GoInt here: the Go type selects the operator branch).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GoInt } from '../../../src/engines/jmespath/index.ts';
import { operatorHandler } from '../../../src/engines/kyverno/operators.ts';

// [operator, upstream case name, key, value, expected]
const UPSTREAM_CASES: [string, string, unknown, unknown, boolean][] = [
  ['AnyNotIn', "key is string and in value", "kyverno", "kyverno", false],
  ['AnyNotIn', "key is string and in value", "kube-system", ["default", "kube-*"], false],
  ['AnyNotIn', "key is string and not in value", "kyverno", "default", true],
  ['AnyNotIn', "key is int and in value", new GoInt(64), "64", false],
  ['AnyNotIn', "key is int and in value", new GoInt(1), [new GoInt(1), new GoInt(2), new GoInt(3)], false],
  ['AnyNotIn', "key is int and not in value", new GoInt(64), "default", true],
  ['AnyNotIn', "key is float and in value", 3.14, "3.14", false],
  ['AnyNotIn', "key is float and in value", 2.2, [1.1, 2.2, 3.3], false],
  ['AnyNotIn', "key is float and not in value", 3.14, "default", true],
  ['AnyNotIn', "key is boolean and in value", true, true, false],
  ['AnyNotIn', "key is array and in value", ["kube-system", "kube-public"], "kube-*", false],
  ['AnyNotIn', "key is array and partially in value", ["kube-system", "default"], "kube-system", true],
  ['AnyNotIn', "key is array and not in value", ["default", "kyverno"], "kube-*", true],
  ['AnyNotIn', "key is array of int and partially in value", [new GoInt(1), new GoInt(2), new GoInt(3)], new GoInt(2), true],
  ['AnyNotIn', "key is array of int and not in value", [new GoInt(1), new GoInt(2), new GoInt(3)], new GoInt(4), true],
  ['AnyNotIn', "key is array of float and partially in value", [1.1, 2.2, 3.3], 1.1, true],
  ['AnyNotIn', "key is array of float and not in value", [1.1, 2.2, 3.3], 4.4, true],
  ['AnyNotIn', "key is array of bool and partially in value", [true, false], true, true],
  ['AnyNotIn', "key is an array of bool and not in value", [true], false, true],
  ['AnyNotIn', "key and value are array and not in value", ["default", "kyverno"], ["kube-*", "kube-system"], true],
  ['AnyNotIn', "key and value are array and partially in value", ["default", "kyverno"], ["kube-*", "ky*"], true],
  ['AnyNotIn', "key and value are arrays, key is an empty array but is in value", [], ["default", "kyverno"], false],
  ['AnyNotIn', "key is an empty string and value is an array, key is not in value", "", ["default", "kyverno"], true],
  ['AllNotIn', "key is string and in value", "kyverno", "kyverno", false],
  ['AllNotIn', "key is string and in value", "kube-system", ["default", "kube-*"], false],
  ['AllNotIn', "key is string and not in value", "kyverno", "default", true],
  ['AllNotIn', "key is int and in value", new GoInt(64), "64", false],
  ['AllNotIn', "key is int and not in value", new GoInt(64), "default", true],
  ['AllNotIn', "key is array and in value", ["kube-system", "kube-public"], "kube-*", false],
  ['AllNotIn', "key is array and partially in value", ["kube-system", "default"], "kube-system", false],
  ['AllNotIn', "key is array and not in value", ["default", "kyverno"], "kube-*", true],
  ['AllNotIn', "key and value are array and not in value", ["default", "kyverno"], ["kube-*", "kube-system"], true],
  ['AllNotIn', "key and value are array and partially in value", ["default", "kyverno"], ["kube-*", "ky*"], false],
  ['Equals', "bool equal true", true, true, true],
  ['Equals', "bool equal false", false, false, true],
  ['Equals', "bool not equal", true, false, false],
  ['Equals', "bool with wrong type", true, "true", false],
  ['Equals', "int equal", new GoInt(42), new GoInt(42), true],
  ['Equals', "int not equal", new GoInt(42), new GoInt(43), false],
  ['Equals', "int64 equal", new GoInt(100), new GoInt(100), true],
  ['Equals', "int with int64", new GoInt(42), new GoInt(42), true],
  ['Equals', "int with float64 no fraction", new GoInt(42), 42, true],
  ['Equals', "int with float64 with fraction", new GoInt(42), 42.5, false],
  ['Equals', "int with string", new GoInt(42), "42", true],
  ['Equals', "int with invalid string", new GoInt(42), "invalid", false],
  ['Equals', "float equal", 3.14, 3.14, true],
  ['Equals', "float not equal", 3.14, 2.71, false],
  ['Equals', "float with int no fraction", 42, new GoInt(42), true],
  ['Equals', "float with int64", 100, new GoInt(100), true],
  ['Equals', "float with string", 3.14, "3.14", true],
  ['Equals', "float with invalid string", 3.14, "invalid", false],
  ['Equals', "string equal", "hello", "hello", true],
  ['Equals', "string not equal", "hello", "world", false],
  ['Equals', "string with wildcard match", "hello-world", "hello-*", true],
  ['Equals', "string with wildcard no match", "goodbye-world", "hello-*", false],
  ['Equals', "string with wrong type", "hello", new GoInt(123), false],
  ['Equals', "resource quantity equal", "100Mi", "100Mi", true],
  ['Equals', "resource quantity equal different format", "1Gi", "1024Mi", true],
  ['Equals', "resource quantity not equal", "100Mi", "200Mi", false],
  ['Equals', "duration equal", "1h", "60m", true],
  ['Equals', "duration not equal", "1h", "30m", false],
  ['Equals', "map equal", {"foo": "bar"}, {"foo": "bar"}, true],
  ['Equals', "map not equal", {"foo": "bar"}, {"foo": "baz"}, false],
  ['Equals', "map with wrong type", {"foo": "bar"}, "not a map", false],
  ['Equals', "slice equal", ["a", "b", "c"], ["a", "b", "c"], true],
  ['Equals', "slice not equal", ["a", "b", "c"], ["a", "b", "d"], false],
  ['Equals', "slice different length", ["a", "b", "c"], ["a", "b"], false],
  ['Equals', "slice with wrong type", ["a", "b", "c"], "not a slice", false],
  ['NotEquals', "bool", true, false, true],
  ['NotEquals', "int", new GoInt(42), new GoInt(43), true],
  ['NotEquals', "int vs fractional float", new GoInt(5), 5.5, true],
  ['NotEquals', "float", 3.14, 2.71, true],
  ['NotEquals', "string", "hello", "world", true],
  ['NotEquals', "resource quantity vs non-quantity", "100Mi", "not-a-quantity", true],
  ['NotEquals', "duration", "1h", "30m", true],
  ['NotEquals', "map", {"foo": "bar"}, {"foo": "baz"}, true],
  ['NotEquals', "slice", ["a", "b"], ["a", "c"], true],
  ['In', "TestInHandler_Evaluate: string in slice - found", "apple", ["apple", "banana", "cherry"], true],
  ['In', "TestInHandler_Evaluate: string in slice - not found", "grape", ["apple", "banana", "cherry"], false],
  ['In', "TestInHandler_Evaluate: string in slice - empty slice", "apple", [], false],
  ['In', "TestInHandler_Evaluate: string matches string value", "hello", "hello", true],
  ['In', "TestInHandler_Evaluate: string matches wildcard value", "hello-world", "hello-*", true],
  ['In', "TestInHandler_Evaluate: string no match wildcard value", "goodbye-world", "hello-*", false],
  ['In', "TestInHandler_Evaluate: string in JSON array string - found", "apple", "[\"apple\", \"banana\", \"cherry\"]", true],
  ['In', "TestInHandler_Evaluate: string in JSON array string - not found", "grape", "[\"apple\", \"banana\", \"cherry\"]", false],
  // encoding/json leaves a null element of a []string at its zero value "": it matches an empty key
  ['In', "empty string key vs JSON array string with a null element", "", "[\"a\", null]", true],
  ['NotIn', "empty string key vs JSON array string with a null element", "", "[\"a\", null]", false],
  ['In', "list key with an empty string vs JSON array string with a null element", ["", "a"], "[\"a\", null]", true],
  ['In', "JSON null string is an empty list", "a", "null", false],
  ['In', "TestInHandler_Evaluate: int in slice - found", new GoInt(42), ["42", "43", "44"], true],
  ['In', "TestInHandler_Evaluate: int in slice - not found", new GoInt(99), ["42", "43", "44"], false],
  ['In', "TestInHandler_Evaluate: int64 in slice - found", new GoInt(100), ["100", "200"], true],
  ['In', "TestInHandler_Evaluate: float64 in slice - found", 3.14, ["3.14", "2.71"], true],
  ['In', "TestInHandler_Evaluate: bool in slice - found", true, ["true", "false"], true],
  ['In', "TestInHandler_Evaluate: slice subset of slice - all found", ["apple", "banana"], ["apple", "banana", "cherry"], true],
  ['In', "TestInHandler_Evaluate: slice subset of slice - not all found", ["apple", "grape"], ["apple", "banana", "cherry"], false],
  ['In', "TestInHandler_Evaluate: slice subset of JSON array - all found", ["apple", "banana"], "[\"apple\", \"banana\", \"cherry\"]", true],
  ['In', "TestInHandler_Evaluate: unsupported key type", {"foo": "bar"}, ["a", "b"], false],
  ['In', "TestInHandler_Evaluate: invalid value type", "apple", new GoInt(12345), false],
  ['GreaterThan', "gt true", new GoInt(10), new GoInt(5), true],
  ['GreaterThan', "gt false", new GoInt(5), new GoInt(10), false],
  ['GreaterThan', "gt equal", new GoInt(5), new GoInt(5), false],
  ['GreaterThanOrEquals', "ge true", new GoInt(10), new GoInt(10), true],
  ['LessThan', "lt true", new GoInt(5), new GoInt(10), true],
  ['LessThanOrEquals', "le true", new GoInt(5), new GoInt(5), true],
  ['GreaterThan', "float gt", 10.5, 10.4, true],
  ['LessThan', "float lt", 10.4, 10.5, true],
  ['GreaterThan', "string numeric gt", "100", new GoInt(50), true],
  ['LessThan', "string numeric lt", "50", "100", true],
  ['GreaterThan', "semver gt", "1.2.3", "1.2.2", true],
  ['LessThan', "semver lt", "1.1.0", "1.2.0", true],
  ['GreaterThanOrEquals', "semver ge", "1.2.0", "1.2.0", true],
  ['GreaterThan', "resource gt", "200Mi", "100Mi", true],
  ['LessThan', "resource lt", "1Gi", "2Gi", true],
  ['GreaterThanOrEquals', "resource ge", "500m", "0.5", true],
  ['GreaterThan', "unsupported type key", true, new GoInt(5), false],
  ['GreaterThan', "invalid numeric string", "not-a-number", new GoInt(5), false],
  ['GreaterThan', "nil key", null, new GoInt(5), false],
  ['DurationGreaterThan', "duration string > string true", "2h", "1h", true],
  ['DurationGreaterThan', "duration string > string false", "1h", "2h", false],
  ['DurationGreaterThan', "duration string > string equal", "1h", "1h", false],
  ['DurationGreaterThan', "duration 60m > 1h equal", "60m", "1h", false],
  ['DurationGreaterThan', "duration 61m > 1h true", "61m", "1h", true],
  ['DurationGreaterThan', "int > int true", new GoInt(120), new GoInt(60), true],
  ['DurationGreaterThan', "int > int false", new GoInt(60), new GoInt(120), false],
  ['DurationGreaterThan', "int64 > int64 true", new GoInt(3600), new GoInt(1800), true],
  ['DurationGreaterThan', "int > string duration true", new GoInt(120), "1m", true],
  ['DurationGreaterThan', "float > float true", 120.5, 60.5, true],
  ['DurationGreaterThan', "float > int true", 120.5, new GoInt(60), true],
  ['DurationGreaterThan', "float > string duration true", 120, "1m", true],
  ['DurationGreaterThan', "unsupported type", true, false, false],
  ['DurationGreaterThanOrEquals', "duration >= duration true greater", "2h", "1h", true],
  ['DurationGreaterThanOrEquals', "duration >= duration true equal", "1h", "60m", true],
  ['DurationGreaterThanOrEquals', "duration >= duration false", "30m", "1h", false],
  ['DurationGreaterThanOrEquals', "int >= int true equal", new GoInt(60), new GoInt(60), true],
  ['DurationLessThan', "duration < duration true", "30m", "1h", true],
  ['DurationLessThan', "duration < duration false", "2h", "1h", false],
  ['DurationLessThan', "duration < duration equal", "1h", "60m", false],
  ['DurationLessThan', "int < int true", new GoInt(30), new GoInt(60), true],
  ['DurationLessThanOrEquals', "duration <= duration true less", "30m", "1h", true],
  ['DurationLessThanOrEquals', "duration <= duration true equal", "1h", "60m", true],
  ['DurationLessThanOrEquals', "duration <= duration false", "2h", "1h", false],
  ['DurationLessThanOrEquals', "int <= int true equal", new GoInt(60), new GoInt(60), true],];

for (const [op, name, key, value, expected] of UPSTREAM_CASES) {
  test(`${op}: ${name}`, () => {
    const handler = operatorHandler(op);
    assert.ok(handler, `operator ${op}`);
    assert.is(handler!(key, value), expected);
  });
}

// The cases below follow the source (operator/*.go) where upstream has no Evaluate table.
test('a nil key makes every operator false, NotEquals and the NotIn family included', () => {
  for (const op of ['Equals', 'NotEquals', 'AnyIn', 'AllIn', 'AnyNotIn', 'AllNotIn', 'In', 'NotIn', 'GreaterThan', 'DurationLessThan']) {
    assert.is(operatorHandler(op)!(null, 'x'), false, op);
  }
});

test('AnyIn / AllIn match wildcards in both directions and parse JSON string arrays', () => {
  const anyIn = operatorHandler('AnyIn')!;
  const allIn = operatorHandler('AllIn')!;
  assert.is(anyIn(['kube-system', 'default'], ['kube-*']), true);
  assert.is(allIn(['kube-system', 'default'], ['kube-*']), false);
  assert.is(anyIn(['kube-*'], ['kube-system']), true); // the key side may hold the wildcard
  assert.is(anyIn('b', '["a", "b"]'), true);
  assert.is(allIn([], ['x']), true); // an empty key list is vacuously all-in
  assert.is(anyIn([], ['x']), false);
});

test('range strings: AnyNotIn "5000-6000" tests a!-b per element (disallow-host-ports-range)', () => {
  const anyNotIn = operatorHandler('AnyNotIn')!;
  assert.is(anyNotIn([80], '5000-6000'), true);
  assert.is(anyNotIn([5500], '5000-6000'), false);
  assert.is(anyNotIn([5500, 7000], '5000-6000'), true);
  assert.is(anyNotIn([], '5000-6000'), false);
  assert.is(operatorHandler('AnyIn')!([5500], '5000-6000'), true);
  assert.is(operatorHandler('AllNotIn')!([80, 90], '5000-6000'), true);
});

test('a JSON value that is not a string array makes the In family false (invalid type)', () => {
  assert.is(operatorHandler('AnyIn')!('8080', '80'), false);
  assert.is(operatorHandler('AnyNotIn')!('8080', '80'), false);
});

test('Equals with a quantity-looking key does not fall back to wildcards', () => {
  const equals = operatorHandler('Equals')!;
  assert.is(equals('1', '1*'), false);
  assert.is(equals('1Gi', '1024Mi'), true);
  assert.is(operatorHandler('NotEquals')!('1', 'abc'), true);
  assert.is(equals('abc', 'a*'), true); // only the value side is a pattern
  assert.is(equals('a*', 'abc'), false);
});

test('durations: a number means seconds, "0" is not a duration', () => {
  const equals = operatorHandler('Equals')!;
  assert.is(equals('1m', 60), true);
  assert.is(equals('1m', '60s'), true);
  assert.is(operatorHandler('GreaterThan')!('2h', '90m'), true);
});

test('numeric: "1.10" parses as a float, so it is less than "1.9"; semver only when floats fail', () => {
  assert.is(operatorHandler('LessThan')!('1.10', '1.9'), true);
  assert.is(operatorHandler('GreaterThan')!('1.10.0', '1.9.0'), true);
});

test('operator names are case-insensitive, but numeric comparisons only know the canonical spelling', () => {
  assert.is(operatorHandler('equals')!('a', 'a'), true);
  assert.is(operatorHandler('greaterthan')!(2, 1), false);
  assert.is(operatorHandler('Unknown'), null);
});

test.run();
