// The bounds themselves, in process and deterministic: the shared work budget, the Rego step and
// time limits, the Kyverno per-rule budget, cel-go's parser limits and the YAML nesting limit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCelEnvironment } from '../../src/engines/cel/index.ts';
import { validatePolicy } from '../../src/engines/kyverno/engine.ts';
import { loadKyvernoPolicy } from '../../src/engines/kyverno/policy.ts';
import { compileRego, RegoEvalError } from '../../src/engines/rego/index.ts';
import { spendWork, WorkBudget, WorkLimitExceeded, withWorkBudget } from '../../src/util/budget.ts';
import { KpcError } from '../../src/util/errors.ts';
import { MAX_NESTING_DEPTH, parseYamlDocuments } from '../../src/util/yaml.ts';

const budget = suite('WorkBudget: units are the bound; the clock is the backstop; exhaustion is sticky');

budget('spending past maxUnits throws at once, names the subject, and keeps throwing', () => {
  const b = new WorkBudget({ maxUnits: 10, timeoutMs: 60_000 }, 'the test');
  withWorkBudget(b, () => spendWork(10));
  assert.throws(() => withWorkBudget(b, () => spendWork(1)), (e: unknown) => e instanceof WorkLimitExceeded && e.limit === 'units' && e.message === 'the test exceeded its work limit (10 units)');
  assert.ok(b.exhausted instanceof WorkLimitExceeded);
  assert.throws(() => b.spend(0), (e: unknown) => e === b.exhausted);
});

budget('a deadline in the past stops the first clock reading', () => {
  const b = new WorkBudget({ maxUnits: 1e9, timeoutMs: -1 }, 'late');
  assert.throws(() => b.spend(5000), (e: unknown) => e instanceof WorkLimitExceeded && e.limit === 'time' && /late exceeded its time limit \(-1 ms\)/.test(e.message));
});

budget('nested budgets restore the outer one; without a budget spending is free', () => {
  spendWork(1e12);
  const outer = new WorkBudget({ maxUnits: 100, timeoutMs: 60_000 }, 'outer');
  const inner = new WorkBudget({ maxUnits: 100, timeoutMs: 60_000 }, 'inner');
  withWorkBudget(outer, () => {
    withWorkBudget(inner, () => spendWork(50));
    spendWork(7);
  });
  assert.is(inner.spent, 50);
  assert.is(outer.spent, 7);
});

budget.run();

// ---------------------------------------------------------------------------------------------
const rego = suite('Rego: runaway evaluations end in eval_limit_error naming the limit');

const LOOP = `package t
v { r := numbers.range(1, 1000); i := r[_]; j := r[_]; k := r[_]; i + j + k < 0 }`;

rego('the step limit (deterministic) and the time limit', () => {
  const policy = compileRego([{ path: 't.rego', source: LOOP }]);
  assert.throws(
    () => policy.evaluate('data.t.v', { limits: { maxSteps: 100_000 } }),
    (e: unknown) => e instanceof RegoEvalError && e.code === 'eval_limit_error' && e.message.includes('evaluation exceeded 100000 steps (limits.maxSteps)'),
  );
  assert.throws(
    () => policy.evaluate('data.t.v', { limits: { maxSteps: 1e12, timeoutMs: 0 } }),
    (e: unknown) => e instanceof RegoEvalError && e.code === 'eval_limit_error' && e.message.includes('evaluation exceeded 0 ms (limits.timeoutMs)'),
  );
});

rego('calls and builtin arguments cost steps: a few calls on big values exhaust a small budget', () => {
  const calls = compileRego([{ path: 't.rego', source: 'package t\nf(x) = x\nv { r := numbers.range(1, 100); i := r[_]; f(i) < 0 }' }]);
  assert.throws(() => calls.evaluate('data.t.v', { limits: { maxSteps: 500 } }), (e: unknown) => e instanceof RegoEvalError && e.code === 'eval_limit_error');
  assert.is(calls.evaluate('data.t.v', { limits: { maxSteps: 5_000 } }), undefined);
  // one sprintf of a value that shares a 10,000-element array 100 times: 10⁶ elements printed
  const blowup = compileRego([{ path: 't.rego', source: 'package t\nv := count(sprintf("%v", [[big | numbers.range(1, 100)[_]]])) { big := numbers.range(1, 10000) }' }]);
  assert.throws(() => blowup.evaluate('data.t.v', { limits: { maxSteps: 100_000 } }), (e: unknown) => e instanceof RegoEvalError && /limits\.maxSteps/.test(e.message));
});

rego('the default limits stop a runaway (no limit given)', () => {
  const policy = compileRego([{ path: 't.rego', source: LOOP }]);
  assert.throws(() => policy.evaluate('data.t.v'), (e: unknown) => e instanceof RegoEvalError && e.code === 'eval_limit_error');
});

