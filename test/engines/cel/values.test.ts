// JSON/YAML data into CEL values and back: integral numbers are ints (apimachinery decodes JSON
// integers as int64), other numbers doubles; results come back as plain data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCelValue, toCelValue } from '../../../src/engines/cel/index.ts';
import { parseYamlDocuments } from '../../../src/util/yaml.ts';
import { KpcError } from '../../../src/util/errors.ts';
import { value } from './helpers.ts';

test('numbers: integral → int, fractional → double, beyond int64 → double', () => {
  assert.equal(toCelValue({ a: 80, b: 1.5, c: -0, d: 2 ** 64, e: 12n }), { a: 80n, b: 1.5, c: 0n, d: 2 ** 64, e: 12n });
  // YAML read with intAsBigInt gives BigInt ints already; YAML 1.0 is an int as Kubernetes reads it
  const [doc] = parseYamlDocuments('port: 8080\nratio: 0.5\nwhole: 1.0\n', 'x.yaml', { intAsBigInt: true });
  assert.equal(toCelValue(doc?.value), { port: 8080n, ratio: 0.5, whole: 1n });
  assert.is(value('object.port + 1', { object: { port: 8080 } }), 8081n);
});

test('a __proto__ key is data, not a prototype', () => {
  const input = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
  const converted = toCelValue(input) as Record<string, unknown>;
  assert.ok(Object.hasOwn(converted, '__proto__'));
  assert.is(Object.getPrototypeOf(converted), Object.prototype);
  assert.is(value('object["__proto__"].polluted', { object: input }), true);
  assert.is(value('has(object.constructor)', { object: { a: 1 } }), false); // prototype members are not keys
});

test('non-JSON input is refused with a clear error', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => toCelValue(cyclic), (e: unknown) => e instanceof KpcError && /cycle/.test(String(e)));
  assert.throws(() => toCelValue({ f: () => 1 }), (e: unknown) => e instanceof KpcError && /function/.test(String(e)));
});

test('results back to JSON-like data', () => {
  assert.equal(fromCelValue(value('object', { object: { a: [1, 2.5, 'x', true, null] } })), { a: [1, 2.5, 'x', true, null] });
  assert.is(fromCelValue(value('9223372036854775807')), '9223372036854775807');
  assert.is(fromCelValue(value('optional.of(3)')), 3);
  assert.is(fromCelValue(value('optional.none()')), null);
  assert.is(fromCelValue(value('b"hi"')), 'aGk=');
  assert.is(fromCelValue(value('timestamp("2024-01-01T00:00:00Z")')), '2024-01-01T00:00:00.000Z');
});

test.run();
