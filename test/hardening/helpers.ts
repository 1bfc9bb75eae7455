// Shared by the hardening tests: run `kpc` as a child process with a timeout, and write the bad
// inputs every command must survive into a temporary folder (large and binary files are generated
// here, never committed).
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MAX_INPUT_BYTES } from '../../src/util/yaml.ts';

export const REPO = resolve(import.meta.dirname, '../..');
const KPC = join(REPO, 'bin/kpc.mjs');

/**
 * A loose bound on one command: the limits inside end a runaway in about two seconds, but the
 * machine is shared, so the test only asserts "terminates", not a tight time.
 */
export const BOUND_MS = 20_000;
/** The child is killed after this; a hang shows up as a failed assertion, not a stuck suite. */
const KILL_AFTER_MS = 90_000;

export interface KpcRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function kpc(args: readonly string[], options: { cwd?: string } = {}): KpcRun {
  const started = performance.now();
  const run = spawnSync(process.execPath, [KPC, ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    timeout: KILL_AFTER_MS,
    maxBuffer: 1 << 28,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '', ms: performance.now() - started };
}

/** The JSON a `--json` run printed, with a readable failure when it printed something else. */
export function json<T = Record<string, unknown>>(run: KpcRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout (exit ${run.status}, signal ${run.signal}); stderr: ${run.stderr.slice(0, 2000)}`);
  }
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kpc-hardening-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export function write(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** The bad inputs, by case: file name, and what the message must say about it. */
export const BAD_FILES = {
  malformed: { name: 'malformed.yaml', message: /malformed\.yaml:3:1: malformed YAML: / },
  list: { name: 'list.yaml', message: /list\.yaml:1: document 1 is not an object \(found a list\)/ },
  scalar: { name: 'scalar.yaml', message: /scalar\.yaml:1: document 1 is not an object \(found a string\)/ },
  invalidUtf8: { name: 'invalid-utf8.yaml', message: /invalid-utf8\.yaml: invalid UTF-8/ },
  tooLarge: { name: 'too-large.yaml', message: new RegExp(`too-large\\.yaml: file is too large \\(${MAX_INPUT_BYTES + 1} bytes; the limit is ${MAX_INPUT_BYTES} bytes\\)`) },
  tooDeep: { name: 'too-deep.yaml', message: /too-deep\.yaml:\d+(:\d+)?: document nested too deeply \(the limit is 500 levels\)/ },
} as const;

export type BadCase = keyof typeof BAD_FILES;

/**
 * Writes every bad file into `dir` (optionally with a name prefix, e.g. `pass-`), plus `empty.yaml`
 * and `unknown-kind.yaml` (a Widget of a group nobody knows), which are valid YAML.
 */
export function writeBadFiles(dir: string, prefix = ''): void {
  mkdirSync(dir, { recursive: true });
  const at = (name: string) => join(dir, prefix + name);
  writeFileSync(at(BAD_FILES.malformed.name), 'a: 1\nb: [\n');
  writeFileSync(at(BAD_FILES.list.name), '- a\n- b\n');
  writeFileSync(at(BAD_FILES.scalar.name), 'just a string\n');
  writeFileSync(at(BAD_FILES.invalidUtf8.name), Buffer.concat([Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
  // sparse: one byte over the limit without writing 16 MiB
  const fd = openSync(at(BAD_FILES.tooLarge.name), 'w');
  ftruncateSync(fd, MAX_INPUT_BYTES + 1);
  closeSync(fd);
  writeFileSync(at(BAD_FILES.tooDeep.name), `a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
  writeFileSync(at('empty.yaml'), '');
  writeFileSync(at('unknown-kind.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: default\n');
}

/** A symlink `name` in `dir` pointing at `dir`'s parent: walking it naively never ends. */
export function symlinkLoop(dir: string, name = 'loop'): void {
  mkdirSync(dir, { recursive: true });
  symlinkSync('..', join(dir, name));
}

/** A Pod that passes PSA restricted at any version. */
export const RESTRICTED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: default
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: c
    image: nginx
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
`;

/** A Pod with `containers` containers and a long `a…a!` annotation (and an optional one more). */
export function hostilePod(containers: number, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'aaaa', namespace: 'default', annotations: { long: `${'a'.repeat(100_000)}!`, ...annotations } },
    spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: 'nginx' })) },
  });
}
