// Go helpers Kyverno relies on: ext/wildcard Match (IGLOU-EU/go-wildcard v1.0.3, cases from
// kyverno ext/wildcard/match_test.go plus an equivalence property against the recursive original),
// time.ParseDuration / Duration.String (cases from Go's time_test.go) and resource.Quantity parsing
// and comparison.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { checkPatterns, containsWildcard, wildcardMatch } from '../../../src/engines/kyverno/go/wildcard.ts';
import { formatDuration, parseDuration, tryParseDuration } from '../../../src/engines/kyverno/go/duration.ts';
import { compareQuantities, parseQuantity, tryParseQuantity } from '../../../src/engines/kyverno/go/quantity.ts';

const wildcardCases: [string, string, boolean][] = [
  ['*', 's3:GetObject', true],
  ['', 's3:GetObject', false],
  ['', '', true],
  ["s3:*", "s3:ListMultipartUploadParts", true],
  ["s3:ListBucketMultipartUploads", "s3:ListBucket", false],
  ["s3:ListBucket", "s3:ListBucket", true],
  ["s3:ListBucketMultipartUploads", "s3:ListBucketMultipartUploads", true],
  ["my-bucket/oo*", "my-bucket/oo", true],
  ["my-bucket/In*", "my-bucket/India/Karnataka/", true],
  ["my-bucket/In*", "my-bucket/Karnataka/India/", false],
  ["my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Ban", true],
  ["my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Ban/Ban/Ban/Ban/Ban", true],
  ["my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Area1/Area2/Area3/Ban", true],
  ["my-bucket/In*/Ka*/Ban", "my-bucket/India/State1/State2/Karnataka/Area1/Area2/Area3/Ban", true],
  ["my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Bangalore", false],
  ["my-bucket/In*/Ka*/Ban*", "my-bucket/India/Karnataka/Bangalore", true],
  ["my-bucket/*", "my-bucket/India", true],
  ["my-bucket/oo*", "my-bucket/odo", false],
  ["my-bucket?/abc*", "mybucket/abc", false],
  ["my-bucket?/abc*", "my-bucket1/abc", true],
  ["my-?-bucket/abc*", "my--bucket/abc", false],
  ["my-?-bucket/abc*", "my-1-bucket/abc", true],
  ["my-?-bucket/abc*", "my-k-bucket/abc", true],
  ["my??bucket/abc*", "mybucket/abc", false],
  ["my??bucket/abc*", "my4abucket/abc", true],
  ["my-bucket?abc*", "my-bucket/abc", true],
  ["my-bucket/abc?efg", "my-bucket/abcdefg", true],
  ["my-bucket/abc?efg", "my-bucket/abc/efg", true],
  ["my-bucket/abc????", "my-bucket/abc", false],
  ["my-bucket/abc????", "my-bucket/abcde", false],
  ["my-bucket/abc????", "my-bucket/abcdefg", true],
  ["my-bucket/abc?", "my-bucket/abc", false],
  ["my-bucket/abc?", "my-bucket/abcd", true],
  ["my-bucket/abc?", "my-bucket/abcde", false],
  ["my-bucket/mnop*?", "my-bucket/mnop", false],
  ["my-bucket/mnop*?", "my-bucket/mnopqrst/mnopqr", true],
  ["my-bucket/mnop*?", "my-bucket/mnopqrst/mnopqrs", true],
  ["my-bucket/mnop*?", "my-bucket/mnop", false],
  ["my-bucket/mnop*?", "my-bucket/mnopq", true],
  ["my-bucket/mnop*?", "my-bucket/mnopqr", true],
  ["my-bucket/mnop*?and", "my-bucket/mnopqand", true],
  ["my-bucket/mnop*?and", "my-bucket/mnopand", false],
  ["my-bucket/mnop*?and", "my-bucket/mnopqand", true],
  ["my-bucket/mnop*?", "my-bucket/mn", false],
  ["my-bucket/mnop*?", "my-bucket/mnopqrst/mnopqrs", true],
  ["my-bucket/mnop*??", "my-bucket/mnopqrst", true],
  ["my-bucket/mnop*qrst", "my-bucket/mnopabcdegqrst", true],
  ["my-bucket/mnop*?and", "my-bucket/mnopqand", true],
  ["my-bucket/mnop*?and", "my-bucket/mnopand", false],
  ["my-bucket/mnop*?and?", "my-bucket/mnopqanda", true],
  ["my-bucket/mnop*?and", "my-bucket/mnopqanda", false],
  ["my-?-bucket/abc*", "my-bucket/mnopqanda", false],  // runes, not bytes
  ['?', 'ß', true],
  ['??', 'ß', false],
  ['a*?', 'a日本', true],
];
for (const [pattern, text, matched] of wildcardCases) {
  test(`wildcard ${JSON.stringify(pattern)} ~ ${JSON.stringify(text)}`, () => {
    assert.is(wildcardMatch(pattern, text), matched);
  });
}

/** The upstream recursive matcher (deepMatchRune with simple=false). */
function reference(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern === '*') return true;
  const deep = (s: string[], p: string[]): boolean => {
    while (p.length > 0) {
      if (p[0] === '*') return deep(s, p.slice(1)) || (s.length > 0 && deep(s.slice(1), p));
      if (p[0] === '?') {
        if (s.length === 0) return false;
      } else if (s.length === 0 || s[0] !== p[0]) return false;
      s = s.slice(1);
      p = p.slice(1);
    }
    return s.length === 0;
  };
  return deep([...name], [...pattern]);
}

