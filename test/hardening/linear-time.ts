// Run by regexes.test.ts as a child process with a timeout (not a test file itself): every place
// where a regex or trim used to backtrack quadratically or exponentially, fed a million-character
// adversarial string. Linear code answers in milliseconds; a regression hangs and is killed.
// Prints one JSON object of results for the test to check.
import { defaultCelEnvironment, toCelValue } from '../../src/engines/cel/index.ts';
import { goParseFloat } from '../../src/engines/jmespath/strconv.ts';
import { tryParseQuantity } from '../../src/engines/kyverno/go/quantity.ts';
import { validateScalar } from '../../src/engines/kyverno/pattern/scalar.ts';
import { goParseFloatAccepts } from '../../src/engines/rego/builtins/casts.ts';
import { compileRego } from '../../src/engines/rego/index.ts';

const N = 1_000_000;
const digits = '1'.repeat(N);
const zeros = `1${'0'.repeat(N)}1`;
// a run of spaces that does not reach the end: /[ ]+$/ retries it from every position
const spaces = `x${' '.repeat(N)}y`;

const cel = (expression: string, object: unknown) => {
  const outcome = defaultCelEnvironment().compile(expression).run({ object: toCelValue(object) }, 10_000_000);
  return outcome.ok ? outcome.value : `error: ${outcome.error}`;
};

const rego = compileRego([
  {
    path: 'p.rego',
    source: `package p
hex := to_number(input.hex)
`,
  },
]);

const results = {
  // Go strconv.ParseFloat syntax (JMESPath / Kyverno): digits then a stray character
  goParseFloatDigits: goParseFloat(`${digits}!`),
  goParseFloatHex: goParseFloat(`0x${'a'.repeat(N)}!`),
  // OPA to_number's syntax check, decimal and hexadecimal float
  toNumberDecimal: goParseFloatAccepts(`${digits}!`),
  toNumberHex: goParseFloatAccepts(`0x${'a'.repeat(N)}!`),
  // Kyverno quantities: trailing zeros of the digits
  kyvernoQuantity: tryParseQuantity(`${zeros}`) !== null,
  // Kyverno pattern: "a | b" parts are trimmed of spaces
  kyvernoPatternTrim: validateScalar(spaces, ` ${spaces} `),
  // CEL: string.trim() and quantity syntax
  celTrim: cel('(" " + object.s + " ").trim() == object.s', { s: spaces }),
  celIsQuantity: cel('isQuantity(object.q)', { q: `${'0'.repeat(N)}x` }),
  // Rego: a hexadecimal-looking string refused by to_number (a builtin error: undefined)
  regoHex: rego.evaluate('data.p.hex', { input: { hex: `0x${'a'.repeat(N)}!` } }) ?? null,
};
process.stdout.write(`${JSON.stringify(results)}\n`);
