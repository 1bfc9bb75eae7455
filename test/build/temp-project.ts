import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The authoring API, imported by absolute path from temporary projects outside the checkout. */
export const API = resolve(import.meta.dirname, '../../src/controls/index.ts');
export const REPO = resolve(import.meta.dirname, '../..');

export const MINIMAL_CONFIG = `import { defineConfig } from '${API}';
export default defineConfig({ pssVersion: 'latest', namespaces: [{ name: 'apps', level: 'restricted', hardening: true }] });
`;

export const PRIVILEGED_CONTROL = `import { allContainers, defineControl, every, isNotTrue } from '${API}';
export default defineControl({
  id: 'privileged', title: 'No privileged containers', description: 'd', severity: 'high', category: 'c', remediation: 'r',
  pss: { check: 'privileged', level: 'baseline' },
  versions: [{ since: 'v1.0', rules: (pod) => [{ name: 'privileged', message: 'm', check: every(allContainers(pod), (c) => isNotTrue(c.securityContext.privileged)) }] }],
});
`;

/** A throwaway project: files relative to its root (policies/… and anything else). */
export function tempProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kpc-project-'));
  const all = {
    'policies/tsconfig.json': JSON.stringify({ extends: join(REPO, 'tsconfig.json'), compilerOptions: { types: [], typeRoots: [join(REPO, 'node_modules/@types')] }, include: ['./**/*.ts'] }),
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}
