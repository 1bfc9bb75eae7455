import { describeError, KpcError } from '../util/errors.ts';

/** A command module: `src/cli/<name>.ts` exports these two. Argument parsing only, no logic. */
export interface CommandModule {
  readonly help: string;
  run(args: string[]): Promise<number>;
}

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

// One file per command, loaded lazily so `kpc build` does not pay for the Rego interpreter.
const COMMANDS: Record<string, CommandEntry> = {
  build: { summary: 'compile policies/ into generated/ (--check: exit 1 when generated/ is stale)', load: () => import('./build.ts') },
  test: { summary: 'the equivalence harness: every fixture, control and engine must agree', load: () => import('./test.ts') },
  psa: { summary: 'psa conformance <dir>: run a PSA fixture tree <level>/<version>/<pass|fail>/*.yaml', load: () => import('./psa.ts') },
  kyverno: { summary: 'kyverno test <dir>…: run every kyverno-test.yaml found, like `kyverno test`', load: () => import('./kyverno.ts') },
  gator: { summary: 'gator verify <path>…: run every Gatekeeper suite.yaml found, like `gator verify`', load: () => import('./gator.ts') },
  eval: { summary: 'verdicts of policies (Kyverno, Gatekeeper, VAP, PSA level) on resources', load: () => import('./eval.ts') },
  audit: { summary: 'which workloads in a manifests tree each control and engine would reject', load: () => import('./audit.ts') },
  explain: { summary: 'per control: verdict, offending fields, and the change that fixes them', load: () => import('./explain.ts') },
};

export const USAGE = `kpc — kube-policy-compiler

Usage: kpc <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, entry]) => `  ${name.padEnd(9)} ${entry.summary}`)
  .join('\n')}

Run \`kpc <command> --help\` for a command's options.
Exit codes: 0 success, 1 failure (a failed check, stale output, bad input), 2 usage error.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`kpc: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`kpc ${name}: ${error.message}\n\n${command.help.trimEnd()}\n`);
      return 2;
    }
    if (error instanceof KpcError) {
      process.stderr.write(`kpc ${name}: ${describeError(error)}\n`);
      return 1;
    }
    // A bug, not bad input: say so plainly (the stack trace with KPC_DEBUG=1), exit 1.
    process.stderr.write(`kpc ${name}: internal error: ${describeError(error)}\n`);
    if (process.env['KPC_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write('(set KPC_DEBUG=1 for the stack trace; please report it)\n');
    return 1;
  }
}

/** Wrong arguments: main prints the message and the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
