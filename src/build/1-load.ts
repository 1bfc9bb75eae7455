import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ControlDefinition } from '../controls/define.ts';
import type { ProjectConfig } from '../controls/config.ts';
import { collectFiles, displayPath } from '../util/files.ts';
import { KpcError } from '../util/errors.ts';
import { MAX_INPUT_BYTES } from '../util/yaml.ts';

/** Phase 1: type-check `policies/`, then import every control file and the project config. */

export interface LoadedControl {
  readonly file: string;
  readonly definition: ControlDefinition;
}

export interface LoadedPolicies {
  readonly root: string;
  readonly configFile: string;
  readonly config: ProjectConfig;
  readonly controls: readonly LoadedControl[];
}

export const CONFIG_FILE = 'config.ts';

/**
 * Run the TypeScript compiler on `policies/` (its tsconfig.json): a misspelled field or a value of
 * the wrong type stops the build with tsc's own messages (file(line,col): error TSxxxx: …).
 */
export function typecheckPolicies(policiesDir: string): void {
  const tsconfig = join(policiesDir, 'tsconfig.json');
  if (!existsSync(tsconfig)) throw new KpcError('missing tsconfig.json (policies are type-checked with it)', { file: displayPath(tsconfig) });
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', tsconfig], { encoding: 'utf8' });
  if (run.status !== 0) {
    const output = `${run.stdout}${run.stderr}`.trim();
    throw new KpcError(`type errors in policies/ — fix them before building:\n${output || `tsc exited with ${run.status}`}`);
  }
}

export async function loadPolicies(policiesDir: string, options: { typecheck?: boolean } = {}): Promise<LoadedPolicies> {
  const root = resolve(policiesDir);
  if (!existsSync(root)) throw new KpcError('no policies directory', { file: displayPath(root) });
  if (options.typecheck !== false) typecheckPolicies(root);

  const configFile = join(root, CONFIG_FILE);
  if (!existsSync(configFile)) throw new KpcError('missing project config (export default defineConfig({…}))', { file: displayPath(configFile) });
  const config = await importDefault(configFile);
  if (!isKind<ProjectConfig>(config, 'kpc.config')) {
    throw new KpcError('the default export must be defineConfig({…})', { file: displayPath(configFile) });
  }

  const controls: LoadedControl[] = [];
  for (const file of collectFiles([root], { extensions: ['.ts'] })) {
    if (file === configFile || file.endsWith('.d.ts') || isTestOrHelper(relative(root, file))) continue;
    const definition = await importDefault(file);
    if (definition === undefined) continue; // a helper module shared by controls
    if (!isKind<ControlDefinition>(definition, 'kpc.control')) {
      throw new KpcError('the default export must be defineControl({…}) (or the file must have no default export)', { file: displayPath(file) });
    }
    controls.push({ file, definition });
  }
  return { root, configFile, config, controls };
}

async function importDefault(file: string): Promise<unknown> {
  const size = statSync(file).size;
  if (size > MAX_INPUT_BYTES) throw new KpcError(`file is too large (${size} bytes; the limit is ${MAX_INPUT_BYTES} bytes)`, { file: displayPath(file) });
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return module.default;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // tsx loads .ts as CommonJS unless the nearest package.json says "type": "module".
    const hint = /require\(\) (of )?ES Module|Cannot use import statement outside a module/i.test(message) ? ' (policies/ must be ES modules: add "type": "module" to the project\'s package.json)' : '';
    throw new KpcError(`failed to load: ${message.split('\n')[0]}${hint}`, { file: displayPath(file) });
  }
}

function isKind<T>(value: unknown, kind: string): value is T {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

function isTestOrHelper(path: string): boolean {
  return /(^|\/)_/.test(path) || path.endsWith('.test.ts');
}

/** The 1-based line of the first occurrence of `needle` in a file, for errors about a field. */
export function lineOf(file: string, needle: string): number | undefined {
  try {
    const index = readFileSync(file, 'utf8').indexOf(needle);
    if (index < 0) return undefined;
    return readFileSync(file, 'utf8').slice(0, index).split('\n').length;
  } catch {
    return undefined;
  }
}
