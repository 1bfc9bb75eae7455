import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

// The whole project (src, policies, test, scripts) type-checks under the strict tsconfig: tsx runs
// TypeScript without checking it, so this is where a type error fails CI.
test('tsc --noEmit -p . reports no error', () => {
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', resolve(import.meta.dirname, '..')], { encoding: 'utf8' });
  assert.is(`${run.stdout}${run.stderr}`.trim(), '');
  assert.is(run.status, 0);
});

test.run();
