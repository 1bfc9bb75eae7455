// `kpc test` arguments: help, usage errors (exit 2), and a run's exit code and JSON on stdout.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../cli-capture.ts';

const test = suite('kpc test command line');

const capture = (argv: string[]) => runCli(argv);

test('--help describes every option', async () => {
  const { code, stdout } = await capture(['test', '--help']);
  assert.is(code, 0);
  for (const option of ['--json', '--junit FILE', '--fixtures DIR', '--corpus DIR', '--no-corpus', '--fuzz N', '--seed S']) assert.match(stdout, option);
});

test('usage errors exit with 2', async () => {
  assert.is((await capture(['test', '--bogus'])).code, 2);
  assert.is((await capture(['test', '--fuzz', '0'])).code, 2);
  assert.is((await capture(['test', '--fuzz', 'many'])).code, 2);
  assert.is((await capture(['test', '--seed', '3'])).code, 2);
  assert.is((await capture(['test', '--corpus', 'x', '--no-corpus'])).code, 2);
  assert.is((await capture(['test', 'extra'])).code, 2);
});

test('a small fuzz run prints the report as JSON and exits as it says', async () => {
  const { code, stdout } = await capture(['test', '--fuzz', '20', '--seed', '3', '--json']);
  const report = JSON.parse(stdout) as { runs: number; seed: number; failed: number; replay: string };
  assert.is(report.runs, 20);
  assert.is(report.seed, 3);
  assert.is(code, report.failed === 0 ? 0 : 1);
  assert.is(report.replay, 'kpc test --fuzz 20 --seed 3');
});

test.run();
