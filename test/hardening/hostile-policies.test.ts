// Hostile third-party policies (test/fixtures/bad-input/hostile): catastrophic regexes, runaway
// loops, comprehensions and foreach over huge lists, recursion, deep nesting. Run through the CLI
// as child processes with a timeout against generated resources (a pod with thousands of
// containers and a 100,000-character annotation). Each must give an error result with a clear
// message — or, where RE2 makes the attack harmless, a quick verdict — and the run must go on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from '../../src/util/report.ts';
import { BOUND_MS, hostilePod, json, kpc, REPO, tempDir, write, type KpcRun } from './helpers.ts';

const HOSTILE = join(REPO, 'test/fixtures/bad-input/hostile');

interface Row {
  policy: string;
  rule: string;
  engine: string;
  verdict: string;
  message: string;
}

function terminated(run: KpcRun): void {
  assert.is(run.signal, null, `killed by ${run.signal}: the command hung`);
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}; stderr: ${run.stderr.slice(0, 1500)}`);
  assert.ok(run.ms < BOUND_MS, `took ${Math.round(run.ms)} ms`);
  assert.not.match(run.stderr, /^\s+at .*:\d+:\d+\)?$/m, `a stack trace (crash): ${run.stderr.slice(0, 1500)}`);
}

function rowOf(rows: readonly Row[], policy: string): Row {
  const found = rows.filter((r) => r.policy === policy);
  assert.is(found.length, 1, `one row for ${policy}: ${JSON.stringify(rows.map((r) => r.policy))}`);
  return found[0]!;
}

// ---------------------------------------------------------------------------------------------
const kyverno = suite('Kyverno: hostile ClusterPolicies end in an error result (or a quick RE2 verdict)');

kyverno('regex, foreach over a huge list, deep and quadratic JMESPath, deeply nested parse_json', () => {
  const dir = tempDir('hostile-kyverno');
  const resource = join(dir, 'pod.json');
  write(resource, hostilePod(3000, { nested: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }));
  const run = kpc(['eval', '--policy', join(HOSTILE, 'kyverno'), '--resource', resource, '--json']);
  terminated(run);
  const rows = json<{ results: Row[] }>(run).results;
  assert.is(rows.length, 6, 'one row per policy: the run went on after each');
  // RE2: no backtracking, the long a…a! does not match, the deny condition is false
  assert.equal([rowOf(rows, 'regex-catastrophic').verdict, rowOf(rows, 'regex-catastrophic').message], ['pass', "validation rule 'nested-quantifier' passed."]);
  const backreference = rowOf(rows, 'regex-backreference');
  assert.is(backreference.verdict, 'error');
  assert.match(backreference.message, /JMESPath query failed: error parsing regexp: invalid escape sequence: `\\1`$/);
  const foreach = rowOf(rows, 'foreach-huge');
  assert.is(foreach.verdict, 'error');
  assert.match(foreach.message, /^rule evaluation failed: rule cubic exceeded its (work limit \(\d+ units\)|time limit \(\d+ ms\))$/);
  const deep = rowOf(rows, 'jmespath-deep');
  assert.is(deep.verdict, 'error');
  assert.match(deep.message, /SyntaxError: expression nested too deeply$/);
  const quadratic = rowOf(rows, 'jmespath-quadratic');
  assert.is(quadratic.verdict, 'error');
  assert.match(quadratic.message, /^rule evaluation failed: rule quadratic exceeded its (work limit|time limit)/);
  const nested = rowOf(rows, 'parse-json-deep');
  assert.is(nested.verdict, 'error');
  assert.match(nested.message, /nested too deeply/);
});

kyverno.run();

// ---------------------------------------------------------------------------------------------
const gatekeeper = suite('Gatekeeper: hostile templates (Rego and CEL) end in an error result within a bound');

gatekeeper('recursion, deep nesting, huge comprehension, runaway loops and calls, value blowup, catastrophic regexes', () => {
  const dir = tempDir('hostile-gatekeeper');
  cpSync(join(HOSTILE, 'gatekeeper'), dir, { recursive: true });
  write(join(dir, 'pod.yaml'), hostilePod(3000));
  const run = kpc(['gator', 'verify', dir, '--json']);
  terminated(run);
  const report = json<ConformanceReport>(run);
  const outcome = (test: string, engine: 'rego' | 'cel') => {
    const id = `${join(dir, 'suite.yaml')}#${test}/pod [${engine}]`;
    const failure = report.failures.find((f) => f.id === id);
    const skip = report.skips.find((s) => s.id === id);
    return failure ? `error: ${failure.detail}` : skip ? `skip: ${skip.reason}` : 'pass';
  };
  // OPA refuses recursion at compile time; the parser bounds nesting
  assert.match(outcome('recursion', 'rego'), /recursion\/template\.yaml:\d+:\d+: .*rego_recursion_error: rule data\.template\.depth is recursive: data\.template\.depth -> data\.template\.depth$/);
  assert.match(outcome('nesting', 'rego'), /nesting\/template\.yaml:\d+:\d+: .*rego_parse_error: nesting too deep$/);
  // run-time limits: every case an error naming the limit
  assert.match(outcome('comprehension', 'rego'), /^error: eval_limit_error: (collection exceeded 1000000 elements \(limits\.maxCollectionSize\)|evaluation exceeded \d+ (steps|ms))/);
  for (const test of ['loop', 'calls', 'blowup']) {
    assert.match(outcome(test, 'rego'), /^error: eval_limit_error: evaluation exceeded (\d+ steps \(limits\.maxSteps\)|\d+ ms \(limits\.timeoutMs\))$/, test);
  }
  // RE2 and a linear to_number syntax check: a quick, correct violation
  assert.is(outcome('regex', 'rego'), 'pass');
  assert.is(outcome('tonumber', 'rego'), 'pass');
  // CEL: the cost limit error is reported as the violation message the assertion expects
  assert.is(outcome('cel-huge-list', 'cel'), 'pass');
  assert.match(outcome('cel-huge-list', 'rego'), /no language driver is installed that handles this constraint template/);
  assert.match(outcome('recursion', 'cel'), /^skip: template has no K8sNativeValidation engine$/);
});

