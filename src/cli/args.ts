import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './main.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with strict checking, turning its errors into UsageErrors (exit code 2). */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
