// Regexes rewritten to run in linear time (they backtracked quadratically or exponentially on long
// input): each accepts exactly the language of the original, checked on random strings over the
// characters that matter; and the code that uses them answers at once on million-character
// adversarial input (linear-time.ts, run as a child process that is killed if it hangs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { NUMERIC_PART } from '../../src/engines/cel/lib/quantity.ts';
import { GO_FLOAT, GO_HEX_FLOAT } from '../../src/engines/jmespath/strconv.ts';
import { DECIMAL, HEX_FLOAT } from '../../src/engines/rego/builtins/casts.ts';
import { FLOAT_TEXT } from '../../src/engines/rego/builtins/sprintf.ts';
import { trimBoth, trimEnd, trimStart } from '../../src/util/text.ts';
import { BOUND_MS, REPO } from './helpers.ts';

// The originals, as they were written (the reference for the languages).
const ORIGINAL = {
  GO_FLOAT: /^[+-]?(?:(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d[\d_]*)?|\d[\d_]*\.(?:[eE][+-]?\d[\d_]*)?|inf|infinity|nan)$/i,
  GO_HEX_FLOAT: /^[+-]?0[xX](?:[0-9a-fA-F_]*\.?[0-9a-fA-F_]*)(?:[pP][+-]?\d+)?$/,
  DECIMAL: /^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/,
  HEX_FLOAT: /^[+-]?0[xX](_?[0-9a-fA-F]+)*(\.([0-9a-fA-F]+(_?[0-9a-fA-F]+)*)?)?[pP][+-]?\d+$/,
  FLOAT_TEXT: /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/,
  NUMERIC_PART: /^[+-]?[0-9]*\.?[0-9]*$/,
};

const REWRITTEN: Record<keyof typeof ORIGINAL, RegExp> = { GO_FLOAT, GO_HEX_FLOAT, DECIMAL, HEX_FLOAT, FLOAT_TEXT, NUMERIC_PART };

// Short strings (the originals blow up on long ones) over the characters the grammars care about.
const decimalish = fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '_', 'e', 'E', '+', '-', 'x'), maxLength: 12 });
const hexish = fc.tuple(fc.constantFrom('0x', '0X', '-0x', '+0x', '0', ''), fc.string({ unit: fc.constantFrom('0', 'a', 'F', '.', '_', 'p', 'P', '+', '-', '1', 'g'), maxLength: 10 })).map(([p, s]) => p + s);
const words = fc.constantFrom('inf', 'Infinity', 'NAN', '+inf', '-nan', 'in', 'infinit');

for (const name of Object.keys(ORIGINAL) as (keyof typeof ORIGINAL)[]) {
  test(`${name}: same language as the original`, () => {
    fc.assert(
      fc.property(fc.oneof(decimalish, hexish, words), (s) => ORIGINAL[name].test(s) === REWRITTEN[name].test(s)),
      { seed: 20261127, numRuns: 20_000 },
    );
  });
}

test('the trims are Go strings.Trim/TrimLeft/TrimRight', () => {
  assert.is(trimEnd('100', '0'), '1');
  assert.is(trimEnd('000', '0'), '');
  assert.is(trimStart('$(x)$', '$()'), 'x)$');
  assert.is(trimBoth('$(x)$', '$()'), 'x');
  assert.is(trimBoth('  a b  ', ' '), 'a b');
  assert.is(trimBoth('\u2000\tx\u3000', '\t\u2000\u3000'), 'x');
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(' ', 'a', '0', '$') }), (s) => trimBoth(s, ' 0') === s.replace(/^[ 0]+/, '').replace(/[ 0]+$/, '')),
    { seed: 20261127, numRuns: 2_000 },
  );
});

test('million-character adversarial input: every former backtracking site answers', () => {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/hardening/linear-time.ts')], { cwd: REPO, encoding: 'utf8', timeout: 90_000 });
  assert.is(run.signal, null, 'killed: a regex or trim backtracked');
  assert.is(run.status, 0, run.stderr);
  assert.ok(performance.now() - started < BOUND_MS);
  assert.equal(JSON.parse(run.stdout), {
    goParseFloatDigits: null,
    goParseFloatHex: null,
    toNumberDecimal: false,
    toNumberHex: false,
    kyvernoQuantity: true,
    kyvernoPatternTrim: true,
    celTrim: true,
    celIsQuantity: false,
    regoHex: null,
  });
});

test.run();
