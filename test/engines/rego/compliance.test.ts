// Every case file under test/engines/rego/cases/ (OPA compliance format), one uvu test per case.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { basename, join } from 'node:path';
import { collectFiles } from '../../../src/util/files.ts';
import { loadCases, runCase } from './compliance.ts';

const dir = join(import.meta.dirname, 'cases');
for (const file of collectFiles([dir], { extensions: ['.yaml'] })) {
  const s = suite(`rego cases: ${basename(file)}`);
  let cases: ReturnType<typeof loadCases>;
  try {
    cases = loadCases(file);
  } catch (e) {
    s('loads', () => assert.unreachable(String(e)));
    s.run();
    continue;
  }
  for (const c of cases) {
    s(c.note, () => {
      const problem = runCase(c);
      if (problem !== null) assert.unreachable(`${c.note}: ${problem}`);
    });
  }
  s.run();
}
