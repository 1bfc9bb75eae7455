// The public API of src/engines/rego (index.ts): compile errors with locations, values across the
// boundary, Gatekeeper's float64 number text, limits; plus the number and string primitives the
// evaluator relies on, checked against Go's documented outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRego, goFloatNumber, prepareValue, regoNumber, RegoCompileError, RegoEvalError, toGoFloatNumbers } from '../../../src/engines/rego/index.ts';
import { arith, formatFloat64G, RegoNumber } from '../../../src/engines/rego/values/number.ts';
import { compareStrings, goQuote } from '../../../src/engines/rego/values/value.ts';

const policy = compileRego([
  {
    path: 'template.rego',
    source: `package k8s
violation[{"msg": msg, "details": {"missing": missing}}] {
  missing := {"b", "a"} - {l | input.labels[l]}
  count(missing) > 0
  msg := sprintf("missing %v", [missing])
}
n = input.n * 1
`,
  },
]);

test('query returns one binding map per solution, sets as sorted arrays', () => {
  const rows = policy.query('data.k8s.violation[r]', { input: { labels: { c: '1' } } });
  assert.equal(rows, [{ r: { msg: 'missing {"a", "b"}', details: { missing: ['a', 'b'] } } }]);
});

test('exact output keeps sets as Set', () => {
  const v = policy.evaluate('data.k8s.violation', { input: { labels: {} }, exact: true }) as Set<{ details: { missing: Set<string> } }>;
  assert.ok(v instanceof Set);
  const [first] = [...v];
  assert.ok(first?.details.missing instanceof Set);
  assert.equal([...first!.details.missing], ['a', 'b']);
});

test('evaluate gives undefined for an undefined ref', () => {
  assert.is(policy.evaluate('data.k8s.n', {}), undefined);
  assert.is(policy.evaluate('data.k8s.n', { input: { n: 3 } }), 3);
});

test('big integers cross the boundary exactly (bigint in, bigint out)', () => {
  assert.is(policy.evaluate('data.k8s.n', { input: { n: 1152921504606846976000n } }), 1152921504606846976000n);
  assert.is(policy.evaluate('data.k8s.n', { input: { n: regoNumber('1152921504606846976000') } }), 1152921504606846976000n);
});

test('goFloatNumber: the text OPA gives a float64 (strconv.FormatFloat g -1)', () => {
  assert.is(goFloatNumber(1000000).text, '1e+06');
  assert.is(goFloatNumber(100000).text, '100000');
  assert.is(goFloatNumber(1.5).text, '1.5');
  assert.is(goFloatNumber(0.00001).text, '1e-05');
  assert.is(goFloatNumber(2 ** 53 + 2).text, '9.007199254740994e+15');
  const converted = toGoFloatNumbers({ spec: { replicas: 1000000, list: [1, 'a'] } }) as { spec: { replicas: RegoNumber } };
  assert.is(converted.spec.replicas.text, '1e+06');
  const rows = compileRego([{ path: 'p.rego', source: 'package p\nm = sprintf("%v", [input.spec.replicas])' }]).evaluate('data.p.m', { input: converted });
  assert.is(rows, '1e+06');
});

test('prepared values are reused without conversion', () => {
  const input = prepareValue({ labels: { a: '1', b: '2' } });
  assert.equal(policy.query('data.k8s.violation[r]', { input }), []);
});

test('a parse error is a RegoCompileError with file, line and column', () => {
  try {
    compileRego([{ path: 'lib.rego', source: 'package lib\n\np {\n  x := \n}\n' }]);
    assert.unreachable('should fail');
  } catch (e) {
    assert.ok(e instanceof RegoCompileError);
    assert.is(e.errors[0]?.code, 'rego_parse_error');
    assert.is(e.errors[0]?.location?.file, 'lib.rego');
    assert.is(e.errors[0]?.location?.line, 5);
    assert.is(e.errors[0]?.location?.column, 1);
    assert.match(e.toString(), /^lib\.rego:5: rego_parse_error: /);
    assert.match(e.opaText, /^1 error occurred: lib\.rego:5: rego_parse_error: /);
  }
});

test('a conflict is a RegoEvalError with code and location', () => {
  const p = compileRego([{ path: 'c.rego', source: 'package c\np = 1\np = 2\n' }]);
  try {
    p.evaluate('data.c.p');
    assert.unreachable('should fail');
  } catch (e) {
    assert.ok(e instanceof RegoEvalError);
    assert.is(e.code, 'eval_conflict_error');
    assert.match(e.message, /^c\.rego:\d: eval_conflict_error: complete rules must not produce multiple outputs$/);
  }
});

test('runaway input: deeply nested source is a parse error, not a stack overflow', () => {
  const deep = 'package d\np = ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
  assert.throws(() => compileRego([{ path: 'd.rego', source: deep }]), (e: unknown) => e instanceof RegoCompileError && /nesting too deep/.test(String(e)));
});

test('runaway evaluation: the step limit ends it with eval_limit_error', () => {
  const p = compileRego([{ path: 'r.rego', source: 'package r\nn = count([1 | numbers.range(1, 300)[_]; numbers.range(1, 300)[_]; numbers.range(1, 300)[_]])\n' }]);
  assert.throws(
    () => p.evaluate('data.r.n', { limits: { maxSteps: 100_000 } }),
    (e: unknown) => e instanceof RegoEvalError && e.code === 'eval_limit_error',
  );
});

test('numbers: 64-bit big.Float arithmetic prints like OPA', () => {
  const n = (t: string) => new RegoNumber(t);
  assert.is(arith('plus', n('0.1'), n('0.2')).text, '0.3');
  assert.is(arith('mul', n('1.5'), n('1073741824')).text, '1.610612736e+09');
  assert.is(arith('div', n('1'), n('3')).text, '0.33333333333333333334');
  assert.is(arith('div', n('7'), n('2')).text, '3.5');
  assert.is(arith('minus', n('9007199254740993'), n('1')).text, '9007199254740992');
  assert.is(formatFloat64G(1e21), '1e+21');
  assert.is(formatFloat64G(123456), '123456');
  assert.is(formatFloat64G(1234567), '1.234567e+06');
});

test('strings compare by code point (Go), not UTF-16 unit', () => {
  assert.ok(compareStrings('\uffff', '😀') < 0);
  assert.ok(compareStrings('a', 'b') < 0);
  assert.ok(compareStrings('ab', 'a') > 0);
  assert.is(goQuote('a"\n\u2028é\u0000'), '"a\\"\\n\\u2028é\\x00"');
});

test.run();
