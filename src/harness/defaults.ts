import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What `kpc test` needs before the harness (and every engine) is loaded: the default corpus and
 * fuzzing seed, and the settings a run and its worker thread are prepared from.
 */

export const DEFAULT_FUZZ_SEED = 424242;

/** `../shared/conformance/psa` (or $KPC_CONFORMANCE_DIR/psa) when it exists. */
export function defaultCorpusDir(root: string): string | null {
  const dir = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance'), 'psa');
  return existsSync(dir) ? dir : null;
}

/** The options a worker thread can be given (no functions): both threads prepare the same run from them. */
export interface RunSettings {
  readonly root: string;
  readonly fixturesDir?: string | null;
  readonly corpusDir: string | null;
  readonly controls?: readonly string[];
}

export function runSettings(options: { readonly root: string; readonly fixturesDir?: string | null; readonly corpusDir?: string | null; readonly controls?: readonly string[] }): RunSettings {
  return {
    root: options.root,
    ...(options.fixturesDir !== undefined ? { fixturesDir: options.fixturesDir } : {}),
    corpusDir: options.corpusDir === undefined ? defaultCorpusDir(options.root) : options.corpusDir,
    ...(options.controls ? { controls: options.controls } : {}),
  };
}
