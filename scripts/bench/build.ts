// `kpc build` time: the whole command (type-check of policies/ + compile + write to a temporary
// folder), and the in-memory compile alone, at the pinned version and across every PSS version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from '../../src/build/index.ts';
import type { Bench } from './types.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = 3;

export const bench: Bench = async () => {
  const out = mkdtempSync(join(tmpdir(), 'kpc-bench-build-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const run = spawnSync(process.execPath, [join(ROOT, 'bin/kpc.mjs'), 'build', '--quiet', '--root', ROOT, '--out', join(out, 'generated')], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`kpc build failed: ${run.stderr}`);
      times.push(performance.now() - start);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  await build({ root: ROOT, typecheck: false }); // warm-up: module loading
  let start = performance.now();
  const { files } = await build({ root: ROOT, typecheck: false });
  const compileMs = performance.now() - start;

  start = performance.now();
  for (let minor = 0; minor <= 37; minor++) await build({ root: ROOT, typecheck: false, pssVersion: `v1.${minor}` });
  const allVersionsMs = performance.now() - start;

  return [
    { name: 'kpc build (type-check + compile + write), median', value: times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!, unit: 'ms', detail: `${files.size} files, ${RUNS} runs, process start included` },
    { name: 'compile in memory (policies → every file)', value: compileMs, unit: 'ms', detail: `${files.size} files` },
    { name: 'compile in memory at each of the 38 PSS versions', value: allVersionsMs, unit: 'ms', detail: 'v1.0 … v1.37' },
  ];
};
