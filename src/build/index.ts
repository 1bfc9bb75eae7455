import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadControlFixtures } from '../harness/fixtures.ts';
import { KpcError } from '../util/errors.ts';
import { loadPolicies } from './1-load.ts';
import { resolveModel } from './2-resolve.ts';
import { emit, type OutputFiles } from './3-emit.ts';
import type { BuildModel } from './model.ts';

/** The compiler pipeline: 1-load → 2-resolve → 3-emit (→ 4-write in the CLI). */

export interface BuildOptions {
  /** Project root: holds policies/ and generated/. */
  readonly root: string;
  readonly pssVersion?: string;
  /** Skip the type-check of policies/ (tests that build many versions in one process). */
  readonly typecheck?: boolean;
  /** Also build generated/tests/ from the fixtures (default true; in-memory builds that only need the artifacts skip it). */
  readonly upstreamTests?: boolean;
}

export interface BuildResult {
  readonly model: BuildModel;
  readonly files: OutputFiles;
}

/** Where the project's fixtures live; generated/tests/ is built from them when present. */
export const FIXTURES_DIR = 'test/fixtures/controls';

export async function build(options: BuildOptions): Promise<BuildResult> {
  const loaded = await loadPolicies(`${options.root}/policies`, { typecheck: options.typecheck });
  const model = resolveModel(loaded, { projectRoot: options.root, pssVersion: options.pssVersion });
  const fixturesDir = join(options.root, FIXTURES_DIR);
  const fixtures = options.upstreamTests !== false && existsSync(fixturesDir) ? loadControlFixtures(fixturesDir) : { fixtures: [], problems: [] };
  if (fixtures.problems.length > 0) {
    const [first] = fixtures.problems;
    throw new KpcError(`bad fixture: ${first!.detail}${fixtures.problems.length > 1 ? ` (and ${fixtures.problems.length - 1} more)` : ''}`, { file: `${FIXTURES_DIR}/${first!.id.replace(/^controls\//, '')}` });
  }
  return { model, files: emit(model, fixtures.fixtures) };
}

export { writeOutput, checkOutput } from './4-write.ts';
export type { BuildModel, ResolvedControl } from './model.ts';