rego.run();

// ---------------------------------------------------------------------------------------------
const kyverno = suite('Kyverno: each rule on a resource has a work budget');

kyverno('a foreach beyond the budget is an error response; within it, a verdict', () => {
  const policy = loadKyvernoPolicy(
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: {
        rules: [
          {
            name: 'squared',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              foreach: [{ list: 'request.object.spec.containers', foreach: [{ list: 'request.object.spec.containers', deny: { conditions: { any: [{ key: '{{ element.name }}', operator: 'Equals', value: 'none' }] } } }] }],
            },
          },
        ],
      },
    },
    { file: 'p.yaml', line: 1 },
  );
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' }, spec: { containers: Array.from({ length: 30 }, (_, i) => ({ name: `c${i}`, image: 'nginx' })) } };
  const within = validatePolicy(policy, { object }, { workLimits: { maxUnits: 1_000_000, timeoutMs: 60_000 } });
  assert.is(within.rules[0]?.status, 'pass');
  const beyond = validatePolicy(policy, { object }, { workLimits: { maxUnits: 1_000, timeoutMs: 60_000 } });
  assert.is(beyond.rules[0]?.status, 'error');
  assert.is(beyond.rules[0]?.message, 'rule evaluation failed: rule squared exceeded its work limit (1000 units)');
});

kyverno.run();

// ---------------------------------------------------------------------------------------------
const cel = suite("CEL: cel-go's parser limits are compile errors");

const compileError = (expression: string): string => {
  try {
    defaultCelEnvironment().compile(expression);
  } catch (error) {
    return (error as Error).message;
  }
  return 'compiled';
};

cel('expression size: 100,000 code points (not UTF-16 units)', () => {
  assert.is(compileError(`"${'é'.repeat(99_996)}" != ""`).startsWith('compilation failed: expression code point size exceeds limit: size: 100004, limit 100000'), true);
  assert.is(compileError(`"${'é'.repeat(99_990)}" != ""`), 'compiled');
  // 60,000 astral characters: 120,000 UTF-16 units, 60,008 code points
  assert.is(compileError(`"${'😀'.repeat(60_000)}" != ""`), 'compiled');
});

cel('operator chains and nesting: 250 levels', () => {
  assert.is(compileError(`1${' + 1'.repeat(100)} > 0`), 'compiled');
  assert.match(compileError(`1${' + 1'.repeat(300)} > 0`), /^compilation failed: expression recursion limit exceeded: 250/);
  assert.match(compileError(`1${' == 1'.repeat(300)}`), /^compilation failed: expression recursion limit exceeded: 250/);
  assert.match(compileError(`${'('.repeat(300)}true${')'.repeat(300)}`), /^compilation failed: Exceeded maxDepth \(250\)/);
  assert.match(compileError(`object${'.a'.repeat(300)} == 1`), /^compilation failed: Exceeded maxDepth \(250\)/);
});

cel.run();

// ---------------------------------------------------------------------------------------------
const yaml = suite('YAML input: nesting is bounded before any engine recurses');

yaml(`${MAX_NESTING_DEPTH} levels are read; one more is an error with file and line`, () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  assert.is(parseYamlDocuments(nested(MAX_NESTING_DEPTH), 'f.yaml').length, 1);
  assert.throws(() => parseYamlDocuments(`a: 1\n---\nb: ${nested(MAX_NESTING_DEPTH)}`, 'f.yaml'), (e: unknown) => e instanceof KpcError && e.toString() === `f.yaml:3: document nested too deeply (the limit is ${MAX_NESTING_DEPTH} levels)`);
  // so deep the parser itself overflows: the same message, at the parser's position
  assert.throws(() => parseYamlDocuments(nested(50_000), 'f.yaml'), (e: unknown) => e instanceof KpcError && /^f\.yaml:1:\d+: document nested too deeply/.test(e.toString()));
});

yaml('an alias bomb ("billion laughs") is refused with file and line', () => {
  const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (const [previous, name] of [...'abcdefghi'].map((c, i) => [c, 'bcdefghij'[i]!] as const)) lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
  assert.throws(() => parseYamlDocuments(lines.join('\n'), 'f.yaml'), (e: unknown) => e instanceof KpcError && e.toString() === 'f.yaml:1: malformed YAML: Excessive alias count indicates a resource exhaustion attack');
});

yaml('aliases: a value shared many times is measured once per level', () => {
  const text = `a: &a [[[[1]]]]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n`;
  assert.equal(parseYamlDocuments(text, 'f.yaml')[0]?.value, { a: [[[[1]]]], b: Array.from({ length: 8 }, () => [[[[1]]]]) });
});

yaml.run();
