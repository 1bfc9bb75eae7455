// cel-go ext.Strings (version 2, as Kubernetes ≥1.29 configures it). Expected values are the
// examples of cel-go's ext/strings.go documentation unless another source is named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileError, evalError, value } from './helpers.ts';

test('charAt: by rune; the length gives "", beyond or negative is an error', () => {
  assert.is(value("'hello'.charAt(4)"), 'o');
  assert.is(value("'hello'.charAt(5)"), '');
  assert.match(evalError("'hello'.charAt(-1)"), 'index out of range: -1');
  assert.is(value("'😀a'.charAt(1)"), 'a');
});

test('indexOf / lastIndexOf count runes, not UTF-16 units', () => {
  assert.is(value("'hello mellow'.indexOf('')"), 0n);
  assert.is(value("'hello mellow'.indexOf('ello')"), 1n);
  assert.is(value("'hello mellow'.indexOf('jello')"), -1n);
  assert.is(value("'hello mellow'.indexOf('', 2)"), 2n);
  assert.is(value("'hello mellow'.indexOf('ello', 2)"), 7n);
  assert.is(value("'hello mellow'.indexOf('ello', 20)"), -1n);
  assert.match(evalError("'hello mellow'.indexOf('ello', -1)"), 'index out of range');
  assert.is(value("'hello mellow'.lastIndexOf('')"), 12n);
  assert.is(value("'hello mellow'.lastIndexOf('ello')"), 7n);
  assert.is(value("'hello mellow'.lastIndexOf('jello')"), -1n);
  assert.is(value("'hello mellow'.lastIndexOf('ello', 6)"), 1n);
  assert.is(value("'hello mellow'.lastIndexOf('ello', 20)"), -1n);
  assert.match(evalError("'hello mellow'.lastIndexOf('ello', -1)"), 'index out of range');
  // cel.md probe: cel-go gives 1 (runes); a UTF-16 count would give 2
  assert.is(value('"😀a".indexOf("a")'), 1n);
});

test('join, lowerAscii, upperAscii (ASCII only)', () => {
  assert.is(value("['hello', 'mellow'].join()"), 'hellomellow');
  assert.is(value("['hello', 'mellow'].join(' ')"), 'hello mellow');
  assert.is(value('[].join()'), '');
  assert.is(value("[].join('/')"), '');
  assert.is(value("'TacoCat'.lowerAscii()"), 'tacocat');
  assert.is(value("'TacoCÆt Xii'.lowerAscii()"), 'tacocÆt xii');
  assert.is(value("'TacoCat'.upperAscii()"), 'TACOCAT');
  assert.is(value("'TacoCÆt Xii'.upperAscii()"), 'TACOCÆT XII');
  assert.is(value('"ÉA".lowerAscii()'), 'Éa'); // cel.md probe
});

test('replace with and without a limit', () => {
  assert.is(value("'hello hello'.replace('he', 'we')"), 'wello wello');
  assert.is(value("'hello hello'.replace('he', 'we', -1)"), 'wello wello');
  assert.is(value("'hello hello'.replace('he', 'we', 1)"), 'wello hello');
  assert.is(value("'hello hello'.replace('he', 'we', 0)"), 'hello hello');
  assert.is(value("'hello hello'.replace('', '_')"), '_h_e_l_l_o_ _h_e_l_l_o_');
  assert.is(value("'hello hello'.replace('h', '')"), 'ello ello');
  // the Gatekeeper exemptImages idiom
  assert.is(value('string("docker.io/library/*").replace("*", "")'), 'docker.io/library/');
});

test('split with and without a limit', () => {
  assert.equal(value("'hello hello hello'.split(' ')"), ['hello', 'hello', 'hello']);
  assert.equal(value("'hello hello hello'.split(' ', 0)"), []);
  assert.equal(value("'hello hello hello'.split(' ', 1)"), ['hello hello hello']);
  assert.equal(value("'hello hello hello'.split(' ', 2)"), ['hello', 'hello hello']);
  assert.equal(value("'hello hello hello'.split(' ', -1)"), ['hello', 'hello', 'hello']);
  // Go strings.Split with an empty separator yields one element per rune
  assert.equal(value("'a😀b'.split('')"), ['a', '😀', 'b']);
});

test('substring by rune ranges', () => {
  assert.is(value("'tacocat'.substring(4)"), 'cat');
  assert.is(value("'tacocat'.substring(0, 4)"), 'taco');
  assert.match(evalError("'tacocat'.substring(-1)"), 'index out of range: -1');
  assert.match(evalError("'tacocat'.substring(2, 1)"), 'invalid substring range. start: 2, end: 1');
});

test('trim uses Go unicode.IsSpace (U+0085 is space, U+FEFF is not)', () => {
  assert.is(value("'  \\ttrim\\n    '.trim()"), 'trim');
  assert.is(value("'\\u0085x\\u0085'.trim()"), 'x');
  assert.is(value("'\\ufeffx'.trim()"), '\ufeffx');
});

test('strings.quote escapes CEL escape sequences', () => {
  assert.is(value(`strings.quote('single-quote with "double quote"')`), '"single-quote with \\"double quote\\""');
  assert.is(value('strings.quote("two escape sequences \\a\\n")'), '"two escape sequences \\a\\n"');
});

test('format (version 1 clauses) and its homogeneous-literal exemption', () => {
  assert.is(value('"this is a string: %s\\nand an integer: %d".format(["str", 42])'), 'this is a string: str\nand an integer: 42');
  assert.is(value('"a double substituted with %%s: %s".format([64.2])'), 'a double substituted with %s: 64.2');
  assert.is(value('"%f".format([3.14])'), '3.140000');
  assert.is(value('"5 in binary: %b".format([5])'), '5 in binary: 101');
  assert.is(value('"26 in hex: %x".format([26])'), '26 in hex: 1a');
  assert.is(value('"26 in hex (uppercase): %X".format([26])'), '26 in hex (uppercase): 1A');
  assert.is(value('"30 in octal: %o".format([30])'), '30 in octal: 36');
  assert.is(value('"true bool: %s - false bool: %s\\nbinary bool: %b".format([true, false, true])'), 'true bool: true - false bool: false\nbinary bool: 1');
  assert.is(value('"duration: %s".format([duration("1h45m47s")])'), 'duration: 6347s');
  assert.is(value('"timestamp: %s".format([timestamp("2023-02-03T23:31:20+00:00")])'), 'timestamp: 2023-02-03T23:31:20Z');
  // mixed element types are allowed inside format() only (ValidateHomogeneousAggregateLiterals exemption)
  assert.is(value('"%s is %d".format(["x", 1])'), 'x is 1');
  assert.match(compileError('[1, "a"]').message, "expected type 'int' but found 'string'");
  assert.match(evalError('"%s %s".format(["a"])'), 'index 1 out of range');
  assert.match(evalError('"%e".format([2.5])'), 'unsupported'); // cel-go prints %e through x/text/message
});

test.run();
