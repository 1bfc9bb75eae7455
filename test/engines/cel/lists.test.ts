// Kubernetes' list library (apiserver/pkg/cel/library/lists.go documentation examples), the regex
// library (library/regex.go examples) and cel-go ext.Sets (ext/sets.go examples).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileError, evalError, isTrue, value } from './helpers.ts';

test('isSorted', () => {
  assert.is(value('[1, 2, 3].isSorted()'), true);
  assert.is(value("['a', 'b', 'b', 'c'].isSorted()"), true);
  assert.is(value('[2.0, 1.0].isSorted()'), false);
  assert.is(value('[1].isSorted()'), true);
  assert.is(value('[].isSorted()'), true);
});

test('sum of ints, doubles, durations; empty is int 0', () => {
  assert.is(value('[1, 3].sum()'), 4n);
  assert.is(value('[1.0, 3.0].sum()'), 4.0);
  isTrue("[duration('1m'), duration('1s')].sum() == duration('1m1s')");
  assert.is(value('[].sum()'), 0n);
  // Kyverno's corpus idiom: a sum over a dyn list from the object
  assert.is(value('object.spec.containers.map(c, c.n).sum()', { object: { spec: { containers: [{ n: 2 }, { n: 5 }] } } }), 7n);
  assert.match(evalError('[9223372036854775807, 1].sum()'), 'overflow');
});

test('min and max; empty list is an error', () => {
  assert.is(value('[1, 3].min()'), 1n);
  assert.is(value('[1, 3].max()'), 3n);
  assert.match(evalError('[].min()'), 'min called on empty list');
  assert.is(value('[1].min()'), 1n);
  assert.is(value("['b', 'a'].max()"), 'b');
});

test('indexOf and lastIndexOf use CEL equality', () => {
  assert.is(value('[1, 2, 2, 3].indexOf(2)'), 1n);
  assert.is(value("['a', 'b', 'b', 'c'].lastIndexOf('b')"), 2n);
  assert.is(value('[1.0].indexOf(1.1)'), -1n);
  assert.is(value("[].indexOf('string')"), -1n);
});

test('regex find and findAll (RE2)', () => {
  assert.is(value("'abc 123'.find('[0-9]+')"), '123');
  assert.is(value("'abc 123'.find('xyz')"), '');
  assert.equal(value("'123 abc 456'.findAll('[0-9]+')"), ['123', '456']);
  assert.equal(value("'123 abc 456'.findAll('[0-9]+', 1)"), ['123']);
  assert.equal(value("'123 abc 456'.findAll('xyz')"), []);
});

test('matches is RE2: inline flags work, lookaround is rejected when compiling', () => {
  assert.is(value("'ABC'.matches('(?i)abc')"), true); // cel.md probe: JS RegExp cannot do (?i)
  assert.is(value("'xabcx'.matches('abc')"), true); // unanchored, as Go's MatchString
  assert.is(value("matches('abc', '^a')"), true);
  assert.match(compileError("'ab'.matches('a(?=b)')").message, 'invalid or unsupported Perl syntax');
  assert.match(compileError("'aa'.find('(a)\\\\1')").message, 'invalid escape sequence');
  // a dynamic pattern is checked when evaluated
  assert.match(evalError("'ab'.matches(object.p)", { object: { p: 'a(?!b)' } }), 'error parsing regexp');
});

test('sets.contains, sets.equivalent, sets.intersects', () => {
  assert.is(value('sets.contains([], [])'), true);
  assert.is(value('sets.contains([], [1])'), false);
  assert.is(value('sets.contains([1, 2, 3, 4], [2, 3])'), true);
  // cel-go's example [1, 2.0, 3u] is a compile error under Kubernetes' homogeneous-literal validator;
  // with dyn() elements the cross-type equality of the example holds
  assert.match(compileError('sets.contains([1, 2.0, 3u], [1.0, 2u, 3])').message, "expected type 'int' but found 'double'");
  assert.is(value('sets.contains([dyn(1), dyn(2.0), dyn(3u)], [dyn(1.0), dyn(2u), dyn(3)])'), true);
  assert.is(value('sets.equivalent([], [])'), true);
  assert.is(value('sets.equivalent([1], [1, 1])'), true);
  assert.is(value('sets.equivalent([1], [dyn(1u), dyn(1.0)])'), true);
  assert.is(value('sets.equivalent([1, 2, 3], [dyn(3u), dyn(2.0), dyn(1)])'), true);
  assert.is(value('sets.intersects([1], [])'), false);
  assert.is(value('sets.intersects([1], [1, 2])'), true);
  assert.is(value('sets.intersects([[1], [2, 3]], [[1, 2], [2, 3]])'), true);
});

test.run();
