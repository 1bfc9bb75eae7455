// Test entry (`npm test`): runs every test/**/*.test.ts with uvu, then prints the plain summary
// line CI reads: `N passed, N failed`. Optional arguments filter test files by substring.
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';
import { collectFiles } from '../src/util/files.ts';

const root = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = collectFiles([root], { extensions: ['.test.ts'], skipDirs: ['fixtures', 'node_modules'] }).filter(
  (file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)),
);

// uvu prints "Total: n / Passed: n / Skipped: n"; capture them to print the line CI needs.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured = (captured + chunk.toString()).slice(-4096);
  return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const { run } = await import('uvu/run');
await run(
  files.map((file) => ({ name: relative(root, file), file: resolve(file) })),
  { bail: false },
);
process.stdout.write = write;

const plain = captured.replace(/\u001b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
if (Number.isNaN(total) || Number.isNaN(passed)) {
  console.log('0 passed, 1 failed (could not read the uvu summary)');
  process.exitCode = 1;
} else {
  const failed = total - passed;
  if (files.length === 0) {
    console.log('no test files matched');
    process.exitCode = 1;
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}
