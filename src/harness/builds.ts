import { resolve } from 'node:path';
import { loadPolicies, type LoadedPolicies } from '../build/1-load.ts';
import { resolveModel } from '../build/2-resolve.ts';
import { emit, type OutputFiles } from '../build/3-emit.ts';
import type { BuildModel } from '../build/model.ts';
import { ArtifactCache, type CompiledBuild } from './artifacts.ts';

/** Alters the generated files of an in-memory build before the engines load them (tests). */
export type MutateFiles = (files: Map<string, string>, pssVersion: string) => void;

/**
 * Builds for any PSS version, as `build()` composes them (1-load once, then 2-resolve and 3-emit per
 * version), with the mutate hook applied and the artifacts loaded into the engines. Emitting is a
 * pure function of the resolved controls: versions whose controls resolve identically share one
 * emit (their artifacts differ only in the header comment naming the version).
 */
export class BuildCache {
  readonly #root: string;
  readonly #mutate: MutateFiles | undefined;
  readonly #artifacts = new ArtifactCache();
  #loaded: Promise<LoadedPolicies> | undefined;
  readonly #emitted = new Map<string, { files: OutputFiles; compiled: CompiledBuild }>();

  constructor(root: string, mutate?: MutateFiles) {
    this.#root = root;
    this.#mutate = mutate;
  }

  /** The build at a version (undefined: the project's pin). */
  async get(pssVersion?: string): Promise<{ model: BuildModel; files: OutputFiles; compiled: CompiledBuild }> {
    this.#loaded ??= loadPolicies(resolve(this.#root, 'policies'), { typecheck: false });
    const model = resolveModel(await this.#loaded, { projectRoot: this.#root, ...(pssVersion ? { pssVersion } : {}) });
    const key = JSON.stringify(model.controls);
    let entry = this.#emitted.get(key);
    if (!entry) {
      const files = emit(model);
      if (this.#mutate) this.#mutate(files, model.pssVersion);
      entry = { files, compiled: this.#artifacts.compile(model, files) };
      this.#emitted.set(key, entry);
    }
    return { model, files: entry.files, compiled: { ...entry.compiled, pssVersion: model.pssVersion } };
  }
}