test('wildcard: same language as the recursive original', () => {
  const alpha = fc.constantFrom('a', 'b', '*', '?', 'ß');
  fc.assert(
    fc.property(fc.array(alpha, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', 'ß'), { maxLength: 10 }), (p, s) => {
      assert.is(wildcardMatch(p.join(''), s.join('')), reference(p.join(''), s.join('')));
    }),
    { numRuns: 3000 },
  );
});

test('wildcard: adversarial patterns stay fast', () => {
  const start = Date.now();
  assert.is(wildcardMatch('*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(2000)), false);
  assert.ok(Date.now() - start < 1000);
});

test('containsWildcard / checkPatterns', () => {
  assert.is(containsWildcard('name'), false);
  assert.is(containsWildcard(''), false);
  assert.is(containsWildcard('start*end'), true);
  assert.is(containsWildcard('name?'), true);
  assert.is(checkPatterns(['kube-*', 'default'], 'default'), true);
  assert.is(checkPatterns(['kube-*'], 'prod', 'kube-system'), true);
  assert.is(checkPatterns([], 'x'), false);
});

// time.ParseDuration (Go time_test.go parseDurationTests)
const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const S = 1000n * MS;
const M = 60n * S;
const H = 60n * M;
const durations: [string, bigint][] = [
  ['0', 0n],
  ['5s', 5n * S],
  ['30s', 30n * S],
  ['1478s', 1478n * S],
  ['-5s', -5n * S],
  ['+5s', 5n * S],
  ['-0', 0n],
  ['+0', 0n],
  ['5.0s', 5n * S],
  ['5.6s', 5n * S + 600n * MS],
  ['5.s', 5n * S],
  ['.5s', 500n * MS],
  ['1.004s', S + 4n * MS],
  ['100.00100s', 100n * S + MS],
  ['10ns', 10n],
  ['11us', 11n * US],
  ['12µs', 12n * US],
  ['12μs', 12n * US],
  ['13ms', 13n * MS],
  ['15m', 15n * M],
  ['16h', 16n * H],
  ['3h30m', 3n * H + 30n * M],
  ['10.5s4m', 4n * M + 10n * S + 500n * MS],
  ['-2m3.4s', -(2n * M + 3n * S + 400n * MS)],
  ['1h2m3s4ms5us6ns', H + 2n * M + 3n * S + 4n * MS + 5n * US + 6n],
  ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425n * MS],
  ['52763797000ns', 52763797000n],
  ['0.3333333333333333333h', 20n * M],
  ['9007199254740993ns', 9007199254740993n],
  ['9223372036854775807ns', 9223372036854775807n],
  ['9223372036854775.807us', 9223372036854775807n],
  ['9223372036s854ms775us807ns', 9223372036854775807n],
  ['-9223372036854775808ns', -9223372036854775808n],
  ['-9223372036854775.808us', -9223372036854775808n],
  ['0.100000000000000000000h', 6n * M],
  ['0.830103483285477580700h', 49n * M + 48n * S + 372539827n],
];
for (const [text, want] of durations) {
  test(`ParseDuration ${text}`, () => {
    assert.is(parseDuration(text), want);
  });
}
for (const text of ['', '3', '-', 's', '.', '-.', '.s', '+.s', '1d', '9223372036854775808ns', '9223372036854775.808us', '9223372036854ms775us808ns', '-9223372036854775809ns']) {
  test(`ParseDuration error ${JSON.stringify(text)}`, () => {
    assert.throws(() => parseDuration(text));
    assert.is(tryParseDuration(text), null);
  });
}

// Duration.String (Go time_test.go durationTests)
const formats: [string, bigint][] = [
  ['0s', 0n],
  ['1ns', 1n],
  ['1.1µs', 1100n],
  ['2.2ms', 2200n * US],
  ['3.3s', 3300n * MS],
  ['4m5s', 4n * M + 5n * S],
  ['4m5.001s', 4n * M + 5001n * MS],
  ['5h6m7.001s', 5n * H + 6n * M + 7001n * MS],
  ['8m0.000000001s', 8n * M + 1n],
  ['2562047h47m16.854775807s', 9223372036854775807n],
  ['-2562047h47m16.854775808s', -9223372036854775808n],
];
for (const [want, d] of formats) {
  test(`Duration.String ${want}`, () => {
    assert.is(formatDuration(d), want);
  });
}

// resource.Quantity
const cmp = (a: string, b: string) => compareQuantities(parseQuantity(a), parseQuantity(b));
test('Quantity comparisons', () => {
  assert.is(cmp('1Ki', '1024'), 0);
  assert.is(cmp('1k', '1000'), 0);
  assert.is(cmp('100m', '0.1'), 0);
  assert.is(cmp('1e3', '1k'), 0);
  assert.is(cmp('1e-3', '1m'), 0);
  assert.is(cmp('1.5Gi', '1G'), 1);
  assert.is(cmp('-1', '0'), -1);
  assert.is(cmp('500Mi', '1Gi'), -1);
  assert.is(cmp('1E', '1000P'), 0);
  assert.is(cmp('1n', '0'), 1);
  // below nano precision rounds up
  assert.is(cmp('0.0000000001', '1n'), 0);
});
// "Ki" alone parses as zero upstream (an empty numerator is 0)
test('Quantity: bare suffix is zero', () => assert.is(cmp('Ki', '0'), 0));
for (const text of ['', '1 Ki', '1Kb', 'abc', '1.5ki', '--1']) {
  test(`Quantity error ${JSON.stringify(text)}`, () => {
    assert.throws(() => parseQuantity(text));
    assert.is(tryParseQuantity(text), null);
  });
}

test.run();
