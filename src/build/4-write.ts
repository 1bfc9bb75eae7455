import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { collectFiles } from '../util/files.ts';
import type { OutputFiles } from './3-emit.ts';

/** Phase 4: write generated/ atomically, or compare it with a fresh build (--check). */

/**
 * Write every file into a temporary sibling folder, then swap it in: on any error the existing
 * output folder is left exactly as it was.
 */
export function writeOutput(outDir: string, files: OutputFiles): void {
  const target = resolve(outDir);
  const staging = `${target}.kpc-tmp-${process.pid}`;
  const previous = `${target}.kpc-old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, content] of files) {
      const file = join(staging, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      if (path.endsWith('.sh')) chmodSync(file, 0o755);
    }
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
    rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(previous)) renameSync(previous, target);
    throw error;
  }
}

export interface CheckResult {
  /** Files whose content differs from a fresh build. */
  readonly stale: string[];
  /** Files a fresh build would create. */
  readonly missing: string[];
  /** Files a fresh build would not create. */
  readonly extra: string[];
}

export function checkOutput(outDir: string, files: OutputFiles): CheckResult {
  const target = resolve(outDir);
  const onDisk = existsSync(target) ? collectFiles([target]).map((f) => relative(target, f)) : [];
  const stale: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of files) {
    const file = join(target, path);
    if (!existsSync(file)) missing.push(path);
    else if (readFileSync(file, 'utf8') !== content) stale.push(path);
  }
  const extra = onDisk.filter((path) => !files.has(path));
  return { stale, missing, extra };
}
