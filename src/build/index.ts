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
}

export interface BuildResult {
  readonly model: BuildModel;
  readonly files: OutputFiles;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const loaded = await loadPolicies(`${options.root}/policies`, { typecheck: options.typecheck });
  const model = resolveModel(loaded, { projectRoot: options.root, pssVersion: options.pssVersion });
  return { model, files: emit(model) };
}

export { writeOutput, checkOutput } from './4-write.ts';
export type { BuildModel, ResolvedControl } from './model.ts';
