// The runtime cost limit: Kubernetes' per-call limit (1,000,000) and per-policy budget
// (10,000,000), with cel-go's cost model. Expected figures are the runtime costs asserted by
// apiserver/pkg/cel/library/cost_test.go; the messages are cel-go's and the apiserver's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileCelPolicy, COST_LIMIT_MESSAGE, defaultCelEnvironment } from '../../../src/engines/cel/index.ts';
import { run } from './helpers.ts';

test('runtime costs of library calls match the apiserver (cost_test.go expectRuntimeCost)', () => {
  const cases: [string, number][] = [
    ['[1, 2, 3, 4, 5].sum()', 15],
    ['[1.0, 2.0, 3.0, 4.0, 5.0].max()', 15],
    ['[false, true, false, true, false].isSorted()', 15],
    ['[1, 2, 3, 4, 5].indexOf(3)', 15],
    ["'01234567890123456789012345678901234567890123456789'.indexOf('123')", 5],
    ["url('https:://kubernetes.io/').getScheme()", 4],
    ["url('https:://kubernetes.io/') == url('http://x.b')", 5],
    ["ip('192.168.0.1')", 2],
    ["ip('192.168.0.1').family()", 3],
    ["ip('2001:db8:3333:4444:5555:6666:7777:8888')", 4],
    ["ip.isCanonical('192.168.0.1')", 3],
    ["ip.isCanonical('2001:db8:3333:4444:5555:6666:7777:8888')", 8],
    ["cidr('192.168.0.0/16').containsCIDR(cidr('192.0.0.0/30'))", 7],
    ["cidr('192.168.0.0/16').containsIP('192.0.0.1')", 4],
    ["cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/126'))", 7],
    ['quantity("50k").asInteger() > 0', 3],
    ['quantity("50").isInteger()', 2],
    ['quantity("50.703k").asApproximateFloat() > 0.0', 3],
  ];
  for (const [expression, cost] of cases) assert.is(run(expression).cost, cost, expression);
});

test('size-dependent operators cost as in cel-go runtimecost.go (in: list size; ==, +: size × 0.1)', () => {
  assert.is(run('1 in [1, 2, 3]').cost, 13); // list literal 10 + InList 3
  assert.is(run(`'${'a'.repeat(50)}' == '${'a'.repeat(40)}'`).cost, 4); // ceil(min(50, 40) × 0.1)
  assert.is(run(`'${'a'.repeat(50)}' + '${'a'.repeat(40)}'`).cost, 9); // ceil((50 + 40) × 0.1)
  // a membership test inside a loop over a large list is cancelled as the apiserver would
  const membership = run('object.items.all(x, x in object.items)', { object: { items: Array.from({ length: 2000 }, (_, i) => i) } });
  assert.is(!membership.ok && membership.error, COST_LIMIT_MESSAGE);
});

test('list copies are bounded: cel-js copies concatenated lists where cel-go shares them', () => {
  const outcome = run('object.items.map(x, object.items + object.items).size()', { object: { items: Array.from({ length: 3000 }, (_, i) => i) } });
  assert.is(!outcome.ok && outcome.costExceeded, true);
  assert.match(!outcome.ok ? outcome.error : '', 'unsupported: evaluation copies more than 10000000 list elements');
});

const items = Array.from({ length: 200 }, (_, i) => i);
const TRIPLE = 'object.items.all(a, object.items.all(b, object.items.all(c, a + b + c >= 0)))';

test('a triple-nested comprehension over 200 items is cancelled by the per-call limit', () => {
  const outcome = run(TRIPLE, { object: { items } });
  assert.is(outcome.ok, false);
  assert.is(!outcome.ok && outcome.costExceeded, true);
  assert.is(!outcome.ok && outcome.error, COST_LIMIT_MESSAGE);
  assert.ok(outcome.cost > 1_000_000);
  // the same expression over 20 items (8,000 iterations) stays far below the limit
  const small = run(TRIPLE, { object: { items: items.slice(0, 20) } });
  assert.equal(small.ok && small.value, true);
});

test('a cancelled evaluation is not absorbed by || or a macro', () => {
  const outcome = run(`(${TRIPLE}) || true`, { object: { items } });
  assert.is(!outcome.ok && outcome.costExceeded, true);
  const inMacro = run(`[1].exists(x, ${TRIPLE}) || [1].exists(x, true)`, { object: { items } });
  assert.is(!inMacro.ok && inMacro.error, COST_LIMIT_MESSAGE);
});

test('in a policy the error is reported as the apiserver reports an evaluation error', () => {
  const policy = compileCelPolicy({ validations: [{ expression: TRIPLE }] });
  const [decision] = policy.validate({ object: { items } }).decisions;
  assert.is(decision?.evaluation, 'error');
  assert.is(decision?.action, 'deny');
  assert.is(decision?.message, `expression '${TRIPLE}' resulted in error: ${COST_LIMIT_MESSAGE}`);
});

test('the per-policy budget stops the remaining validations', () => {
  // each validation costs ~650,000 units (below the per-call limit); 16 of them exceed 10,000,000
  const expensive = 'object.items.all(a, object.items.all(b, a + b >= 0))';
  const wide = Array.from({ length: 400 }, (_, i) => BigInt(i));
  const one = defaultCelEnvironment().compile(expensive).run({ object: { items: wide } });
  assert.ok(one.ok && one.cost > 600_000 && one.cost < 1_000_000, `cost ${one.cost}`);
  const policy = compileCelPolicy({ validations: Array.from({ length: 16 }, () => ({ expression: expensive })) });
  const result = policy.validate({ object: { items: wide } });
  assert.equal(result.decisions, [
    {
      action: 'deny',
      evaluation: 'error',
      message: 'validation failed due to running out of cost budget, no further validation rules will be run',
      validationIndex: null,
    },
  ]);
});

test('a lazy variable has its own per-call limit; its failure is an error where it is referenced', () => {
  const policy = compileCelPolicy({
    variables: [{ name: 'huge', expression: TRIPLE }],
    validations: [{ expression: 'true || variables.huge' }, { expression: 'variables.huge' }],
  });
  const result = policy.validate({ object: { items } });
  assert.is(result.decisions[0]?.evaluation, 'admit');
  assert.is(result.decisions[1]?.evaluation, 'error');
  assert.match(result.decisions[1]?.message ?? '', `composited variable "huge" fails to evaluate: ${COST_LIMIT_MESSAGE}`);
});

test.run();
