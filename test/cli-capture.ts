import { main } from '../src/cli/main.ts';

/** Run `kpc <argv>` in this process and capture its exit code, stdout and stderr (optionally in `cwd`). */
export async function runCli(argv: string[], options: { cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(chunk.toString()), true)) as typeof process.stderr.write;
  const cwd = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    if (options.cwd) process.chdir(cwd);
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}
