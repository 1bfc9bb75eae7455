import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { collectFiles, compareBytes } from '../util/files.ts';
import { describeError } from '../util/errors.ts';
import { isPlainObject, parseYamlDocuments, readTextFile } from '../util/yaml.ts';

/**
 * The project's own fixtures: `test/fixtures/controls/<control-id>/` holds Pods named
 * `pass-<what>.yaml` (the pod passes every control) and `fail-<what>.yaml` (the pod fails that
 * control, and no other control that applies with it — see expectationProblems). And the upstream
 * PSA corpus, `<level>/<version>/<pass|fail>/*.yaml`, when present.
 */

export interface PodFixture {
  /** `controls/<control>/<file>` or `psa/<level>/<version>/<verdict>/<file>` */
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly pod: Record<string, unknown>;
  /** For project fixtures: the control directory and the declared verdict. */
  readonly control?: string;
  readonly expect: 'pass' | 'fail';
}

export interface FixtureProblem {
  readonly id: string;
  readonly detail: string;
}

export interface LoadedFixtures {
  readonly fixtures: PodFixture[];
  readonly problems: FixtureProblem[];
}

/** Project fixtures from `dir` (its subfolders are control ids). Bad files are problems, not crashes. */
export function loadControlFixtures(dir: string): LoadedFixtures {
  const fixtures: PodFixture[] = [];
  const problems: FixtureProblem[] = [];
  if (!existsSync(dir)) return { fixtures, problems: [{ id: 'controls', detail: `fixture folder ${dir} is missing` }] };
  for (const control of readdirSync(dir).sort(compareBytes)) {
    const folder = join(dir, control);
    let isDirectory = false;
    try {
      isDirectory = statSync(folder).isDirectory();
    } catch {
      problems.push({ id: `controls/${control}`, detail: `${folder}: cannot be read (a dangling symlink?)` });
      continue;
    }
    if (!isDirectory) continue;
    for (const file of collectFiles([folder], { extensions: ['.yaml', '.yml'] })) {
      const name = basename(file);
      const id = `controls/${control}/${relative(folder, file).split(sep).join('/')}`;
      const expect = name.startsWith('pass-') ? 'pass' : name.startsWith('fail-') ? 'fail' : null;
      if (!expect) {
        problems.push({ id, detail: 'fixture file names start with pass- or fail-' });
        continue;
      }
      const loaded = loadPod(file, id);
      if ('detail' in loaded) problems.push(loaded);
      else fixtures.push({ ...loaded, control, expect });
    }
  }
  return { fixtures, problems };
}

export interface CorpusVersion {
  readonly level: CorpusLevel;
  readonly version: string;
  readonly fixtures: PodFixture[];
}

export type CorpusLevel = 'baseline' | 'restricted';

/** The PSA corpus: every `<level>/<version>/` folder, versions in numeric order. */
export function loadPsaCorpus(dir: string, levels: readonly CorpusLevel[] = ['baseline', 'restricted']): { versions: CorpusVersion[]; problems: FixtureProblem[] } {
  // Most corpus files repeat byte for byte from one version to the next: parse each text once.
  const parsed: ParsedPods = new Map();
  const { folders, problems } = psaCorpusFolders(dir, levels);
  const versions = folders.map(({ level, version }) => {
    const loaded = loadPsaCorpusVersion(dir, level, version, parsed);
    problems.push(...loaded.problems);
    return loaded.corpus;
  });
  return { versions, problems };
}

/** The `<level>/<version>/` folders of the PSA corpus, versions in numeric order; a missing level is a problem. */
export function psaCorpusFolders(dir: string, levels: readonly CorpusLevel[] = ['baseline', 'restricted']): { folders: { level: CorpusLevel; version: string }[]; problems: FixtureProblem[] } {
  const folders: { level: CorpusLevel; version: string }[] = [];
  const problems: FixtureProblem[] = [];
  for (const level of levels) {
    const levelDir = join(dir, level);
    if (!existsSync(levelDir)) {
      problems.push({ id: `psa/${level}`, detail: `${levelDir} is missing` });
      continue;
    }
    const names = readdirSync(levelDir).filter((v) => /^v1\.\d+$/.test(v));
    names.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    for (const version of names) folders.push({ level, version });
  }
  return { folders, problems };
}

/** One `<level>/<version>/` folder; `parsed` shares parsed files between folders (never mutate the pods). */
export function loadPsaCorpusVersion(dir: string, level: CorpusLevel, version: string, parsed: ParsedPods = new Map()): { corpus: CorpusVersion; problems: FixtureProblem[] } {
  const fixtures: PodFixture[] = [];
  const problems: FixtureProblem[] = [];
  for (const expect of ['pass', 'fail'] as const) {
    const folder = join(dir, level, version, expect);
    if (!existsSync(folder)) continue;
    for (const file of collectFiles([folder], { extensions: ['.yaml'] })) {
      const id = `psa/${level}/${version}/${expect}/${basename(file)}`;
      const loaded = loadPod(file, id, parsed);
      if ('detail' in loaded) problems.push(loaded);
      else fixtures.push({ ...loaded, expect });
    }
  }
  return { corpus: { level, version, fixtures }, problems };
}

type ParsedPod = { pod: Record<string, unknown>; line: number } | { detail: string };
/** Parsed corpus files by their text. */
export type ParsedPods = Map<string, ParsedPod>;

/** One v1 Pod per file; anything else is a problem naming the file. Parsed objects are shared: never mutate them. */
function loadPod(file: string, id: string, parsed = new Map<string, ParsedPod>()): Omit<PodFixture, 'expect'> | FixtureProblem {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    return { id, detail: describeError(error) };
  }
  let result = parsed.get(text);
  if (!result) {
    result = parsePod(text, file);
    parsed.set(text, result);
  }
  return 'detail' in result ? { id, detail: result.detail } : { id, file, line: result.line, pod: result.pod };
}

function parsePod(text: string, file: string): ParsedPod {
  try {
    const documents = parseYamlDocuments(text, file).filter((d) => d.value !== null);
    if (documents.length !== 1) return { detail: `expected one Pod, found ${documents.length} documents` };
    const [document] = documents;
    const pod = document!.value;
    const at = `${file}:${document!.line}`;
    if (!isPlainObject(pod)) return { detail: `${at}: the document is not an object` };
    if (pod['kind'] !== 'Pod' || pod['apiVersion'] !== 'v1') return { detail: `${at}: expected a v1 Pod, found ${String(pod['apiVersion'])}/${String(pod['kind'])}` };
    return { pod, line: document!.line };
  } catch (error) {
    return { detail: describeError(error) };
  }
}
