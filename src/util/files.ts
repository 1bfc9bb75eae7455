import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KpcError } from './errors.ts';

export interface CollectOptions {
  /** Keep files whose name ends with one of these (e.g. ['.yaml', '.yml']); all files when absent. */
  readonly extensions?: readonly string[];
  /** Keep files with exactly this base name (e.g. 'kyverno-test.yaml'). */
  readonly fileName?: string;
  /** Skip directories with these names (e.g. '.chainsaw-test'). */
  readonly skipDirs?: readonly string[];
}

/**
 * Files under the given paths (a file path is taken as is), sorted byte-wise so runs are stable.
 * Symlinked directories are followed once: a loop is cut, never walked forever.
 * A missing path is a KpcError naming it.
 */
export function collectFiles(paths: readonly string[], options: CollectOptions = {}): string[] {
  const found = new Set<string>();
  const visitedDirs = new Set<string>();
  const wanted = (name: string): boolean =>
    (options.fileName === undefined || name === options.fileName) &&
    (options.extensions === undefined || options.extensions.some((ext) => name.endsWith(ext)));

  const walk = (dir: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return; // dangling symlink inside a tree: nothing to read
    }
    if (visitedDirs.has(real)) return; // symlink loop or a directory reached twice
    visitedDirs.add(real);
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareBytes(a.name, b.name))) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue; // dangling symlink
        }
      }
      if (isDir) {
        if (!options.skipDirs?.includes(entry.name)) walk(path);
      } else if (isFile && wanted(entry.name)) {
        found.add(path);
      }
    }
  };

  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new KpcError(`no such file or directory`, { file: path });
    }
    if (stats.isDirectory()) walk(path);
    else found.add(path);
  }
  return [...found].sort(compareBytes);
}

/** Byte-wise (code unit) comparison, the order Go's sort.Strings uses. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A path as shown to the user: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