gatekeeper.run();

// ---------------------------------------------------------------------------------------------
const cel = suite('CEL (ValidatingAdmissionPolicy): hostile expressions end in an error result');

cel('huge list, nested comprehensions, list doubling, findAll and format in a loop, deep nesting, operator chains, oversized, catastrophic regex', () => {
  const dir = tempDir('hostile-cel');
  const resource = join(dir, 'pod.json');
  write(resource, hostilePod(3000));
  const run = kpc(['eval', '--policy', join(HOSTILE, 'cel'), '--resource', resource, '--json']);
  terminated(run);
  const rows = json<{ results: Row[] }>(run).results;
  assert.is(rows.length, 9, 'one row per policy: the run went on after each');
  const error = (policy: string) => {
    const row = rowOf(rows, policy);
    assert.is(row.verdict, 'error', policy);
    return row.message;
  };
  assert.match(error('huge-list'), /resulted in error: operation cancelled: actual cost limit exceeded$/);
  assert.match(error('nested-comprehensions'), /resulted in error: operation cancelled: actual cost limit exceeded$/);
  assert.match(error('list-doubling'), /resulted in error: unsupported: evaluation copies more than 10000000 list elements/);
  // cheap in cel-go's cost model, slow here: the time limit interrupts them (or the cost limit, first)
  for (const policy of ['find-all', 'format-list']) {
    assert.match(error(policy), /resulted in error: (operation interrupted: evaluation exceeded 2000 ms|operation cancelled: actual cost limit exceeded)$/, policy);
  }
  assert.match(error('deep-parentheses'), /policy could not be loaded: .*deep-parentheses\.yaml:\d+: .*compilation failed: Exceeded maxDepth \(250\)/);
  assert.match(error('operator-chain'), /policy could not be loaded: .*operator-chain\.yaml:\d+: .*compilation failed: expression recursion limit exceeded: 250/);
  assert.match(error('oversized'), /policy could not be loaded: .*oversized\.yaml:\d+: .*compilation failed: expression code point size exceeds limit: size: \d+, limit 100000/);
  const regex = rowOf(rows, 'regex-catastrophic');
  assert.is(regex.verdict, 'fail');
  assert.is(regex.message, 'Deny: failed expression: object.metadata.annotations.long.matches("^(a+)+$")');
});

cel.run();
