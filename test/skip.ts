import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the shared conformance data lives (`../shared/conformance` from the checkout). */
export const CONFORMANCE_DIR = resolve(process.env.KPC_CONFORMANCE_DIR ?? resolve(import.meta.dirname, '../../shared/conformance'));
export const SCHEMAS_DIR = resolve(process.env.KPC_SCHEMAS_DIR ?? resolve(import.meta.dirname, '../../shared/schemas'));

/**
 * The path of a conformance folder, or null after printing why the tests that need it are skipped.
 * Tests call this and register nothing when it returns null.
 */
export function conformancePath(sub: string): string | null {
  const path = resolve(CONFORMANCE_DIR, sub);
  if (existsSync(path)) return path;
  console.log(`SKIP: ${path} is absent; tests that need this conformance data are skipped.`);
  return null;
}

export function schemasPath(sub: string): string | null {
  const path = resolve(SCHEMAS_DIR, sub);
  if (existsSync(path)) return path;
  console.log(`SKIP: ${path} is absent; schema validation tests are skipped.`);
  return null;
}
