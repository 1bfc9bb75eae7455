// Kubernetes' quantity library: the documentation examples of apiserver/pkg/cel/library/quantity.go
// and the cases of its quantity_test.go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evalError, isTrue, value } from './helpers.ts';

test('quantity() parses apimachinery quantities and rejects malformed ones', () => {
  isTrue("quantity('1.5G') == quantity('1500M')");
  isTrue("quantity('200k') == quantity('200000')");
  isTrue('quantity("12Mi") == quantity("12582912")');
  assert.match(evalError("quantity('200K')"), "unable to parse quantity's suffix");
  assert.match(evalError("quantity('Three')"), 'quantities must match the regular expression');
  assert.match(evalError('quantity("10Mo")'), 'quantities must match the regular expression');
  assert.match(evalError('quantity("10Mm")'), "unable to parse quantity's suffix");
});

test('isQuantity', () => {
  for (const [text, expected] of [
    ['1.3G', true], ['1.3Gi', true], ['1,3G', false], ['10000k', true], ['200K', false], ['Three', false],
    ['20', true], ['20M', true], ['20Mi', true], ['20Mo', false], ['10Mm', false],
  ] as const) {
    assert.is(value(`isQuantity('${text}')`), expected, text);
  }
});

test('equality and comparison are exact across suffixes', () => {
  isTrue('quantity("200M") == quantity("200M")');
  isTrue('quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")');
  isTrue('quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M") && quantity("0.002G") == quantity("2000k")');
  assert.is(value('quantity("200M") == quantity("0.3G")'), false);
  assert.is(value('quantity("50M").isLessThan(quantity("50Mi"))'), true);
  assert.is(value('quantity("100M").isLessThan(quantity("50M"))'), false);
  assert.is(value('quantity("50Mi").isGreaterThan(quantity("50M"))'), true);
  assert.is(value('quantity("150Mi").isGreaterThan(quantity("100Mi"))'), true);
  assert.is(value('quantity("200M").compareTo(quantity("0.2G"))'), 0n);
  assert.is(value('quantity("50M").compareTo(quantity("50Mi"))'), -1n);
  assert.is(value('quantity("50Mi").compareTo(quantity("50M"))'), 1n);
  assert.is(value('[quantity("1")].exists(q, q == quantity("1000m"))'), true);
});

test('arithmetic', () => {
  isTrue('quantity("50k").add(quantity("20")) == quantity("50.02k")');
  assert.is(value('quantity("50k").add(20).isLessThan(quantity("50020"))'), false);
  isTrue('quantity("50k").sub(quantity("20")) == quantity("49.98k")');
  isTrue('quantity("50k").sub(20) == quantity("49980")');
  isTrue('quantity("50k").add(20).sub(quantity("100k")).sub(-50000) == quantity("20")');
  isTrue('quantity("50k").mul(2) == quantity("100000")');
  assert.is(value('quantity("50k").add(20).sub(quantity("100k")).asInteger()'), -49980n);
  assert.is(value('quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger()'), 20n);
  assert.match(evalError('quantity("10000").divInt(3)'), 'unsupported');
});

test('conversions follow the internal representation', () => {
  assert.is(value('quantity("50k").asInteger()'), 50000n);
  assert.match(evalError('quantity("9999999999999999999999999999999999999G").asInteger()'), 'cannot convert value to integer');
  assert.is(value('quantity("9999999999999999999999999999999999999G").isInteger()'), false);
  assert.is(value('quantity("50").isInteger()'), true);
  assert.is(value('quantity("50000000G").isInteger()'), true);
  assert.is(value('quantity("50k").isInteger()'), true);
  assert.is(value('quantity("50.703k").asApproximateFloat()'), 50703);
  isTrue('quantity("50k").sub(20000).asApproximateFloat() == 30000.0');
  assert.is(value('sign(quantity("-1m"))'), -1n);
  assert.is(value('sign(quantity("0"))'), 0n);
});

test.run();
